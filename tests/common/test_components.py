"""The shared front-end components: one pagination for every list, styled once in the shared stylesheet; the menu
and the header's entity switcher (common.components)."""

import re
from pathlib import Path
from types import SimpleNamespace

import pytest
from django import forms
from django.conf import settings
from django.core.paginator import Paginator
from django.template import RequestContext, Template
from django.test import RequestFactory

from common import components
from common.context_processors import MenuLink

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CSS = Path(settings.BASE_DIR) / "static" / "css"


def test_every_paginated_list_uses_the_one_pagination_component():
    own_pagers = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if not path.is_relative_to(TEMPLATES / "admin")
        and re.search(r'class="pager|page\.has_next|includes/pagination', path.read_text())
    ]
    assert own_pagers == []


def test_the_pager_and_facts_are_styled_in_the_shared_stylesheet_only():
    """portal.css is on every page: a list never shows an unstyled pager whatever page stylesheet it loads."""
    shared = (CSS / "portal.css").read_text()
    assert re.search(r"^\.pager \{", shared, re.M) and re.search(r"^\.facts \{", shared, re.M)
    for sheet in CSS.glob("*.css"):
        if sheet.name != "portal.css":
            assert not re.search(r"^\.(pager|facts)\b", sheet.read_text(), re.M), sheet.name


def pager_html(page, query="", noun="", target=""):
    request = RequestFactory().get(f"/liste/?{query}")
    template = Template("{% load portal_shell %}{% pager page noun=noun target=target %}")
    return template.render(RequestContext(request, {"page": page, "noun": noun, "target": target}))


def test_the_pagination_counts_what_is_listed_and_keeps_the_filters():
    page = Paginator(range(27), 25).get_page(2)
    html = pager_html(page, "statut=paye&page=2", noun="règlements")
    assert "26 à 27 sur 27 règlements" in html
    assert '<li class="pager__current" aria-current="page">Page 2 sur 2</li>' in html
    assert 'href="?statut=paye&amp;page=1"' in html and "Précédent" in html and "Suivant" not in html
    assert "hx-get" not in html  # no target: plain links


def test_the_pagination_links_swap_their_target_and_keep_the_order_of_the_parameters():
    page = Paginator(range(80), 25).get_page(2)
    html = pager_html(page, "page=2&tri=-ville&onglet=historique", noun="dossiers", target="#dossier-results")
    previous = "?page=1&amp;tri=-ville&amp;onglet=historique"
    following = "?page=3&amp;tri=-ville&amp;onglet=historique"
    assert f'href="{previous}" hx-get="{previous}" hx-target="#dossier-results"' in html
    assert f'href="{following}" hx-get="{following}" hx-target="#dossier-results"' in html
    assert "26 à 50 sur 80 dossiers" in html and "Page 2 sur 4" in html


def test_the_pagination_escapes_what_the_query_string_brings():
    page = Paginator(range(60), 25).get_page(1)
    html = pager_html(page, 'q="><script>alert(1)</script>')
    assert "<script>" not in html
    assert 'href="?q=%22%3E%3Cscript%3Ealert%281%29%3C%2Fscript%3E&amp;page=2"' in html


def test_the_pagination_of_a_list_without_noun_counts_elements():
    page = Paginator(range(3), 25).get_page(1)
    html = pager_html(page)
    assert "1 à 3 sur 3 éléments" in html and "Page 1" not in html and "pager__links" not in html


def test_an_empty_list_says_so():
    assert "Aucun élément" in pager_html(Paginator([], 25).get_page(1), noun="dossiers")


# --- A list's tabs -----------------------------------------------------------------------------------------------


def test_the_tabs_keep_the_filters_start_at_the_first_page_and_mark_the_tab_shown():
    params = RequestFactory().get("/", {"dispositif": "pro&a", "page": "3", "onglet": "en-cours"}).GET
    html = components.list_tabs(
        [("en-cours", "En cours", 12), ("historique", "Historique", 4160)], "en-cours", params, "#r"
    )
    current, other = html.split("</li>")[:2]
    assert current == (
        '<li><a href="?dispositif=pro%26a&amp;onglet=en-cours" hx-get="?dispositif=pro%26a&amp;onglet=en-cours"'
        ' hx-target="#r" hx-swap="outerHTML" hx-push-url="true" aria-current="page">EN COURS'
        ' <span class="dossier-tabs__count">12</span></a>'
    )
    assert 'href="?dispositif=pro%26a&amp;onglet=historique"' in other and "aria-current" not in other
    assert 'HISTORIQUE <span class="dossier-tabs__count">4160</span>' in other


