"""The admin's navigation sidebar, written by backoffice.nav_sidebar (on every admin page): the same models, links
and current entry as Django's admin/app_list.html, for each back-office role."""

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
