"""The skills-plan request's rules (funding/plan.py): required fields per module and trainee, NIR checks, dates,
the estimate from the rules configured per year, and its transmission into a PLAN dossier."""

from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core import mail
from django.core.exceptions import ValidationError

from accounts.models import Role
from dossiers.models import DocumentDirection, DossierStatus, Scheme
from funding import plan, services
from funding.models import CompanySize, RequestDocumentKind, RequestStatus
from funding.transmission import submission_problems, submit_request
from tests.egestion.requests.plan.utils import complete_plan, plan_draft, rule, trainee_person
from tests.factories import EstablishmentFactory, MembershipFactory, PersonFactory, ProviderEstablishmentFactory

from .conftest import pdf_upload

pytestmark = pytest.mark.django_db


@pytest.fixture
def establishment():
    return EstablishmentFactory()


@pytest.fixture
def user(establishment):
    membership = MembershipFactory(establishment=establishment, role=Role.COMPANY_MANAGER)
    return membership.user


def messages_of(problems, anchor=None):
    return [p.message for p in problems if anchor is None or p.anchor == anchor]


def test_a_complete_request_has_no_problem_but_its_documents(user, establishment):
    draft = complete_plan(user, establishment)
    content = plan.load_plan(draft)
    assert plan.plan_problems(draft, content) == []
    problems = plan.plan_problems(draft, content, documents=[])
    assert messages_of(problems) == [
        "Pièce obligatoire manquante : Devis.",
        "Pièce obligatoire manquante : Programme de formation.",
    ]


def test_an_empty_request_asks_for_the_training_a_trainee_and_a_module(user, establishment):
    draft = services.create_draft(user=user, establishment=establishment, kind="plan")
    problems = plan.plan_problems(draft, plan.load_plan(draft))
    labels = [p.label for p in problems if p.section == "formation"]
    assert labels == [f.label for f in plan.TRAINING_FIELDS]
    assert "ajoutez au moins un stagiaire." in messages_of(problems, "stagiaires")
    assert "ajoutez au moins un module." in messages_of(problems, "modules")


def test_the_place_is_not_asked_for_a_remote_training(user, establishment):
    draft = plan_draft(user, establishment, plan_lieu="", plan_modalite="distance")
    problems = plan.plan_problems(draft, plan.load_plan(draft))
    assert not [p for p in problems if p.anchor == "plan_lieu"]


def test_required_fields_per_module(user, establishment):
    draft = complete_plan(user, establishment, modules=1, trainees=1)
    module = draft.plan_modules.get()
    plan.save_module(
        module, values={"start_date": None, "end_date": None, "hours": None, "teaching_cost": None}, trainees=[]
    )
    module.provider_establishment = None
    module.save()
    problems = plan.plan_problems(draft, plan.load_plan(draft))
    assert messages_of(problems, f"module-{module.pk}") == [
        "Organisme de formation : choisissez-le dans le référentiel ou saisissez son SIRET.",
        "Date de début : à renseigner.",
        "Date de fin : à renseigner.",
        "Durée : indiquez le nombre d'heures du module.",
        "Coût pédagogique HT : à renseigner (0 s'il n'y en a pas).",
        "Stagiaires : cochez au moins un stagiaire qui suit ce module.",
    ]
    # The trainee now follows no module.
    trainee = draft.plan_trainees.get()
    assert "Il ne suit aucun module : cochez-le dans un module ou retirez-le." in messages_of(
        problems, f"stagiaire-{trainee.pk}"
    )


def test_required_fields_per_trainee(user, establishment):
    draft = complete_plan(user, establishment, modules=1, trainees=1)
    trainee = draft.plan_trainees.select_related("person").get()
    person = trainee.person
    person.civility = person.nir = person.address_line1 = person.postal_code = person.city = ""
    person.birth_date = None
    person.save()
    trainee.job_title = trainee.category = ""
    trainee.save()
    problems = plan.plan_problems(draft, plan.load_plan(draft))
    assert messages_of(problems, f"stagiaire-{trainee.pk}") == [
        "Civilité : à renseigner.",
        "Date de naissance : à renseigner.",
        "Adresse : à renseigner.",
        "Code postal : à renseigner.",
        "Commune : à renseigner.",
        "Emploi occupé : à renseigner.",
        "Catégorie : à renseigner.",
        "NIR : Le NIR est obligatoire (13 premiers caractères du n° de sécurité sociale).",
    ]


