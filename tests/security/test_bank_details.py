"""Bank details only through a four-eyes validated request (issue 14, finding 2): nobody types an IBAN in the admin
(superusers included, imports neither); a request (oGestion, eGestion, or entered by staff from a signed RIB) is
validated only by an accounting member who is not its author; every change is kept with who asked and who validated;
the establishment's managers and the organisation's registered contact are emailed at each step; a payment goes to
the validated IBAN in force."""

import datetime
from decimal import Decimal

import pytest
from django.contrib.admin.models import LogEntry
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.core.files.uploadedfile import SimpleUploadedFile
from django.forms.models import model_to_dict
from django.urls import reverse

from accounts.models import Role
from backoffice.models import StaffProfile
from backoffice.roles import ACCOUNTING, ADMINISTRATOR, REGIONAL_MANAGER
from banking import services
from banking.models import BankDetailsChange, BankDetailsRequest, RequestSource, RequestStatus
from common.uploads import check_upload
from payments.services import record_payment
from tests.factories import (
    TINY_PDF,
    DossierFactory,
    MembershipFactory,
    ProviderEstablishmentFactory,
    UserFactory,
    staff_user,
)

NEW_IBAN = "FR7630004000031234567890143"
NEW_BIC = "BNPAFRPPXXX"
ALERT = "Si vous n'êtes pas à l'origine de cette demande, appelez le"


def rib():
    return SimpleUploadedFile("rib.pdf", TINY_PDF, content_type="application/pdf")


@pytest.fixture
def establishment():
    return ProviderEstablishmentFactory(
        name="CFA DU BATIMENT DE NANTES", organisation__contact_email="dg@cfa-nantes.fr"
    )


@pytest.fixture
def referent(establishment):
    return MembershipFactory(establishment=establishment, role=Role.PROVIDER_REFERENT, user__email="ref@cfa.fr").user


@pytest.fixture
def accountant():
    return staff_user(ACCOUNTING, email="compta@constructys.fr", first_name="Claire", last_name="Compta")


@pytest.fixture
def second_accountant():
    return staff_user(ACCOUNTING, email="compta2@constructys.fr")


def pending(establishment, author, **kwargs):
    return services.submit_request(establishment, author, iban=NEW_IBAN, bic=NEW_BIC, rib=check_upload(rib()), **kwargs)


def superuser():
    return UserFactory(staff=True, is_superuser=True)


def establishment_form(establishment, **changes):
    data = {key: value for key, value in model_to_dict(establishment).items() if value is not None}
    data.pop("id", None)
    data["is_head_office"] = "on" if establishment.is_head_office else ""
    data.update(changes)
    return data


@pytest.mark.parametrize("who", [REGIONAL_MANAGER, ADMINISTRATOR, "superuser"])
def test_no_staff_member_can_type_an_iban_in_the_establishment_admin(client, establishment, who):
    user = superuser() if who == "superuser" else staff_user(who)
    if who == REGIONAL_MANAGER:  # of the establishment's region (the region limit: test_backoffice_roles.py)
        StaffProfile.objects.create(user=user, regions=[establishment.region])
    old_iban, old_bic = establishment.iban, establishment.bic
    client.force_login(user)
    url = reverse("admin:accounts_establishment_change", args=[establishment.pk])

    page = client.get(url).text
    assert 'name="iban"' not in page and 'name="bic"' not in page

    response = client.post(url, establishment_form(establishment, iban=NEW_IBAN, bic=NEW_BIC, city="REZE"))

    assert response.status_code == 302  # the rest of the page is saved...
    establishment.refresh_from_db()
    assert establishment.city == "REZE"
    assert (establishment.iban, establishment.bic) == (old_iban, old_bic)  # ...never the bank details
    assert not BankDetailsChange.objects.exists()


def test_accounting_reads_the_establishment_page_and_changes_nothing_on_it(client, establishment):
    """Accounting validates bank-details requests; the establishment page itself is read-only for it."""
    old_iban = establishment.iban
    client.force_login(staff_user(ACCOUNTING))
    url = reverse("admin:accounts_establishment_change", args=[establishment.pk])

    assert 'name="iban"' not in client.get(url).text
    assert client.post(url, establishment_form(establishment, iban=NEW_IBAN, city="REZE")).status_code == 403
    establishment.refresh_from_db()
    assert establishment.iban == old_iban and establishment.city != "REZE"


def test_an_import_does_not_replace_a_known_iban(client, establishment):
    client.force_login(staff_user(ADMINISTRATOR))
    old_iban = establishment.iban
    content = (
        "siret;raison_sociale;adresse;code_postal;ville;region;iban;bic;siege\n"
        f"{establishment.siret};{establishment.name};1 rue Neuve;44000;Nantes;PDL;{NEW_IBAN};{NEW_BIC};non\n"
    )
    client.post(
        reverse("admin:backoffice_importrun_import"),
        {
            "kind": "establishments",
            "referential": "",
            "file": SimpleUploadedFile("e.csv", content.encode(), "text/csv"),
        },
        follow=True,
    )
    establishment.refresh_from_db()
    assert establishment.address_line1 == "1 rue Neuve"
    assert establishment.iban == old_iban


