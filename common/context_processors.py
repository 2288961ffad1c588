from django.conf import settings
from django.utils.module_loading import import_string


def portal_menu(request):
    """The left-hand menu of the portal the page belongs to, filtered by the user's role, with the active entry."""
    match = getattr(request, "resolver_match", None)
    menu_path = settings.PORTAL_MENUS.get(match.app_name) if match else None
    if not menu_path:
        return {}
    is_admin = getattr(request, "is_portal_admin", False)
    entries = [entry for entry in import_string(menu_path) if is_admin or not entry.admin_only]
    return {
        "portal_namespace": match.app_name,
        "portal_menu": entries,
        "active_menu": match.url_name,
        "support_phone": settings.SUPPORT_PHONE,
        "regional_contacts_url": settings.REGIONAL_CONTACTS_URL,
    }
