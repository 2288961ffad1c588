"""Issue 14, deliver 8: a documented, audited RGPD erasure command is the only way to remove a person's data. It
simulates by default; with --apply it pseudonymises the person and anonymises (and deactivates) the account,
keeps the records without their personal data, and writes who, when, why and what."""

from io import StringIO

import pytest
from django.contrib.admin.models import LogEntry
from django.core.management import CommandError, call_command

from accounts.models import (
    AccountEvent,
    AccountEventKind,
    Consent,
    Membership,
    Person,
    PersonalDataErasure,
    Role,
    User,
)
from dossiers.models import Enrolment
from funding import services
from funding.apprenticeship import initial_draft_data
from messaging.models import Message
from tests.factories import (
    DEFAULT_PASSWORD,
    DossierFactory,
    EnrolmentFactory,
    EstablishmentFactory,
    MembershipFactory,
    MessageFactory,
    PersonFactory,
    UserFactory,
)

REASON = "Demande de l'intéressé du 01/12/2026, réf. DPO-2026-17"


@pytest.fixture
def operator():
    return UserFactory(email="dpo@constructys.fr", staff=True)


@pytest.fixture
def establishment():
    return EstablishmentFactory(name="BATIR OUEST")


@pytest.fixture
def person(establishment):
    person = PersonFactory(
        organisation=establishment.organisation, establishment=establishment, last_name="Martin", first_name="Lucas"
    )
    EnrolmentFactory(dossier=DossierFactory(employer_establishment=establishment), person=person)
    return person


@pytest.fixture
def account(establishment):
    user = UserFactory(email="lucas.martin@exemple.fr", first_name="Lucas", last_name="Martin", phone="0612345678")
    MembershipFactory(user=user, establishment=establishment, role=Role.COMPANY_USER)
    return user


def run(*args):
    out = StringIO()
    call_command("rgpd_erase_person", *args, stdout=out)
    return out.getvalue()


def test_without_apply_nothing_changes(person, operator):
    before = Person.objects.values().get(pk=person.pk)

    output = run(str(person.pk), "--reason", REASON, "--operator", operator.email)

    assert "Simulation : rien n'a été modifié" in output
    assert "nir" in output and "inscriptions à des dossiers : 1" in output
    assert Person.objects.values().get(pk=person.pk) == before
    assert not PersonalDataErasure.objects.exists()


def test_the_person_is_pseudonymised_and_the_records_kept(person, establishment, operator):
    user = UserFactory()
    MembershipFactory(user=user, establishment=establishment)
    draft = services.create_draft(
        user=user, establishment=establishment, initial_data=initial_draft_data(establishment)
    )
    services.save_draft(
        draft,
        {
            "apprenti_person_id": person.pk,
            "apprenti_nom_naissance": "Martin",
            "apprenti_nir": person.nir,
            "representant_legal_nom_naissance": "Martin",
            "contrat_date_debut_execution": "2026-09-01",
        },
    )
    nir = person.nir

    output = run(str(person.pk), "--reason", REASON, "--operator", operator.email, "--apply")

    erased = Person.objects.get(pk=person.pk)
    assert "Effacement fait et enregistré" in output
    assert (erased.last_name, erased.first_name) == ("EFFACÉ", f"Personne n°{person.pk}")
    assert (erased.nir, erased.birth_date, erased.email, erased.phone, erased.address_line1, erased.city) == (
        "",
        None,
        "",
        "",
        "",
        "",
    )
    assert erased.erased_at is not None
    assert Enrolment.objects.filter(person=erased).count() == 1  # the dossier keeps its trainee
    draft.refresh_from_db()
    assert draft.data["contrat_date_debut_execution"] == "2026-09-01"
    assert not any(key.startswith(("apprenti_", "representant_legal_")) for key in draft.data)
    record = PersonalDataErasure.objects.get()
    assert (record.operator, record.reason, record.person) == (operator, REASON, erased)
    assert "nir" in record.details["person_fields"]
    assert nir not in str(record.details) and "Martin" not in str(record.details)  # ids and field names only
    assert LogEntry.objects.filter(user=operator, object_id=str(person.pk), change_message__contains=REASON).exists()


def test_the_account_is_anonymised_and_deactivated_its_records_kept(account, establishment, operator):
    message = MessageFactory(author=account, dossier=DossierFactory(employer_establishment=establishment))
    consents = Consent.objects.filter(user=account).count()

    run("--user", str(account.pk), "--reason", REASON, "--operator", operator.email, "--apply")

    erased = User.objects.get(pk=account.pk)
    assert erased.email == f"efface-{account.pk}@rgpd.invalid"
    assert (erased.first_name, erased.last_name, erased.phone) == ("", "", "")
    assert not erased.is_active and not erased.has_usable_password()
    assert not User.objects.filter(email__iexact="lucas.martin@exemple.fr").exists()
    assert Membership.include_inactive.filter(user=erased, is_active=False).count() == 1
    assert Message.objects.get(pk=message.pk).author == erased
    assert Consent.objects.filter(user=erased).count() == consents
    assert AccountEvent.objects.filter(user=erased, kind=AccountEventKind.RGPD_ERASED, actor=operator).exists()
    assert PersonalDataErasure.objects.get().user == erased


def test_an_erased_account_cannot_log_in(client, account, operator):
    run("--user", str(account.pk), "--reason", REASON, "--operator", operator.email, "--apply")

    assert not client.login(email="lucas.martin@exemple.fr", password=DEFAULT_PASSWORD)


@pytest.mark.parametrize(
    "arguments, message",
    [
        (["--reason", " ", "--operator", "dpo@constructys.fr"], "motif"),
        (["--reason", REASON, "--operator", "lucas.martin@exemple.fr"], "équipe Constructys"),
        (["--reason", REASON, "--operator", "inconnu@constructys.fr"], "équipe Constructys"),
    ],
)
def test_a_reason_and_a_staff_operator_are_required(person, account, operator, arguments, message):
    with pytest.raises(CommandError, match=message):
        run(str(person.pk), "--apply", *arguments)

    assert Person.objects.get(pk=person.pk).last_name == "Martin"
    assert not PersonalDataErasure.objects.exists()


def test_staff_accounts_and_erased_persons_are_refused(person, operator):
    with pytest.raises(CommandError, match="équipe Constructys"):
        run("--user", str(operator.pk), "--reason", REASON, "--operator", operator.email, "--apply")
    run(str(person.pk), "--reason", REASON, "--operator", operator.email, "--apply")
    with pytest.raises(CommandError, match="déjà été effacée"):
        run(str(person.pk), "--reason", REASON, "--operator", operator.email, "--apply")
    assert PersonalDataErasure.objects.count() == 1
