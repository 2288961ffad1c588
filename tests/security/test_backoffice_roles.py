"""Issue 14, findings 1 and 8 (and the admin part of finding 9): an administrator cannot make themselves (or anyone)
superuser, staff, or give groups and permissions; each back-office group sees only what its job needs (regional
managers their regions, full IBANs and RIBs for accounting, message attachments for those who instruct); records are
never deleted from the admin. The whole group × page table is tests/security/test_admin_matrix.py."""

from django.contrib.auth.models import Group, Permission
from django.urls import reverse

from accounts.models import Consent, Establishment, Region, User
from backoffice.roles import ADMINISTRATOR
from dossiers.models import Document
from messaging.models import Message
from tests.factories import (
    DocumentFactory,
    DossierFactory,
    EstablishmentFactory,
    MembershipFactory,
    MessageFactory,
    PaymentFactory,
    ProviderEstablishmentFactory,
    UserFactory,
)
from tests.security.admin_world import (
    ACCOUNTING,
    CASE_MANAGER,
    REGIONAL_MANAGER,
    SUPERUSER,
    attachment,
    rib_request,
    staff,
)


def logged_in(client, user):
    client.force_login(user)
    return client


def user_form(user, **changes):
    """The admin's change form of `user` as a browser would post it, with `changes`."""
    data = {
        "email": user.email,
        "civility": user.civility,
        "last_name": user.last_name,
        "first_name": user.first_name,
        "function": user.function,
        "phone": user.phone,
        "is_active": "on",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "01/01/2026",
        "date_joined_1": "10:00:00",
        "memberships-TOTAL_FORMS": "0",
        "memberships-INITIAL_FORMS": "0",
        "account_events-TOTAL_FORMS": "0",
        "account_events-INITIAL_FORMS": "0",
    }
    data.update(changes)
    return data


ESCALATION = {
    "is_staff": "on",
    "is_superuser": "on",
    "groups": [],  # filled with the administrators' group
    "user_permissions": [],
}


def escalation(**extra):
    return {
        **ESCALATION,
        "groups": [str(Group.objects.get(name=ADMINISTRATOR).pk)],
        "user_permissions": [str(Permission.objects.get(codename="change_group").pk)],
        **extra,
    }


# --- finding 1: no privilege escalation ---------------------------------------------------------------------------


def test_an_administrator_cannot_make_themselves_superuser(client):
    administrator = staff(ADMINISTRATOR)
    url = reverse("admin:accounts_user_change", args=[administrator.pk])
    client = logged_in(client, administrator)

    page = client.get(url)
    response = client.post(url, user_form(administrator, **escalation(first_name="Pirate")))

    assert page.status_code == 200 and 'name="is_superuser"' not in page.text  # read-only for them
    assert response.status_code == 403
    administrator.refresh_from_db()
    assert not administrator.is_superuser and administrator.first_name != "Pirate"
    assert not administrator.user_permissions.exists()


def test_an_administrator_cannot_promote_a_portal_user_or_give_groups_and_permissions(client):
    portal_user = MembershipFactory().user
    url = reverse("admin:accounts_user_change", args=[portal_user.pk])
    client = logged_in(client, staff(ADMINISTRATOR))

    page = client.get(url)
    response = client.post(url, user_form(portal_user, **escalation(first_name="Nouveau")))

    for field in ("is_staff", "is_superuser", "groups", "user_permissions"):
        assert f'name="{field}"' not in page.text
    assert response.status_code == 302  # the rest of the form is saved...
    portal_user.refresh_from_db()
    assert portal_user.first_name == "Nouveau"
    assert (portal_user.is_staff, portal_user.is_superuser) == (False, False)  # ...but not the access
    assert not portal_user.groups.exists() and not portal_user.user_permissions.exists()