def test_the_author_cannot_validate_their_own_request(client, establishment, accountant, second_accountant):
    client.force_login(accountant)
    assert 'name="requester_name"' in client.get(reverse("admin:banking_bankdetailsrequest_add")).text
    response = client.post(
        reverse("admin:banking_bankdetailsrequest_add"),
        {
            "establishment": establishment.pk,
            "requester_name": "Jean Martin, directeur",
            "iban": NEW_IBAN,
            "bic": NEW_BIC,
            "rib": rib(),
            "confirm": "on",
        },
    )
    assert response.status_code == 302
    request = BankDetailsRequest.objects.get()
    assert (request.source, request.requested_by, request.requester_name) == (
        RequestSource.ADMIN,
        accountant,
        "Jean Martin, directeur",
    )

    changelist = reverse("admin:banking_bankdetailsrequest_changelist")
    response = client.post(changelist, {"action": "validate_requests", "_selected_action": [request.pk]}, follow=True)

    assert "Vous êtes l&#x27;auteur de cette demande : un autre membre du service Comptabilité doit la valider" in (
        response.text
    )
    establishment.refresh_from_db()
    assert establishment.iban != NEW_IBAN
    request.refresh_from_db()
    assert request.status == RequestStatus.PENDING

    client.force_login(second_accountant)
    client.post(changelist, {"action": "validate_requests", "_selected_action": [request.pk]})
    establishment.refresh_from_db()
    assert establishment.iban == NEW_IBAN


@pytest.mark.parametrize("who", [REGIONAL_MANAGER, ADMINISTRATOR, "superuser"])
def test_only_accounting_validates(client, establishment, referent, who):
    user = superuser() if who == "superuser" else staff_user(who)
    request = pending(establishment, referent)
    client.force_login(user)

    response = client.post(
        reverse("admin:banking_bankdetailsrequest_changelist"),
        {"action": "validate_requests", "_selected_action": [request.pk]},
        follow=True,
    )

    assert response.status_code in (200, 403)
    if response.status_code == 200:
        assert "Seul un membre du service Comptabilité peut valider" in response.text
    establishment.refresh_from_db()
    assert establishment.iban != NEW_IBAN
    assert not BankDetailsChange.objects.exists()


def test_the_administrator_group_does_not_hold_the_validation_permission():
    staff_user(ADMINISTRATOR)
    codenames = set(Group.objects.get(name=ADMINISTRATOR).permissions.values_list("codename", flat=True))
    assert "validate_bankdetailsrequest" not in codenames and "change_bankdetailsrequest" not in codenames
    assert Group.objects.get(name=ACCOUNTING).permissions.filter(codename="validate_bankdetailsrequest").exists()


def test_each_change_is_kept_with_who_asked_and_who_validated(client, establishment, referent, accountant):
    old_iban = establishment.iban
    request = pending(establishment, referent)
    services.validate_request(request, accountant)

    change = BankDetailsChange.objects.get(establishment=establishment)
    assert (change.old_iban, change.new_iban, change.new_bic) == (old_iban, NEW_IBAN, NEW_BIC)
    assert (change.requested_by, change.changed_by) == (referent, accountant)
    entry = LogEntry.objects.get(object_id=str(establishment.pk), content_type__model="establishment")
    assert "Coordonnées bancaires modifiées" in entry.change_message and referent.email in entry.change_message
    assert NEW_IBAN not in entry.change_message and NEW_IBAN[-4:] in entry.change_message

    client.force_login(referent)
    page = client.get(reverse("ogestion:establishment", args=[establishment.pk])).text
    assert "Derniers changements de coordonnées bancaires" in page
    assert f"IBAN se terminant par {NEW_IBAN[-4:]} (au lieu de {old_iban[-4:]})" in page

    client.force_login(accountant)
    listing = client.get(reverse("admin:banking_bankdetailschange_changelist")).text
    assert f"FR76 •••• {NEW_IBAN[-4:]}" in listing and NEW_IBAN not in listing
    assert referent.email in listing


