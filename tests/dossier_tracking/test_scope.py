"""Every URL of the dossier tracking answers 404 to a user of another organisation (in both portals), and the
header's entity switcher narrows the dossiers."""

import pytest
from django.urls import reverse

from accounts.access import entity_session_key
from accounts.models import Portal, Role
from tests.factories import DossierFactory, EstablishmentFactory, MembershipFactory


def egestion_urls(dossier):
    message = dossier.messages.get()
    issued, received = dossier.documents.order_by("direction")
    n = dossier.number
    return [
        ("get", reverse("egestion:dossier", args=[n])),
        *[
            ("get", reverse("egestion:dossier_tab", args=[n, tab]))
            for tab in ("inscriptions", "reglements", "documents-emis", "documents-recus", "messages")
        ],
        ("get", reverse("egestion:dossier_document", args=[n, issued.pk])),
        ("get", reverse("egestion:dossier_document", args=[n, received.pk])),
        ("post", reverse("egestion:dossier_document_upload", args=[n])),
        ("get", reverse("egestion:dossier_message_new", args=[n])),
        ("post", reverse("egestion:dossier_message_new", args=[n])),
        ("get", reverse("egestion:dossier_message", args=[n, message.pk])),
        ("post", reverse("egestion:dossier_message_unread", args=[n, message.pk])),
    ]


def ogestion_urls(dossier):
    n = dossier.number
    agreement = dossier.documents.get(direction="issued")
    return [
        ("get", reverse("ogestion:dossier", args=[n])),
        *[("get", reverse("ogestion:dossier_tab", args=[n, tab])) for tab in ("stagiaires", "reglements", "documents")],
        ("get", reverse("ogestion:dossier_document", args=[n, agreement.pk])),
    ]


def test_every_url_answers_404_to_another_organisation(client, outsider, company_user, provider_user, dossier):
    client.force_login(company_user)
    for method, url in egestion_urls(dossier):
        assert getattr(client, method)(url).status_code in (200, 302, 400), url
    client.force_login(provider_user)
    for _method, url in ogestion_urls(dossier):
        assert client.get(url).status_code == 200, url
    client.force_login(outsider)
    for method, url in egestion_urls(dossier) + ogestion_urls(dossier):
        assert getattr(client, method)(url).status_code == 404, url
    # …and the lists, the Messagerie and the extractions show nothing of it.
    for url in (
        reverse("egestion:dossiers"),
        reverse("egestion:messages"),
        reverse("ogestion:dossiers"),
    ):
        assert dossier.number not in client.get(url).content.decode(), url
    for fmt in ("csv", "xlsx"):
        response = client.get(reverse("egestion:dossier_export", args=[fmt]))
        content = b"".join(response.streaming_content) if response.streaming else response.content
        assert dossier.number.encode() not in content


def test_the_company_page_and_provider_page_do_not_cross(client, company_user, provider_user, dossier):
    """A company user is not a provider user of the same dossier, and the other way round."""
    client.force_login(company_user)
    assert client.get(reverse("ogestion:dossier", args=[dossier.number])).status_code == 403
    client.force_login(provider_user)
    assert client.get(reverse("egestion:dossier", args=[dossier.number])).status_code == 403


def test_the_entity_switcher_narrows_the_dossiers(client, company_user, establishment, dossier):
    second = EstablishmentFactory(organisation=establishment.organisation)
    MembershipFactory(user=company_user, establishment=second, role=Role.COMPANY_MANAGER)
    elsewhere = DossierFactory(employer_establishment=second)
    client.force_login(company_user)
    listed = [d.number for d in client.get(reverse("egestion:dossiers")).context["page"].object_list]
    assert set(listed) == {dossier.number, elsewhere.number}
    session = client.session
    session[entity_session_key(Portal.EGESTION)] = second.pk
    session.save()
    listed = [d.number for d in client.get(reverse("egestion:dossiers")).context["page"].object_list]
    assert listed == [elsewhere.number]
    assert client.get(reverse("egestion:dossier", args=[dossier.number])).status_code == 404


@pytest.mark.parametrize("url_name", ["egestion:dossiers", "egestion:messages", "ogestion:dossiers"])
def test_anonymous_users_are_sent_to_the_login(client, url_name):
    response = client.get(reverse(url_name))
    assert response.status_code == 302
