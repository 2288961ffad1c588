"""Each step of the CERFA wizard links to the section of the CERFA notice that helps with it (issue 17, item 3)."""

import html
import re

import pytest
from django.urls import reverse

from content.cerfa_notice import SECTIONS, STEP_SECTIONS
from egestion.requests.apprenticeship.forms import STEP_SLUGS
from tests.egestion.requests.utils import step_url

EXPECTED = {
    "employeur": "employeur",
    "apprenti": "apprenti",
    "maitres": "maitre-apprentissage",
    "contrat": "contrat",
    "formation": "formation",
    "validation": "signature",
    "documents": "pieces",
    "transmettre": "depot",
}


@pytest.mark.parametrize("step", STEP_SLUGS)
def test_each_step_links_to_its_section_of_the_notice(logged_in, draft, step):
    page = logged_in.get(step_url(draft, step)).text
    assert "La notice du CERFA est disponible pour aider à la saisie" in page
    (href,) = re.findall(r'href="([^"]*notice-cerfa[^"]*)"', page)
    assert href == f"{reverse('egestion:help_cerfa_notice')}#{EXPECTED[step]}"
    notice = logged_in.get(href.split("#")[0]).text
    assert f'id="{EXPECTED[step]}"' in notice


def test_every_section_of_the_notice_is_on_the_page(logged_in):
    page = logged_in.get(reverse("egestion:help_cerfa_notice")).text
    for anchor, title in SECTIONS:
        assert f'<section id="{anchor}"' in page and f'href="#{anchor}">{html.escape(title)}</a>' in page
    assert set(STEP_SECTIONS) == set(STEP_SLUGS)


def test_the_notice_is_for_egestion_users(client, provider_referent):
    client.force_login(provider_referent)
    assert client.get(reverse("egestion:help_cerfa_notice")).status_code == 403