def test_emails_at_the_request_and_at_the_validation(
    establishment, referent, accountant, mailoutbox, django_capture_on_commit_callbacks, settings
):
    settings.BANK_DETAILS_ALERT_PHONE = "01 23 45 67 89"
    manager_elsewhere = MembershipFactory(role=Role.PROVIDER_REFERENT).user  # another establishment: not told
    colleague = MembershipFactory(establishment=establishment, role=Role.PROVIDER_USER).user  # not a référent

    with django_capture_on_commit_callbacks(execute=True):
        request = pending(establishment, referent)
    requested = {email.to[0]: email for email in mailoutbox}
    assert set(requested) == {referent.email, "dg@cfa-nantes.fr"}
    for email in requested.values():
        assert "Demande de changement de coordonnées bancaires" in email.subject
        assert f"{ALERT} 01 23 45 67 89" in email.body
        assert "appelez le 01 23 45 67 89" in email.alternatives[0].content
        assert f"FR76 •••• {NEW_IBAN[-4:]}" in email.body and NEW_IBAN not in email.body

    mailoutbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.validate_request(request, accountant)
    validated = {email.to[0]: email for email in mailoutbox}
    assert set(validated) == {referent.email, "dg@cfa-nantes.fr"}
    assert all(f"{ALERT} 01 23 45 67 89" in email.body for email in validated.values())
    assert manager_elsewhere.email not in validated and colleague.email not in validated


def test_a_staff_entered_request_is_announced_to_the_establishment(
    establishment, referent, accountant, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        pending(establishment, accountant, source=RequestSource.ADMIN, requester_name="Jean Martin")
    assert {email.to[0] for email in mailoutbox} == {referent.email, "dg@cfa-nantes.fr"}  # not the staff author
    assert "Claire COMPTA (Constructys) pour le compte de Jean Martin" in mailoutbox[0].body


def test_egestion_account_manager_requests_new_bank_details(client, mailoutbox):
    manager = MembershipFactory(role=Role.COMPANY_MANAGER, establishment__with_bank_details=True).user
    establishment = manager.memberships.get().establishment
    client.force_login(manager)
    url = reverse("egestion:bank_details_request", args=[establishment.pk])
    assert (
        "Envoyer de nouvelles coordonnées bancaires"
        in client.get(reverse("egestion:establishment", args=[establishment.pk])).text
    )

    response = client.post(url, {"iban": NEW_IBAN, "bic": NEW_BIC, "rib": rib(), "confirm": "on"})

    assert response.status_code == 302
    request = BankDetailsRequest.objects.get()
    assert (request.source, request.requested_by, request.status) == (RequestSource.EGESTION, manager, "pending")
    assert manager.email in {email.to[0] for email in mailoutbox}


def test_egestion_company_user_cannot_request(client):
    user = MembershipFactory(role=Role.COMPANY_USER).user
    establishment = user.memberships.get().establishment
    client.force_login(user)
    response = client.post(
        reverse("egestion:bank_details_request", args=[establishment.pk]),
        {"iban": NEW_IBAN, "bic": NEW_BIC, "rib": rib(), "confirm": "on"},
    )
    assert response.status_code == 403
    assert "gestionnaire du compte" in response.text
    assert not BankDetailsRequest.objects.exists()


def test_a_payment_goes_to_the_iban_in_force_when_it_is_recorded(establishment, referent, accountant):
    dossier = DossierFactory(provider_establishment=establishment)
    request = pending(establishment, referent)
    line = {"dossier": dossier, "invoice_date": datetime.date(2025, 3, 10), "amount": Decimal("90.00")}

    before = record_payment(
        actor=accountant,
        reference="VIR1",
        paid_on=datetime.date(2025, 4, 2),
        beneficiary=establishment,
        lines=[{**line, "invoice_number": "F1"}],
    )
    assert before.iban_paid == establishment.iban != NEW_IBAN  # a pending request changes nothing
    services.validate_request(request, staff_user(ACCOUNTING))
    establishment.refresh_from_db()
    after = record_payment(
        actor=accountant,
        reference="VIR2",
        paid_on=datetime.date(2025, 4, 3),
        beneficiary=establishment,
        lines=[{**line, "invoice_number": "F2"}],
    )
    assert after.iban_paid == NEW_IBAN
    before.refresh_from_db()
    assert before.iban_paid != NEW_IBAN  # a recorded payment keeps the IBAN it went to


def test_the_service_itself_refuses_a_request_from_someone_who_does_not_manage_the_establishment(
    establishment, referent
):
    """The rule of the portals' pages holds for any caller of the service (admin, a future API): a provider user who
    is not référent, a référent of another establishment, a company manager in oGestion's name, or a staff member
    without the right to enter requests cannot ask for new bank details."""
    plain_user = MembershipFactory(establishment=establishment, role=Role.PROVIDER_USER).user
    other_referent = MembershipFactory(role=Role.PROVIDER_REFERENT).user
    regional_manager = staff_user(REGIONAL_MANAGER)
    for author, source in (
        (plain_user, RequestSource.OGESTION),
        (other_referent, RequestSource.OGESTION),
        (referent, RequestSource.EGESTION),
        (regional_manager, RequestSource.ADMIN),
    ):
        with pytest.raises(PermissionDenied):
            pending(establishment, author, source=source)
    assert not BankDetailsRequest.objects.exists()
    assert pending(establishment, referent).establishment == establishment