@pytest.mark.parametrize(
    ("nir", "civility", "birth", "expected"),
    [
        ("1850375123456", "m", date(1985, 3, 2), []),
        ("185037512345", "m", date(1985, 3, 2), ["Le NIR comporte 13 caractères"]),
        ("3850375123456", "m", date(1985, 3, 2), ["Le NIR comporte 13 caractères"]),
        ("1850375123456", "mme", date(1985, 3, 2), ["Le NIR commence par 1 alors que le sexe indiqué est « féminin »"]),
        ("1860375123456", "m", date(1985, 3, 2), ["Les 2e et 3e caractères du NIR (86)"]),
        ("1850475123456", "m", date(1985, 3, 2), ["Les 4e et 5e caractères du NIR (04)"]),
        ("1859975123456", "m", date(1985, 3, 2), []),  # unknown month: not a mismatch
        ("285032A123456", "mme", date(1985, 3, 2), []),  # Corsica
    ],
)
def test_nir_checks_are_the_cerfa_ones(nir, civility, birth, expected):
    found = plan.nir_problems(nir, civility=civility, birth_date=birth)
    assert len(found) == len(expected)
    for message, start in zip(found, expected, strict=True):
        assert message.startswith(start)


def test_a_nir_with_its_key_is_kept_on_13_characters():
    assert plan.normalise_nir("1 85 03 75 123 456 ") == "1850375123456"
    key = 97 - int("1850375123456") % 97
    assert plan.normalise_nir(f"1850375123456{key:02d}") == "1850375123456"
    assert plan.normalise_nir("185037512345600") == "185037512345600"  # wrong key: left for the check to refuse


def test_dates_of_the_training_and_its_modules(user, establishment):
    draft = complete_plan(user, establishment, modules=1, trainees=1)
    dates = plan.training_dates(draft.data)
    module = draft.plan_modules.get()
    module.start_date = dates["start"] - timedelta(days=1)
    module.end_date = dates["start"] - timedelta(days=2)
    module.save()
    problems = plan.plan_problems(draft, plan.load_plan(draft))
    assert messages_of(problems, f"module-{module.pk}") == [
        "Date de fin : elle ne peut pas précéder la date de début du module.",
        f"Date de début : le module commence avant la formation (le {dates['start']:%d/%m/%Y}).",
    ]
    draft = services.save_draft(draft, {"plan_date_fin": (dates["start"] - timedelta(days=3)).isoformat()})
    problems = plan.plan_problems(draft, plan.load_plan(draft))
    assert "elle ne peut pas précéder la date de début." in messages_of(problems, "plan_date_fin")
    # A training already started cannot be asked for.
    problems = plan.plan_problems(draft, plan.load_plan(draft), today=dates["start"] + timedelta(days=1))
    assert messages_of(problems, "plan_date_debut") == [
        "la formation a déjà commencé : la demande doit être faite avant son début."
    ]


def test_modules_cannot_total_more_hours_than_the_training(user, establishment):
    draft = complete_plan(user, establishment, modules=2, trainees=1)
    draft = services.save_draft(draft, {"plan_duree_heures": "30"})
    problems = plan.plan_problems(draft, plan.load_plan(draft))
    assert messages_of(problems, "plan_duree_heures") == [
        "les modules totalisent 42 h, plus que la durée de la formation."
    ]


