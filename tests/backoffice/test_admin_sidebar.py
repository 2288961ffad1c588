"""The admin's navigation sidebar, written by backoffice.nav_sidebar (on every admin page): the same models, links
and current entry as Django's admin/app_list.html, for each back-office role; and the header's user tools."""

import re

import pytest
from django.contrib import admin
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.urls import reverse

from backoffice.nav_sidebar import app_list


def normalised(html):
    return re.sub(r">\s+<", "><", re.sub(r"\s+", " ", str(html))).strip()


@pytest.mark.parametrize("persona", ["case_manager", "regional_manager", "accountant", "administrator"])
@pytest.mark.parametrize("path", ["/admin/dossiers/dossier/", "/admin/dossiers/dossier/1/change/", "/admin/"])
def test_the_sidebar_lists_what_djangos_app_list_lists(request, persona, path):
    user = request.getfixturevalue(persona)
    visit = RequestFactory().get(path)
    visit.user = user
    apps = admin.site.get_app_list(visit)

    djangos = render_to_string("admin/app_list.html", {"app_list": apps, "show_changelinks": False, "request": visit})

    assert apps and normalised(app_list(apps, path)) == normalised(djangos)


def test_the_dossier_list_shows_the_sidebar_with_its_current_entry(staff_client, case_manager):
    response = staff_client(case_manager).get(reverse("admin:dossiers_dossier_changelist"))

    sidebar = response.text.split('id="nav-sidebar"', 1)[1].split("</nav>", 1)[0]
    assert '<tr class="model-dossier current-model">' in sidebar
    assert f'<a href="{reverse("admin:dossiers_dossier_changelist")}" aria-current="page">' in sidebar
    assert reverse("admin:dossiers_document_changelist") in sidebar


def test_the_user_tools_offer_the_password_change_and_the_logout_but_no_documentation(staff_client, case_manager):
    page = staff_client(case_manager).get(reverse("admin:dossiers_dossier_changelist")).text

    tools = page.split('id="user-tools"', 1)[1].split("</div>", 1)[0]
    assert f'<a href="{reverse("admin:password_change")}">Modifier le mot de passe</a>' in tools
    assert f'<form id="logout-form" method="post" action="{reverse("admin:logout")}">' in tools
    assert 'name="csrfmiddlewaretoken"' in tools and "Déconnexion" in tools
    assert "Documentation" not in tools


def test_the_sidebar_is_written_once_per_entry_the_page_is_in(case_manager):
    def sidebar(path):
        visit = RequestFactory().get(path)
        visit.user = case_manager
        apps = admin.site.get_app_list(visit)
        return apps, app_list(apps, path)

    apps, list_page = sidebar("/admin/dossiers/dossier/")
    _, change_page = sidebar("/admin/dossiers/dossier/12/change/")
    _, index = sidebar("/admin/")

    assert change_page is list_page  # the same entry: the HTML kept with the list
    assert index is not list_page and "current-model" not in index
    djangos = render_to_string(
        "admin/app_list.html", {"app_list": apps, "show_changelinks": False, "request": RequestFactory().get("/admin/")}
    )
    assert normalised(index) == normalised(djangos)
