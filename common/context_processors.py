import functools
from dataclasses import dataclass

from django.conf import settings
from django.urls import get_script_prefix, reverse
from django.utils.module_loading import import_string
from django.utils.safestring import SafeString

from common.templatetags.portal import icon


@dataclass(frozen=True)
class MenuLink:
    """A menu entry with its URL and icon markup, as the layout prints them."""

    url_name: str
    label: str
    url: str
    icon_html: SafeString


@functools.cache
def menu_links(menu_path: str, namespace: str, is_admin: bool, script_prefix: str) -> tuple[MenuLink, ...]:
    """The menu of a portal for an administrator or not, reversed once per process: it depends on nothing else
    (the menus are declared in code and the URLs are fixed once the process runs; the script prefix is part of
    the key), so nothing can make it stale."""
    return tuple(
        MenuLink(entry.url_name, entry.label, reverse(f"{namespace}:{entry.url_name}"), icon(entry.icon))
        for entry in import_string(menu_path)
        if is_admin or not entry.admin_only
    )


def portal_menu(request):
    """The left-hand menu of the portal the page belongs to, filtered by the user's role, with the active entry."""
    match = getattr(request, "resolver_match", None)
    menu_path = settings.PORTAL_MENUS.get(match.app_name) if match else None
    if not menu_path:
        return {}
    is_admin = getattr(request, "is_portal_admin", False)
    return {
        "portal_namespace": match.app_name,
        "portal_menu": menu_links(menu_path, match.app_name, is_admin, get_script_prefix()),
        "active_menu": match.url_name,
        "support_phone": settings.SUPPORT_PHONE,
        "regional_contacts_url": settings.REGIONAL_CONTACTS_URL,
    }
