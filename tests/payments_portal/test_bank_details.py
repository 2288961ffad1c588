"""Bank details: a référent sends a RIB with new IBAN/BIC from the establishment page; accounting staff validate it
in the admin (the same service), and only then does it replace the old details, kept in the history."""

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from backoffice.roles import ACCOUNTING
from banking import services
from banking.models import BankDetailsChange, BankDetailsRequest, RequestStatus
from dossiers.models import DocumentDirection
from tests.factories import TINY_PDF, MembershipFactory, UserFactory, staff_user

NEW_IBAN = "FR7630004000031234567890143"
NEW_BIC = "BNPAFRPPXXX"


def rib(content=TINY_PDF, name="rib.pdf"):
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def post_request(client, establishment, **overrides):
    data = {"iban": "FR76 3000 4000 0312 3456 7890 143", "bic": "bnpafrppxxx", "rib": rib(), "confirm": "on"}
    data.update(overrides)
    return client.post(reverse("ogestion:bank_details_request", args=[establishment.pk]), data)


def test_referent_sends_new_bank_details_which_wait_for_validation(client, referent, provider_establishment):
    old_iban = provider_establishment.iban
    client.force_login(referent)
    page = client.get(reverse("ogestion:establishment", args=[provider_establishment.pk])).content.decode()
    assert "Envoyer de nouvelles coordonnées bancaires" in page
    response = post_request(client, provider_establishment)
    assert response.status_code == 302
    request = BankDetailsRequest.objects.get()
    assert (request.iban, request.bic, request.status) == (NEW_IBAN, NEW_BIC, RequestStatus.PENDING)
    assert request.rib.establishment == provider_establishment
    assert request.rib.direction == DocumentDirection.RECEIVED
    assert request.rib.file.read() == TINY_PDF
    provider_establishment.refresh_from_db()
    assert provider_establishment.iban == old_iban  # unchanged until validated
    page = client.get(response["Location"]).content.decode()
    assert "en attente de validation" in page
    assert "Envoyer de nouvelles coordonnées bancaires" not in page
    # The RIB is not one of the establishment's remittance advices.
    assert request.rib.name not in page


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"iban": "FR7630004000031234567890144"}, "clé de contrôle est erronée"),
        ({"iban": "XX12"}, "L&#x27;IBAN saisi n"),
        ({"bic": "BNP"}, "8 ou 11 caractères"),
        ({"rib": SimpleUploadedFile("rib.pdf", b"not a pdf at all")}, "n&#x27;est pas un PDF, JPEG, PNG valide"),
        ({"confirm": ""}, "Ce champ est obligatoire"),
    ],
)
def test_invalid_requests_are_refused_with_a_french_message(
    client, referent, provider_establishment, overrides, message
):
    client.force_login(referent)
    response = post_request(client, provider_establishment, **overrides)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not BankDetailsRequest.objects.exists()


def test_only_a_referent_may_send_bank_details(client, provider_user, provider_establishment):
    client.force_login(provider_user)
    response = client.get(reverse("ogestion:bank_details_request", args=[provider_establishment.pk]))
    assert response.status_code == 403
    page = response.content.decode()
    assert "Seul un <strong>référent</strong> de l'établissement" in page
    assert f'href="{reverse("ogestion:establishment", args=[provider_establishment.pk])}"' in page
    assert post_request(client, provider_establishment).status_code == 403
    assert not BankDetailsRequest.objects.exists()


def test_one_pending_request_at_a_time(client, referent, provider_establishment):
    client.force_login(referent)
    post_request(client, provider_establishment)
    response = post_request(client, provider_establishment)
    assert response.status_code == 200
    assert "déjà en attente de validation" in response.content.decode()
    assert BankDetailsRequest.objects.count() == 1


def _pending(referent, establishment):
    from common.uploads import check_upload

    return services.submit_request(establishment, referent, iban=NEW_IBAN, bic=NEW_BIC, rib=check_upload(rib()))