def test_an_administrator_cannot_take_over_another_staff_account(client):
    accountant = staff(ACCOUNTING)
    client = logged_in(client, staff(ADMINISTRATOR))

    changed = client.post(
        reverse("admin:accounts_user_change", args=[accountant.pk]),
        user_form(accountant, email="pirate@exemple.fr", **escalation()),
    )
    password = client.post(
        reverse("admin:auth_user_password_change", args=[accountant.pk]),
        {"password1": "Pirate-Motdepasse-1!", "password2": "Pirate-Motdepasse-1!"},
    )

    assert (changed.status_code, password.status_code) == (403, 403)
    accountant.refresh_from_db()
    assert accountant.email != "pirate@exemple.fr" and not accountant.is_superuser
    assert not accountant.check_password("Pirate-Motdepasse-1!")


def test_an_account_added_by_an_administrator_is_never_staff_and_has_no_password_they_know(client):
    client = logged_in(client, staff(ADMINISTRATOR))

    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "email": "Nouveau@exemple.fr",
            "password1": "Motdepasse-123!x",
            "password2": "Motdepasse-123!x",
            "usable_password": "true",
            "memberships-TOTAL_FORMS": "0",
            "memberships-INITIAL_FORMS": "0",
            "account_events-TOTAL_FORMS": "0",
            "account_events-INITIAL_FORMS": "0",
            **escalation(),
        },
    )

    assert response.status_code == 302
    created = User.objects.get(email="nouveau@exemple.fr")
    assert (created.is_staff, created.is_superuser, created.groups.exists()) == (False, False, False)
    assert not created.has_usable_password()  # its owner creates it from the activation email


def test_an_administrator_cannot_set_a_portal_users_password(client):
    portal_user = MembershipFactory().user
    client = logged_in(client, staff(ADMINISTRATOR))

    response = client.post(
        reverse("admin:auth_user_password_change", args=[portal_user.pk]),
        {"password1": "Pirate-Motdepasse-1!", "password2": "Pirate-Motdepasse-1!", "usable_password": "true"},
    )

    assert response.status_code == 403
    portal_user.refresh_from_db()
    assert not portal_user.check_password("Pirate-Motdepasse-1!")


def test_groups_are_the_superusers_alone(client):
    group = Group.objects.get_or_create(name=ADMINISTRATOR)[0]
    client = logged_in(client, staff(ADMINISTRATOR))

    assert client.get(reverse("admin:auth_group_changelist")).status_code == 403
    response = client.post(
        reverse("admin:auth_group_change", args=[group.pk]),
        {"name": ADMINISTRATOR, "permissions": [str(p.pk) for p in Permission.objects.all()]},
    )
    assert response.status_code == 403
    assert not group.permissions.filter(codename="change_group").exists()


def test_a_superuser_still_grants_access(client):
    colleague = staff(CASE_MANAGER)
    client = logged_in(client, staff(SUPERUSER))

    response = client.post(
        reverse("admin:accounts_user_change", args=[colleague.pk]),
        user_form(colleague, is_staff="on", groups=[str(Group.objects.get(name=ACCOUNTING).pk)]),
    )

    assert response.status_code == 302
    assert list(colleague.groups.values_list("name", flat=True)) == [ACCOUNTING]


# --- finding 8: each group sees what its job needs ----------------------------------------------------------------


def test_case_and_regional_managers_open_payments_with_the_iban_masked(client):
    payment = PaymentFactory(lines=1)
    iban = payment.iban_paid
    url = reverse("admin:payments_payment_change", args=[payment.pk])

    for group in (CASE_MANAGER, REGIONAL_MANAGER, ADMINISTRATOR):
        regions = [payment.beneficiary.region]
        page = logged_in(client, staff(group, regions=regions)).get(url)
        assert page.status_code == 200, group  # was a 500 (a help text on a field of a read-only form)
        assert iban not in page.text and f"•••• {iban[-4:]}" in page.text
    assert iban in logged_in(client, staff(ACCOUNTING)).get(url).text


