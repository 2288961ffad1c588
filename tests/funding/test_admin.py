"""Funding requests in the back office: list and read-only page, with a constant number of queries."""

import pytest
from django.urls import reverse

from funding import services
from funding.models import FundingRequest, RequestDocumentKind
from funding.transmission import submit_request
from tests.factories import MembershipFactory, UserFactory
from tests.funding.conftest import TODAY, apprenticeship_payload, pdf_upload
from tests.harness import assert_constant_queries, page_of


@pytest.fixture
def staff_client(client):
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    return client


def make_requests(count):
    created = []
    for _ in range(count):
        membership = MembershipFactory()
        draft = services.create_draft(
            user=membership.user,
            establishment=membership.establishment,
            initial_data=apprenticeship_payload(membership.establishment),
        )
        for kind in (
            RequestDocumentKind.SIGNED_CERFA,
            RequestDocumentKind.TRAINING_AGREEMENT,
            RequestDocumentKind.OTHER,
        ):
            services.attach_document(draft, kind=kind, uploaded_file=pdf_upload(f"{kind}.pdf"), user=membership.user)
        created.append(draft)
    return created


def test_the_changelist_lists_requests_with_constant_queries(staff_client):
    url = reverse("admin:funding_fundingrequest_changelist")
    make_requests(2)
    requests = []

    # warm_up: per-process caches (content types...) are filled by a first visit.
    response = assert_constant_queries(
        page_of(staff_client, url), grow=lambda: requests.extend(make_requests(3)), warm_up=True
    )
    for funding_request in requests:
        assert funding_request.employer_establishment.name in response.text


def test_search_by_siret(staff_client):
    first, second = make_requests(2)
    url = reverse("admin:funding_fundingrequest_changelist")

    response = staff_client.get(url, {"q": first.employer_establishment.siret})

    changelist = response.context["cl"]
    assert list(changelist.result_list) == [first]


def test_the_change_page_shows_the_data_and_the_documents_read_only(staff_client):
    (funding_request,) = make_requests(1)
    url = reverse("admin:funding_fundingrequest_change", args=[funding_request.pk])

    def another_document():
        services.attach_document(
            funding_request,
            kind=RequestDocumentKind.QUOTE,
            uploaded_file=pdf_upload(),
            user=funding_request.created_by,
        )

    # warm_up: per-process caches (content types...) are filled by a first visit.
    response = assert_constant_queries(page_of(staff_client, url), grow=another_document, warm_up=True)

    text = response.text
    assert "Nom de naissance de l&#x27;apprenti(e)" in text and "Martin" in text
    assert "11 – Premier contrat d&#x27;apprentissage de l&#x27;apprenti" in text
    assert "720,72" in text
    assert "cerfa.pdf" in text and "training_agreement.pdf" in text
    assert 'name="_save"' not in text  # read-only


def test_a_transmitted_request_links_to_its_dossier_and_cannot_be_deleted(staff_client, sample_referentials):
    (funding_request,) = make_requests(1)
    dossier = submit_request(funding_request, user=funding_request.created_by, today=TODAY)
    url = reverse("admin:funding_fundingrequest_change", args=[funding_request.pk])

    response = staff_client.get(url)

    assert reverse("admin:dossiers_dossier_change", args=[dossier.pk]) in response.text
    assert dossier.number in response.text
    assert (
        staff_client.get(reverse("admin:funding_fundingrequest_delete", args=[funding_request.pk])).status_code == 403
    )


def test_deleting_a_draft_goes_through_the_service(staff_client):
    (funding_request,) = make_requests(1)
    stored = [document.file.name for document in funding_request.documents.all()]
    storage = funding_request.documents.first().file.storage

    response = staff_client.post(
        reverse("admin:funding_fundingrequest_delete", args=[funding_request.pk]), {"post": "yes"}
    )

    assert response.status_code == 302
    assert not FundingRequest.objects.filter(pk=funding_request.pk).exists()
    assert not any(storage.exists(name) for name in stored)


def test_the_case_manager_sees_that_the_age_limit_is_lifted_after_a_failed_exam(staff_client):
    retake, ordinary = make_requests(2)
    retake.data = {**retake.data, "apprenti_meme_diplome_apres_echec": True}
    retake.save(update_fields=["data"])

    text = staff_client.get(reverse("admin:funding_fundingrequest_change", args=[retake.pk])).text
    ordinary_text = staff_client.get(reverse("admin:funding_fundingrequest_change", args=[ordinary.pk])).text

    notice = "Pas de limite d&#x27;âge : l&#x27;apprenti(e) prépare à nouveau le même diplôme après un échec"
    assert "Points d&#x27;attention" in text and notice in text
    # and the answer itself, in the apprentice's section of the data
    assert "L&#x27;apprenti(e) prépare à nouveau le même diplôme après un échec, avec un autre employeur" in text
    assert notice not in ordinary_text
