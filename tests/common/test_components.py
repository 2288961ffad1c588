"""The shared front-end components: one pagination for every list, styled once in the shared stylesheet."""

import re
from pathlib import Path

from django.conf import settings
from django.core.paginator import Paginator
from django.template.loader import render_to_string
from django.test import RequestFactory

TEMPLATES = Path(settings.BASE_DIR) / "templates"
CSS = Path(settings.BASE_DIR) / "static" / "css"


def test_every_paginated_list_uses_the_one_pagination_component():
    own_pagers = [
        str(path.relative_to(TEMPLATES))
        for path in TEMPLATES.rglob("*.html")
        if not path.is_relative_to(TEMPLATES / "components")
        and not path.is_relative_to(TEMPLATES / "admin")
        and re.search(r"pager|page\.has_next|includes/pagination", path.read_text())
    ]
    assert own_pagers == []


def test_the_pager_and_facts_are_styled_in_the_shared_stylesheet_only():
    """portal.css is on every page: a list never shows an unstyled pager whatever page stylesheet it loads."""
    shared = (CSS / "portal.css").read_text()
    assert re.search(r"^\.pager \{", shared, re.M) and re.search(r"^\.facts \{", shared, re.M)
    for sheet in CSS.glob("*.css"):
        if sheet.name != "portal.css":
            assert not re.search(r"^\.(pager|facts)\b", sheet.read_text(), re.M), sheet.name


def test_the_pagination_counts_what_is_listed_and_keeps_the_filters():
    page = Paginator(range(27), 25).get_page(2)
    request = RequestFactory().get("/liste/", {"statut": "paye", "page": "2"})
    html = render_to_string("components/pagination.html", {"page": page, "noun": "règlements"}, request=request)
    assert "26 à 27 sur 27 règlements" in html
    assert "Page 2 sur 2" in html
    assert "?statut=paye&amp;page=1" in html and "Suivant" not in html


def test_the_pagination_of_a_list_without_noun_counts_elements():
    page = Paginator(range(3), 25).get_page(1)
    html = render_to_string("components/pagination.html", {"page": page}, request=RequestFactory().get("/"))
    assert "1 à 3 sur 3 éléments" in html and "Page 1" not in html
