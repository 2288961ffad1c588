"""The left-hand menu of a portal, declared once and used for both the URLs and the layout."""

from dataclasses import dataclass

from django.shortcuts import render
from django.urls import path


@dataclass(frozen=True)
class MenuEntry:
    url_name: str
    label: str
    icon: str
    # Path under the portal's prefix; "" for the home page.
    route: str
    # Set while the feature is not built yet: the page says so plainly instead of answering 404.
    upcoming: str = ""
    # Shown only to the portal's administrators (company manager, provider référent).
    admin_only: bool = False


def upcoming_urls(menu, portal_required, portal_base):
    """URL patterns for the menu entries whose feature comes later, each a page in the portal's layout."""

    def make_view(entry):
        @portal_required
        def view(request):
            return render(request, "portal/upcoming.html", {"entry": entry, "portal_base": portal_base})

        view.__name__ = f"upcoming_{entry.url_name}"
        return view

    return [path(entry.route, make_view(entry), name=entry.url_name) for entry in menu if entry.upcoming]