def test_the_estimate_follows_the_rule_of_the_year_and_size(user, establishment):
    draft = complete_plan(user, establishment, modules=2, trainees=3)
    year = plan.training_dates(draft.data)["start"].year
    content = plan.load_plan(draft)
    estimate = plan.estimate_plan(draft, content)
    assert estimate.funded == 0
    assert estimate.modules[0].note == (
        f"Aucune règle de financement n'est configurée pour {year} : estimation indisponible."
    )
    assert not estimate.is_complete

    rule(year, hourly_ceiling=Decimal("20"), annex_hourly_ceiling=Decimal("2"))
    rule(year, size=CompanySize.UNDER_11, hourly_ceiling=Decimal("60"))  # another size: not used
    rule(year + 1, hourly_ceiling=Decimal("60"))  # another year: not used
    estimate = plan.estimate_plan(draft, content)
    line = estimate.modules[0]
    # Teaching: min(1500, 20 €/h × 21 h × 3 trainees = 1260); annex: min(160, 2 × 63 = 126).
    assert (line.funded_teaching, line.funded_annex) == (Decimal("1260.00"), Decimal("126.00"))
    assert line.total_cost == Decimal("1660")
    assert line.company_part == Decimal("274.00")
    assert estimate.funded == Decimal("2772.00")
    assert estimate.company_part == Decimal("548.00")
    assert estimate.is_complete


def test_the_estimate_applies_the_funding_rate_and_needs_the_company_size(user, establishment):
    draft = complete_plan(user, establishment, modules=1, trainees=1)
    year = plan.training_dates(draft.data)["start"].year
    rule(year, hourly_ceiling=Decimal("200"), funding_rate=Decimal("50"), annex_hourly_ceiling=Decimal("0"))
    estimate = plan.estimate_plan(draft, plan.load_plan(draft))
    assert estimate.funded == Decimal("750.00")  # 50 % of 1500, no annex costs funded
    draft = services.save_draft(draft, {"plan_effectif": None})
    estimate = plan.estimate_plan(draft, plan.load_plan(draft))
    assert estimate.funded == 0
    assert estimate.notes == ["Indiquez l'effectif de l'entreprise (étape Formation) pour estimer la prise en charge."]


def test_a_person_of_another_company_cannot_be_a_trainee(user, establishment):
    draft = plan_draft(user, establishment)
    with pytest.raises(ValidationError):
        plan.add_trainee(draft, PersonFactory())


def test_an_unknown_provider_is_entered_by_a_checked_siret(user, establishment):
    draft = complete_plan(user, establishment, modules=1, trainees=1)
    module = draft.plan_modules.get()
    with pytest.raises(ValidationError, match="SIRET saisi n'est pas valide"):
        plan.choose_provider(module, None, siret="12345678901234")
    plan.choose_provider(module, None, siret="732 829 320 00074", name="Formations Martin")
    module.refresh_from_db()
    assert module.provider_is_unknown and module.provider_siret == "73282932000074"
    assert plan.plan_problems(draft, plan.load_plan(draft)) == []
    # The SIRET of a registered provider picks its establishment.
    registered = ProviderEstablishmentFactory()
    plan.choose_provider(module, None, siret=registered.siret)
    module.refresh_from_db()
    assert module.provider_establishment == registered and not module.provider_is_unknown


def test_providers_are_found_by_siret_nda_or_name():
    provider = ProviderEstablishmentFactory(name="AFORBAT RENNES", nda="53351234535")
    EstablishmentFactory(name="AFORBAT ENTREPRISE")  # a company: never a provider
    assert plan.search_providers(provider.siret[:9]) == [provider]
    assert plan.search_providers("53351234535") == [provider]
    assert plan.search_providers("aforbat") == [provider]
    assert plan.search_providers("  ") == []