def test_ibans_are_masked_on_establishments_for_who_does_not_pay(client):
    establishment = ProviderEstablishmentFactory()
    change = reverse("admin:accounts_establishment_change", args=[establishment.pk])
    listing = reverse("admin:accounts_establishment_changelist")

    for group in (CASE_MANAGER, REGIONAL_MANAGER, ADMINISTRATOR):
        client = logged_in(client, staff(group, regions=[establishment.region]))
        for page in (client.get(change), client.get(listing, {"list_display": "iban"})):
            assert establishment.iban not in page.text and establishment.formatted_iban not in page.text
    assert establishment.iban in logged_in(client, staff(ACCOUNTING)).get(change).text


def test_remittance_advices_which_print_the_iban_are_for_accounting_only(client):
    advice = DocumentFactory(remittance_advice=True)
    download = reverse("admin:dossiers_document_download", args=[advice.pk])

    for group in (CASE_MANAGER, REGIONAL_MANAGER, ADMINISTRATOR):
        assert logged_in(client, staff(group, regions=Region.values)).get(download).status_code == 404, group
    assert logged_in(client, staff(ACCOUNTING)).get(download).status_code == 200


def test_ribs_are_for_accounting_only(client):
    bank_request = rib_request(ProviderEstablishmentFactory())
    rib = bank_request.rib
    download = reverse("admin:dossiers_document_download", args=[rib.pk])
    rib_view = reverse("admin:banking_bankdetailsrequest_rib", args=[bank_request.pk])
    documents = reverse("admin:dossiers_document_changelist")

    for group in (CASE_MANAGER, REGIONAL_MANAGER, ADMINISTRATOR):
        client = logged_in(client, staff(group, regions=Region.values))
        assert client.get(download).status_code == 404, group
        assert client.get(rib_view).status_code == 403, group
        assert rib not in client.get(documents).context["cl"].result_list
    client = logged_in(client, staff(ACCOUNTING))
    assert client.get(download).status_code == 200 and client.get(rib_view).status_code == 200


def test_message_attachments_are_for_those_who_instruct_not_accounting(client):
    file = attachment(DossierFactory())
    download = reverse("admin:dossiers_document_download", args=[file.pk])
    documents = reverse("admin:dossiers_document_changelist")
    dossier_page = reverse("admin:dossiers_dossier_change", args=[file.dossier_id])

    client = logged_in(client, staff(ACCOUNTING))
    assert client.get(download).status_code == 404
    assert file not in client.get(documents).context["cl"].result_list
    assert download not in client.get(dossier_page).text
    for group in (CASE_MANAGER, REGIONAL_MANAGER, ADMINISTRATOR):
        assert logged_in(client, staff(group, regions=Region.values)).get(download).status_code == 200, group


def test_a_regional_manager_sees_only_their_regions(client):
    mine = DossierFactory()
    Establishment.objects.filter(pk=mine.employer_establishment_id).update(region=Region.OCC)
    other = DossierFactory()
    Establishment.objects.filter(pk=other.employer_establishment_id).update(region=Region.BRE)
    theirs_message = MessageFactory(dossier=other, from_company=True)
    client = logged_in(client, staff(REGIONAL_MANAGER, regions=[Region.OCC]))

    listed = client.get(reverse("admin:dossiers_dossier_changelist")).context["cl"].result_list
    searched = client.get(reverse("admin:dossiers_dossier_changelist"), {"q": other.number})
    outside = client.get(reverse("admin:dossiers_dossier_change", args=[other.pk]), follow=True)
    messages = client.get(reverse("admin:messaging_message_changelist")).context["cl"].result_list
    autocomplete = client.get(
        reverse("admin:autocomplete"),
        {"app_label": "dossiers", "model_name": "dossier", "field_name": "employer_establishment", "term": ""},
    )

    assert list(listed) == [mine]
    assert list(searched.context["cl"].result_list) == []
    assert outside.redirect_chain[-1][0] == reverse("admin:index")  # as for a missing object, with its message
    assert "n’existe pas" in outside.text or "n'existe pas" in outside.text
    assert theirs_message not in messages
    ids = {int(result["id"]) for result in autocomplete.json()["results"]}
    assert mine.employer_establishment_id in ids and other.employer_establishment_id not in ids
    # A case manager is national.
    assert {mine, other} <= set(
        logged_in(client, staff(CASE_MANAGER))
        .get(reverse("admin:dossiers_dossier_changelist"))
        .context["cl"]
        .result_list
    )