# --- A list's filter form ----------------------------------------------------------------------------------------


class ListFilters(forms.Form):
    status = forms.ChoiceField(label="État & statut", required=False, choices=[("", "Tous"), ("paye", "Payé")])
    start = forms.DateField(label="Du", required=False)


def test_the_filter_fields_have_their_labels_and_say_what_is_wrong():
    html = components.filter_fields(ListFilters({"status": "paye", "start": "31/02/2026"}))
    status, start = html.split("</div>")[:2]
    assert status.startswith('<div class="field"><label class="field__label" for="id_status">État &amp; statut</label>')
    assert '<option value="paye" selected>Payé</option>' in status
    assert start.startswith('<div class="field field--invalid"><label class="field__label" for="id_start">Du</label>')
    assert '<p class="field__error">Saisissez une date valide.</p>' in start
    assert 'value="31/02/2026"' in start  # what was typed is kept


# --- The menu -----------------------------------------------------------------------------------------------------


def test_the_menu_marks_the_current_page_only_and_escapes_its_labels():
    links = (
        MenuLink("home", "Accueil", "/egestion/", components.mark_safe("<svg></svg>")),
        MenuLink("dossiers", "Dossiers & <suivi>", "/egestion/dossiers/", components.mark_safe("")),
    )
    html = components.menu_items(links, "dossiers")
    assert '<a class="portal-nav__link" href="/egestion/"><svg></svg><span>Accueil</span></a>' in html
    assert (
        '<a class="portal-nav__link" href="/egestion/dossiers/" aria-current="page"><span>Dossiers &amp; &lt;suivi&gt;'
        in html
    )
    assert html.count("aria-current") == 1
    assert "aria-current" not in components.menu_items(links, "messages")


# --- The entity switcher ------------------------------------------------------------------------------------------


def _establishment(pk, name, city, siret):
    return SimpleNamespace(pk=pk, name=name, city=city, siret=siret)


@pytest.fixture
def switch_request():
    request = RequestFactory().get("/egestion/dossiers/", {"page": "2"})
    first, second = _establishment(1, "Siège <Nord>", "Lille", "11111111100011"), _establishment(2, "Dépôt", "", "22")
    request.entity_choices = [(SimpleNamespace(name="Bâti & Co"), [first, second])]
    request.all_memberships = [object(), object()]
    request.entity_switch_url = "/egestion/entite/"
    request.current_establishment = None
    return request, first, second


def test_the_switcher_lists_the_establishments_and_comes_back_to_the_page(switch_request):
    request, first, second = switch_request
    html = components.entity_switch(request, "TOKEN")
    assert '<form class="entity-switch" method="post" action="/egestion/entite/">' in html
    assert '<input type="hidden" name="csrfmiddlewaretoken" value="TOKEN">' in html
    assert '<input type="hidden" name="next" value="/egestion/dossiers/?page=2">' in html
    assert '<option value="" selected>Toutes mes entités (2 établissements)</option>' in html
    assert '<optgroup label="Bâti &amp; Co">' in html
    assert '<option value="1">Siège &lt;Nord&gt; — Lille (11111111100011)</option>' in html
    assert '<option value="2">Dépôt (22)</option>' in html
    assert '<label class="entity-switch__label" for="entity-switch">Entité affichée</label>' in html


def test_the_switcher_selects_the_establishment_looked_at(switch_request):
    request, first, second = switch_request
    request.current_establishment = second
    html = components.entity_switch(request, "TOKEN")
    assert '<option value="">Toutes mes entités' in html
    assert '<option value="2" selected>Dépôt (22)</option>' in html
    assert html.count(" selected") == 1
