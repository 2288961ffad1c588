"""Another company's draft, establishment or person is refused (404) on every URL of the wizard; a transmitted
request's draft URLs lead to its confirmation."""

import pytest
from django.urls import reverse
from django.utils import timezone

from egestion.requests.apprenticeship.forms import PERSON_TARGET_STEP, STEP_SLUGS
from funding.models import FundingRequest, RequestStatus
from tests.egestion.requests.utils import form_values, step_url
from tests.factories import DossierFactory

LOOKUPS = ("employeur", "apprenti", "maitre1", "maitre2", "cfa", "diplome", "rncp")


def draft_urls(draft):
    """(method, url) of every URL that works on a draft."""
    kwargs = {"public_id": draft.public_id}
    urls = [
        ("get", reverse("egestion:request_resume", kwargs=kwargs)),
        ("get", reverse("egestion:request_delete", kwargs=kwargs)),
        ("post", reverse("egestion:request_delete", kwargs=kwargs)),
        ("get", reverse("egestion:request_pdf", kwargs=kwargs)),
        ("get", reverse("egestion:request_document", kwargs={**kwargs, "pk": 1})),
        ("get", reverse("egestion:request_person_new", kwargs=kwargs) + "?cible=apprenti"),
        ("post", reverse("egestion:request_person_new", kwargs=kwargs) + "?cible=apprenti"),
    ]
    for kind in LOOKUPS:
        urls.append(("get", reverse("egestion:request_lookup", kwargs={**kwargs, "kind": kind}) + "?q=a"))
    for step in STEP_SLUGS:
        urls.append(("get", step_url(draft, step)))
        urls.append(("post", step_url(draft, step)))
    return urls


def test_every_wizard_url_of_another_company_draft_is_404(logged_in, other_company):
    other_draft = other_company["draft"]
    urls = draft_urls(other_draft)
    assert len(urls) == 7 + len(LOOKUPS) + 2 * len(STEP_SLUGS)
    for method, url in urls:
        data = {"action": "save", "last_name": "X", "first_name": "Y", "apprenti_prenom": "Forgé"}
        response = getattr(logged_in, method)(url, data) if method == "post" else logged_in.get(url)
        assert response.status_code == 404, (method, url, response.status_code)
    other_draft.refresh_from_db()
    assert "apprenti_prenom" not in other_draft.data
    assert FundingRequest.objects.filter(pk=other_draft.pk).exists()


def test_every_wizard_url_of_my_draft_answers(logged_in, draft):
    """The same loop on one's own draft: nothing is 404 (except the document that does not exist)."""
    for method, url in draft_urls(draft):
        if (method == "post" and "supprimer" in url) or url.endswith("cerfa.pdf"):
            continue  # deleting is tested with the list; the PDF with the documents
        response = getattr(logged_in, method)(url, {"action": "save"}) if method == "post" else logged_in.get(url)
        if "/documents/1/" in url:
            assert response.status_code == 404
        else:
            assert response.status_code in (200, 302, 400), (method, url, response.status_code)


@pytest.mark.parametrize("target", list(PERSON_TARGET_STEP))
def test_a_forged_person_of_another_company_is_404_for_every_target(logged_in, draft, other_company, target):
    step = PERSON_TARGET_STEP[target]
    values = form_values(logged_in.get(step_url(draft, step)))
    values["select"] = f"person:{target}:{other_company['person'].pk}"
    assert logged_in.post(step_url(draft, step), values).status_code == 404


def test_an_unknown_target_or_selection_is_404(logged_in, draft):
    assert logged_in.post(step_url(draft, "apprenti"), {"select": "person:directeur:1"}).status_code == 404
    assert logged_in.post(step_url(draft, "apprenti"), {"select": "nimporte:quoi"}).status_code == 404
    url = reverse("egestion:request_person_new", kwargs={"public_id": draft.public_id})
    assert logged_in.get(url + "?cible=directeur").status_code == 404


def test_a_transmitted_request_is_no_longer_a_draft(logged_in, draft, establishment, other_company):
    dossier = DossierFactory(employer_establishment=establishment)
    FundingRequest.objects.filter(pk=draft.pk).update(
        status=RequestStatus.SUBMITTED, dossier=dossier, submitted_at=timezone.now()
    )
    confirmation = reverse("egestion:request_submitted", kwargs={"public_id": draft.public_id})
    for method, url in draft_urls(draft):
        response = getattr(logged_in, method)(url, {"action": "save"}) if method == "post" else logged_in.get(url)
        assert response.status_code == 302 and response.url == confirmation, (method, url)
    assert logged_in.get(confirmation).status_code == 200

    # Another company's transmitted request: 404, its confirmation too.
    other = other_company["draft"]
    FundingRequest.objects.filter(pk=other.pk).update(status=RequestStatus.SUBMITTED)
    assert logged_in.get(step_url(other, "employeur")).status_code == 404
    assert (
        logged_in.get(reverse("egestion:request_submitted", kwargs={"public_id": other.public_id})).status_code == 404
    )


def test_the_wizard_needs_an_egestion_account(client, draft, other_company):
    assert client.get(step_url(draft, "employeur")).status_code == 302  # to the login page