def test_transmission_makes_a_plan_dossier_with_the_trainees_enrolled(
    user, establishment, django_capture_on_commit_callbacks
):
    draft = complete_plan(user, establishment, modules=2, trainees=3)
    assert "documents" in submission_problems(draft)
    for kind in (RequestDocumentKind.QUOTE, RequestDocumentKind.PROGRAMME):
        services.attach_document(draft, kind=kind, uploaded_file=pdf_upload(f"{kind}.pdf"), user=user)
    assert submission_problems(draft) == {}
    with django_capture_on_commit_callbacks(execute=True):
        dossier = submit_request(draft, user=user)
    assert (dossier.scheme, dossier.status) == (Scheme.PLAN, DossierStatus.SUBMITTED)
    assert dossier.title == "Habilitation électrique et travail en hauteur"
    assert dossier.provider_establishment == draft.plan_modules.first().provider_establishment
    assert sorted(e.person_id for e in dossier.enrolments.all()) == sorted(
        draft.plan_trainees.values_list("person_id", flat=True)
    )
    received = dossier.documents.filter(direction=DocumentDirection.RECEIVED)
    assert received.count() == 3  # quote, programme and the summary rendered
    assert received.filter(name__startswith="Demande de prise en charge Plan").get().content_type == "application/pdf"
    draft.refresh_from_db()
    assert draft.status == RequestStatus.SUBMITTED
    assert len(mail.outbox) == 1
    assert "Stagiaires :" in mail.outbox[0].body
    # Idempotent: the same dossier, no second email.
    assert submit_request(draft, user=user) == dossier
    assert len(mail.outbox) == 1


def test_transmission_is_refused_with_the_problems(user, establishment):
    draft = plan_draft(user, establishment)
    plan.add_trainee(draft, trainee_person(establishment.organisation, nir=""))
    with pytest.raises(ValidationError) as error:
        submit_request(draft, user=user)
    assert any("NIR" in message for message in error.value.messages)
    draft.refresh_from_db()
    assert draft.is_draft and draft.dossier is None


def test_a_transmitted_request_can_no_longer_change(user, establishment):
    draft = complete_plan(user, establishment, modules=1, trainees=1)
    for kind in (RequestDocumentKind.QUOTE, RequestDocumentKind.PROGRAMME):
        services.attach_document(draft, kind=kind, uploaded_file=pdf_upload(), user=user)
    submit_request(draft, user=user)
    with pytest.raises(ValidationError):
        plan.add_module(draft)


def test_the_pdf_summary_lists_the_training_trainees_modules_and_estimate(user, establishment, tmp_path):
    import subprocess

    from funding.pdf import render_plan_pdf

    draft = complete_plan(user, establishment, modules=2, trainees=2)
    rule(plan.training_dates(draft.data)["start"].year)
    content = plan.load_plan(draft)
    pdf = tmp_path / "plan.pdf"
    pdf.write_bytes(render_plan_pdf(draft, content, plan.estimate_plan(draft, content)))
    extracted = subprocess.run(["pdftotext", "-layout", str(pdf), "-"], capture_output=True, text=True, check=True)
    page = extracted.stdout
    assert "BROUILLON" in page and "Habilitation électrique et travail en hauteur" in page
    for trainee in content.trainees:
        assert trainee.person.nir in page
    assert "MODULE 2" in page.upper() and "ESTIMATION DE LA PRISE EN CHARGE" in page.upper()


def test_the_accord_de_prise_en_charge_states_the_amount_agreed(user, establishment):
    import re
    import subprocess

    from backoffice.instruction import funding_agreement_pdf
    from common.formats import format_amount

    draft = complete_plan(user, establishment, modules=2, trainees=2)
    rule(plan.training_dates(draft.data)["start"].year)
    for kind in (RequestDocumentKind.QUOTE, RequestDocumentKind.PROGRAMME):
        services.attach_document(draft, kind=kind, uploaded_file=pdf_upload(f"{kind}.pdf"), user=user)
    content = plan.load_plan(draft)
    funded = plan.estimate_plan(draft, content).funded
    assert funded > 0

    dossier = submit_request(draft, user=user)

    # The amount the funding rules grant is proposed as the amount agreed; the Accord states it.
    assert dossier.agreed_amount == funded
    extracted = subprocess.run(["pdftotext", "-", "-"], input=funding_agreement_pdf(dossier), capture_output=True)
    page = re.sub(r"\s+", " ", extracted.stdout.decode())
    assert "Montant accordé" in page
    assert re.sub(r"\s+", " ", format_amount(funded)) in page