def test_a_regional_manager_cannot_move_data_out_of_their_regions(client):
    establishment = EstablishmentFactory()
    Establishment.objects.filter(pk=establishment.pk).update(region=Region.OCC)
    elsewhere = EstablishmentFactory()
    Establishment.objects.filter(pk=elsewhere.pk).update(region=Region.BRE)
    client = logged_in(client, staff(REGIONAL_MANAGER, regions=[Region.OCC]))
    url = reverse("admin:accounts_establishment_change", args=[establishment.pk])
    data = {
        "organisation": elsewhere.organisation_id,  # an organisation of another region
        "siret": establishment.siret,
        "name": establishment.name,
        "region": Region.BRE,
    }

    response = client.post(url, data)

    assert response.status_code == 200 and set(response.context["adminform"].form.errors) >= {"organisation", "region"}
    establishment.refresh_from_db()
    assert (establishment.region, establishment.organisation_id) == (Region.OCC, establishment.organisation_id)


def test_the_campaign_export_of_a_regional_manager_holds_their_regions_only(client):
    from tests.security.admin_world import build_world

    world = build_world()  # one Digit Invest request, in Occitanie
    campaign = world["invest.Campaign"]
    export = reverse("admin:invest_campaign_export", args=[campaign.pk])

    outside = logged_in(client, staff(REGIONAL_MANAGER, regions=[Region.BRE])).get(export)
    inside = logged_in(client, staff(REGIONAL_MANAGER, regions=[Region.OCC])).get(export)

    assert len(inside.content) > len(outside.content)  # the same workbook, with the request's row only for OCC


def test_a_regional_manager_without_region_sees_nothing(client):
    DossierFactory()
    client = logged_in(client, staff(REGIONAL_MANAGER, regions=[]))

    assert client.get(reverse("admin:dossiers_dossier_changelist")).context["cl"].result_count == 0


# --- finding 9 (admin part): nothing of record is deleted ---------------------------------------------------------


def test_records_cannot_be_deleted_even_by_a_superuser(client):
    dossier = DossierFactory()
    message = MessageFactory(dossier=dossier, from_company=True)
    received = DocumentFactory(dossier=dossier, received=True)
    consent = Consent.objects.filter(user=UserFactory()).first()
    client = logged_in(client, staff(SUPERUSER))

    for obj in (message, received, consent, dossier):
        opts = obj._meta
        delete = reverse(f"admin:{opts.app_label}_{opts.model_name}_delete", args=[obj.pk])
        assert client.get(delete).status_code == 403, opts.label
        assert client.post(delete, {"post": "yes"}).status_code == 403, opts.label
        changelist = reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist")
        client.post(changelist, {"action": "delete_selected", "_selected_action": [obj.pk], "post": "yes"})
    assert Message.objects.filter(pk=message.pk).exists()
    assert Document.objects.filter(pk=received.pk).exists()
    assert Consent.objects.filter(pk=consent.pk).exists()


def test_a_consent_is_read_only(client):
    consent = Consent.objects.filter(user=UserFactory()).first()
    client = logged_in(client, staff(SUPERUSER))

    page = client.get(reverse("admin:accounts_consent_change", args=[consent.pk]))

    assert page.status_code == 200 and not page.context["has_change_permission"]
