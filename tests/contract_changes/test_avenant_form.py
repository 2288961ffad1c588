"""The avenant's page keeps the wizard's habits: checks while typing (wizard.js's autosave answer, the engine's
messages for the changed fields), the wizard's look-ups scoped to the user's persons, the error summary linking to
each field, nothing lost on a refused value or file."""

import datetime
import json

import pytest
from django.test import TestCase
from django.urls import reverse

from accounts.models import Role
from dossiers.models import DossierStatus
from egestion.requests.apprenticeship.views import AUTOSAVE_HEADER
from funding import avenants
from funding.transmission import submit_request
from tests.factories import EstablishmentFactory, MembershipFactory, PersonFactory
from tests.funding.conftest import TODAY

pytestmark = pytest.mark.django_db

AUTOSAVE = {"HTTP_" + AUTOSAVE_HEADER.upper().replace("-", "_"): "1"}
HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def accepted(complete_request, user):
    with TestCase.captureOnCommitCallbacks(execute=True):
        dossier = submit_request(complete_request, user=user, today=TODAY)
    dossier.status = DossierStatus.ACCEPTED
    dossier.save()
    return dossier


def new_avenant(dossier, user, avenant_type="36"):
    return avenants.start_avenant(
        dossier, user=user, avenant_type=avenant_type, effective_date=datetime.date(2026, 3, 1)
    )


def page_url(avenant):
    return reverse("egestion:avenant", args=[avenant.amended_dossier.number, avenant.public_id])


def lookup_url(avenant, kind):
    return reverse("egestion:avenant_lookup", args=[avenant.amended_dossier.number, avenant.public_id, kind])


def test_the_page_checks_while_typing_with_the_wizards_autosave(client, accepted, user):
    avenant = new_avenant(accepted, user)
    client.force_login(user)
    page = client.get(page_url(avenant)).content.decode()
    assert 'id="wizard-form"' in page and f'data-autosave="{page_url(avenant)}"' in page and "js/wizard.js" in page

    # A maître of 17 on the effective date (MA-MAJEUR, read at the avenant's date): said at once, and saved.
    response = client.post(page_url(avenant), {"maitre1_date_naissance": "2009-01-15"}, **AUTOSAVE)
    answer = json.loads(response.content)
    assert answer["saved"] is True and answer["message"].startswith("Brouillon enregistré")
    assert any(
        "majeur à la date d'effet de l'avenant" in message for message in answer["errors"]["maitre1_date_naissance"]
    )
    avenant.refresh_from_db()
    assert avenant.data["maitre1_date_naissance"] == "2009-01-15"

    # A field the type does not change is neither saved nor checked.
    client.post(page_url(avenant), {"apprenti_nom_naissance": "AUTRE"}, **AUTOSAVE)
    avenant.refresh_from_db()
    assert avenant.data["apprenti_nom_naissance"] != "AUTRE"


def test_a_refused_value_is_said_next_to_the_field_and_nothing_is_lost(client, accepted, user):
    avenant = new_avenant(accepted, user)
    client.force_login(user)
    answer = json.loads(client.post(page_url(avenant), {"maitre1_prenom": "Sophie\x00"}, **AUTOSAVE).content)
    assert answer["saved"] is False and "maitre1_prenom" in answer["errors"]

    response = client.post(page_url(avenant), {"maitre1_prenom": "Sophie\x00", "maitre1_nom_naissance": "Bernard"})
    assert response.status_code == 400
    page = response.content.decode()
    assert 'href="#maitre1_prenom"' in page and 'value="Bernard"' in page  # the summary links to the field


def test_the_summary_links_to_each_field_to_correct(client, accepted, user):
    avenant = new_avenant(accepted, user)
    client.force_login(user)
    response = client.post(page_url(avenant), {"contrat_numero_precedent": ""})
    assert response.status_code == 302
    page = client.get(response["Location"]).content.decode()
    assert 'id="error-summary"' in page and 'href="#contrat_numero_precedent"' in page
    assert 'href="#documents"' in page  # the signed avenant is missing


def test_the_new_maitre_is_chosen_among_the_users_persons_with_the_wizards_look_up(client, accepted, user):
    avenant = new_avenant(accepted, user)
    organisation = accepted.employer_establishment.organisation
    sophie = PersonFactory(
        organisation=organisation,
        establishment=accepted.employer_establishment,
        last_name="Bernard",
        first_name="Sophie",
        birth_date=datetime.date(1980, 5, 12),
    )
    other_establishment = EstablishmentFactory(organisation=organisation)
    hidden = PersonFactory(organisation=organisation, establishment=other_establishment, last_name="Bernardin")
    restricted = MembershipFactory(role=Role.COMPANY_USER, establishment=accepted.employer_establishment).user
    client.force_login(restricted)

    results = client.get(lookup_url(avenant, "maitre1"), {"q": "bern"}, **HTMX).content.decode()
    assert f"person:maitre1:{sophie.pk}" in results and f"person:maitre1:{hidden.pk}" not in results
    assert sophie.nir not in results
    assert client.get(lookup_url(avenant, "apprenti"), {"q": "bern"}, **HTMX).status_code == 404
    assert client.get(lookup_url(avenant, "diplome"), {"q": "cap"}, **HTMX).status_code == 404  # not for a 36

    assert client.post(page_url(avenant), {"select": f"person:maitre1:{hidden.pk}"}).status_code == 404
    assert client.post(page_url(avenant), {"select": f"person:apprenti:{sophie.pk}"}).status_code == 404
    response = client.post(page_url(avenant), {"select": f"person:maitre1:{sophie.pk}"})
    assert response.status_code == 302
    avenant.refresh_from_db()
    assert avenant.data["maitre1_nom_naissance"] == "Bernard" and avenant.data["maitre1_date_naissance"] == "1980-05-12"
    page = client.get(page_url(avenant)).content.decode()
    assert "Personne sélectionnée" in page and "Retirer le maître d&#x27;apprentissage n°1" in page


def test_an_extra_diploma_is_looked_up_like_in_the_wizard(client, accepted, user):
    avenant = new_avenant(accepted, user, "35")
    client.force_login(user)
    results = client.get(lookup_url(avenant, "diplome"), {"q": "50023211"}, **HTMX).content.decode()
    assert "diplome:50023211" in results
    assert client.post(page_url(avenant), {"select": "diplome:50023211"}).status_code == 302
    avenant.refresh_from_db()
    assert avenant.data["formation_code_diplome"] == "50023211"
    # Without JavaScript, "Rechercher" shows the results on the page.
    response = client.post(page_url(avenant), {"action": "search:rncp", "q_rncp": "RNCP37651"})
    assert "recherche=rncp" in response["Location"]
    assert "rncp:RNCP37651" in client.get(response["Location"]).content.decode()