def test_validation_replaces_the_details_and_keeps_the_history(
    referent, provider_establishment, mailoutbox, django_capture_on_commit_callbacks
):
    old_iban, old_bic = provider_establishment.iban, provider_establishment.bic
    staff = staff_user(ACCOUNTING)
    request = _pending(referent, provider_establishment)
    with django_capture_on_commit_callbacks(execute=True):
        change = services.validate_request(request, staff)
    provider_establishment.refresh_from_db()
    assert (provider_establishment.iban, provider_establishment.bic) == (NEW_IBAN, NEW_BIC)
    assert (change.old_iban, change.old_bic, change.new_iban, change.changed_by) == (old_iban, old_bic, NEW_IBAN, staff)
    request.refresh_from_db()
    assert request.status == RequestStatus.VALIDATED and request.decided_by == staff
    with pytest.raises(ValidationError):
        services.validate_request(request, staff)
    [email] = [m for m in mailoutbox if m.to == [referent.email] and "mises à jour" in m.subject]
    assert email.subject == "Constructys - Vos coordonnées bancaires ont été mises à jour"
    assert f"se termine par {NEW_IBAN[-4:]}" in email.body
    assert f"se termine par <strong>{NEW_IBAN[-4:]}</strong>" in email.alternatives[0].content


def test_rejection_leaves_the_details(referent, provider_establishment, mailoutbox, django_capture_on_commit_callbacks):
    old_iban = provider_establishment.iban
    request = _pending(referent, provider_establishment)
    with django_capture_on_commit_callbacks(execute=True):
        services.reject_request(request, UserFactory(staff=True), "RIB illisible")
    provider_establishment.refresh_from_db()
    assert provider_establishment.iban == old_iban
    assert not BankDetailsChange.objects.exists()
    [email] = [m for m in mailoutbox if m.to == [referent.email] and "acceptée" in m.subject]
    assert "n'a pas été acceptée" in email.subject and "Motif : RIB illisible" in email.body


def test_admin_action_validates_and_the_rib_is_downloadable(client, referent, provider_establishment):
    staff = staff_user(ACCOUNTING)
    request = _pending(referent, provider_establishment)
    client.force_login(staff)
    changelist = reverse("admin:banking_bankdetailsrequest_changelist")
    assert provider_establishment.siret in client.get(changelist).content.decode()
    response = client.get(reverse("admin:banking_bankdetailsrequest_rib", args=[request.pk]))
    assert b"".join(response.streaming_content) == TINY_PDF
    response = client.post(changelist, {"action": "validate_requests", "_selected_action": [request.pk]})
    assert response.status_code == 302
    provider_establishment.refresh_from_db()
    assert provider_establishment.iban == NEW_IBAN
    assert BankDetailsChange.objects.filter(establishment=provider_establishment).exists()


def test_a_referent_of_another_establishment_cannot_request(client, provider_establishment):
    other = MembershipFactory(role=Role.PROVIDER_REFERENT).user
    client.force_login(other)
    assert client.get(reverse("ogestion:bank_details_request", args=[provider_establishment.pk])).status_code == 404


def test_admin_refusal_sends_the_reason_typed_on_the_request(client, referent, provider_establishment, mailoutbox):
    request = _pending(referent, provider_establishment)
    request.rejection_reason = "Le RIB ne correspond pas à la raison sociale."
    request.save()
    mailoutbox.clear()
    client.force_login(UserFactory(is_staff=True, is_superuser=True))
    # The test client runs the on-commit callbacks (the email) of each request.
    client.post(
        reverse("admin:banking_bankdetailsrequest_changelist"),
        {"action": "reject_requests", "_selected_action": [request.pk]},
    )
    request.refresh_from_db()
    assert request.status == RequestStatus.REJECTED
    [email] = [m for m in mailoutbox if m.to == [referent.email]]
    assert "Motif : Le RIB ne correspond pas à la raison sociale." in email.body


def test_the_rib_is_filed_under_the_establishment_siret(client, referent, provider_establishment):
    client.force_login(referent)
    post_request(client, provider_establishment, rib=rib(name="mon releve.pdf"))
    request = BankDetailsRequest.objects.get()
    assert request.rib.name == f"RIB - {provider_establishment.siret}.pdf"
    assert request.iban_end == NEW_IBAN[-4:]
