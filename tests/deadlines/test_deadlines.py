"""The precomputed échéances: written with the dossier's changes (transmission, status changes, the admin), by the
nightly task (idempotent), and read by the portals' selectors in constant queries, scoped like the portals."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from accounts.models import Role
from backoffice import instruction
from deadlines import selectors, services, tasks
from deadlines.models import Deadline, DeadlineKind
from dossiers.models import DocumentDirection, DocumentKind, DossierStatus, DossierStatusChange
from funding import ruptures
from funding.transmission import submit_request
from tests.deadlines.conftest import apprenticeship_dossier
from tests.factories import DocumentFactory, DossierFactory, EstablishmentFactory, MembershipFactory, minimal_pdf
from tests.funding.conftest import TODAY as CERFA_TODAY
from tests.funding.conftest import (  # noqa: F401  (fixtures)
    complete_request,
    draft,
    establishment,
    membership,
    sample_referentials,
    user,
)
from tests.harness import assert_constant_queries

TODAY = datetime.date(2026, 3, 20)


def rows(dossier, kind=None):
    deadlines = Deadline.objects.filter(dossier=dossier).order_by("date", "kind")
    if kind:
        deadlines = deadlines.filter(kind=kind)
    return list(deadlines)


def test_a_transmitted_contract_has_its_echeances_at_once(complete_request, user):  # noqa: F811
    dossier = submit_request(complete_request, user=user, today=CERFA_TODAY)

    (transmission,) = rows(dossier, DeadlineKind.TRANSMISSION)
    assert transmission.date == datetime.date(2025, 9, 6)  # Monday 1 September + 5 jours ouvrables: Saturday
    assert transmission.is_done and transmission.for_company and not transmission.for_provider
    steps = [(row.date, row.amount) for row in rows(dossier, DeadlineKind.PAY_STEP)]
    # 18 on 15 March 2026 → 1 April (50 % agreed, above the legal 43 %); 2nd year 60 %; SMIC 1 823,03 €.
    assert steps == [(datetime.date(2026, 4, 1), Decimal("911.52")), (datetime.date(2026, 9, 1), Decimal("1093.82"))]
    (trial,) = rows(dossier, DeadlineKind.TRIAL_END)
    assert trial.is_estimate and "estimation" in trial.label
    assert rows(dossier, DeadlineKind.LAST_EXAM)[0].date == datetime.date(2027, 7, 9)
    assert rows(dossier, DeadlineKind.END)[0].date == datetime.date(2027, 8, 31)
    assert rows(dossier, DeadlineKind.DECISION) == []  # not received yet


def test_receipt_starts_the_opcos_20_days_and_the_decision_ends_them(employer, case_manager):
    dossier = apprenticeship_dossier(employer)

    instruction.mark_received(dossier, case_manager)
    (decision,) = rows(dossier, DeadlineKind.DECISION)
    received = timezone.localdate(DossierStatusChange.objects.get(dossier=dossier).changed_at)
    assert decision.date == received + datetime.timedelta(days=20)
    assert not decision.is_done and decision.for_case_manager

    instruction.accept(dossier, case_manager)
    assert rows(dossier, DeadlineKind.DECISION)[0].is_done


def test_a_file_sent_back_as_incomplete_has_no_decision_deadline(employer, case_manager):
    dossier = apprenticeship_dossier(employer)
    instruction.mark_received(dossier, case_manager)
    instruction.mark_incomplete(dossier, case_manager, "La convention de formation signée.")
    assert rows(dossier, DeadlineKind.DECISION) == []


def test_the_back_offices_date_of_receipt_wins(employer):
    dossier = apprenticeship_dossier(employer, status=DossierStatus.RECEIVED, depot_date_reception="2026-02-20")
    services.refresh_deadlines(dossier)
    assert rows(dossier, DeadlineKind.DECISION)[0].date == datetime.date(2026, 3, 12)


def test_a_refused_contract_loses_its_future_echeances(employer, case_manager):
    dossier = apprenticeship_dossier(employer)
    services.refresh_deadlines(dossier)
    assert rows(dossier, DeadlineKind.PAY_STEP)

    instruction.refuse(dossier, case_manager, "Contrat hors délai.")

    assert {row.kind for row in rows(dossier)} == {DeadlineKind.TRANSMISSION}


def test_a_new_end_date_or_an_avenant_changes_the_events(employer):
    dossier = apprenticeship_dossier(employer)
    services.refresh_deadlines(dossier)
    dossier.end_date = datetime.date(2026, 8, 31)
    dossier.save()
    request = dossier.funding_request
    request.data = {
        **request.data,
        "contrat_type": "35",
        "contrat_date_effet_avenant": "2026-01-15",
        "contrat_date_fin": "2026-08-31",  # the contract's end is the CERFA's (the dossier's dates are the training's)
    }
    request.save()

    services.refresh_deadlines(dossier)

    assert rows(dossier, DeadlineKind.END)[0].date == datetime.date(2026, 8, 31)
    assert [row.date for row in rows(dossier, DeadlineKind.PAY_STEP)] == [datetime.date(2026, 4, 1)]  # no 2nd year
    assert rows(dossier, DeadlineKind.AMENDMENT)[0].date == datetime.date(2026, 1, 15)


def test_a_moselle_employer_gets_good_friday_and_26_december(case_manager):
    metz = EstablishmentFactory(postal_code="57000")
    # Tuesday 22 December 2026: 26 December is not ouvrable in Moselle.
    dossier = apprenticeship_dossier(
        metz,
        contrat_date_debut_execution="2026-12-22",
        contrat_date_debut_formation_pratique="2026-12-22",
        contrat_date_fin="2028-12-21",
    )
    services.refresh_deadlines(dossier)
    assert rows(dossier, DeadlineKind.TRANSMISSION)[0].date == datetime.date(2026, 12, 30)


def test_a_plan_dossiers_documents_are_done_once_received(employer):
    dossier = DossierFactory(
        employer_establishment=employer,
        scheme="PLAN",
        start_date=datetime.date(2026, 1, 12),
        end_date=datetime.date(2026, 3, 31),
    )
    services.refresh_deadlines(dossier)
    assert [row.is_done for row in rows(dossier, DeadlineKind.ATTENDANCE_DUE)] == [False]

    DocumentFactory(dossier=dossier, direction=DocumentDirection.RECEIVED, kind=DocumentKind.ATTENDANCE)
    tasks.refresh_all_deadlines()

    (attendance,) = rows(dossier, DeadlineKind.ATTENDANCE_DUE)
    assert attendance.is_done and attendance.date == datetime.date(2026, 7, 31)


def test_the_nightly_refresh_is_idempotent(employer):
    apprenticeship_dossier(employer)
    DossierFactory(employer_establishment=employer)

    def snapshot():
        return sorted(Deadline.objects.values_list("dossier_id", "kind", "date", "label", "amount", "is_done"))

    tasks.refresh_all_deadlines()
    first = snapshot()
    services.refresh_all_deadlines(batch_size=1)
    assert first and snapshot() == first


# --- the home panels' selectors ------------------------------------------------------------------------------------


def test_the_company_sees_the_next_30_days_overdue_first(employer, company_member):
    dossier = apprenticeship_dossier(employer, status=DossierStatus.RECEIVED, depot_date_reception="2026-02-20")
    services.refresh_deadlines(dossier)
    foreign = apprenticeship_dossier(EstablishmentFactory(), status=DossierStatus.RECEIVED)
    services.refresh_deadlines(foreign)

    upcoming = list(selectors.upcoming_for_company_user(company_member, None, TODAY))

    assert [(row.kind, row.date, row.is_overdue) for row in upcoming] == [
        (DeadlineKind.DECISION, datetime.date(2026, 3, 12), True),  # overdue: refused by silence
        (DeadlineKind.PAY_STEP, datetime.date(2026, 4, 1), False),
    ]
    assert {row.dossier for row in upcoming} == {dossier}
    assert upcoming[1].amount == Decimal("911.52")


def test_the_provider_sees_its_side_only(employer):
    dossier = apprenticeship_dossier(employer)
    services.refresh_deadlines(dossier)
    referent = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=dossier.provider_establishment).user

    kinds = {row.kind for row in selectors.for_dossier(dossier, selectors.PROVIDER)}
    upcoming = selectors.upcoming_for_provider_user(referent, None, datetime.date(2025, 10, 20))

    assert DeadlineKind.PAY_STEP not in kinds and DeadlineKind.TRIAL_END in kinds
    assert [row.kind for row in upcoming] == [DeadlineKind.TRIAL_END]  # 31 October 2025 (estimate)


def test_a_deactivated_membership_sees_nothing(employer, company_member):
    services.refresh_deadlines(apprenticeship_dossier(employer, status=DossierStatus.RECEIVED))
    company_member.memberships.update(is_active=False)
    assert list(selectors.upcoming_for_company_user(company_member, None, TODAY)) == []


def test_the_panels_read_in_constant_queries(employer, company_member):
    def add_dossiers():
        services.refresh_many([apprenticeship_dossier(employer).pk for _ in range(4)])

    add_dossiers()
    result = assert_constant_queries(
        lambda: [row.dossier.number for row in selectors.upcoming_for_company_user(company_member, None, TODAY)],
        grow=add_dossiers,
        at_most=1,
    )
    assert len(result) == 8  # the April step-up of each contract


def test_the_timeline_splits_past_today_and_future(employer):
    dossier = apprenticeship_dossier(employer)
    services.refresh_deadlines(dossier)
    parts = selectors.timeline(selectors.for_dossier(dossier, selectors.COMPANY), datetime.date(2025, 9, 1))
    assert [row.kind for row in parts["today"]] == [DeadlineKind.START]
    assert parts["future"][0].kind == DeadlineKind.TRANSMISSION and parts["past"] == []


# --- the back office's queue -----------------------------------------------------------------------------------------


@pytest.fixture
def staff_client(client, case_manager):
    client.force_login(case_manager)
    return client


def test_the_case_managers_queue_filters_and_shows_the_decision_date(staff_client, employer):
    today = timezone.localdate()
    soon = apprenticeship_dossier(
        employer, status=DossierStatus.RECEIVED, depot_date_reception=(today - datetime.timedelta(days=18)).isoformat()
    )
    late = apprenticeship_dossier(
        employer, status=DossierStatus.RECEIVED, depot_date_reception=(today - datetime.timedelta(days=25)).isoformat()
    )
    later = apprenticeship_dossier(employer, status=DossierStatus.RECEIVED, depot_date_reception=today.isoformat())
    services.refresh_many([soon.pk, late.pk, later.pk])
    url = reverse("admin:dossiers_dossier_changelist")

    due_soon = staff_client.get(url, {"decision": "3-jours"})
    overdue = staff_client.get(url, {"decision": "depasse"})
    everything = staff_client.get(url)

    assert [dossier.pk for dossier in due_soon.context["cl"].result_list] == [soon.pk]
    assert [dossier.pk for dossier in overdue.context["cl"].result_list] == [late.pk]
    assert "Décision due dans 3 jours" in everything.text and "Délai de décision dépassé" in everything.text
    assert "décision due le" in everything.text.lower()
    assert f"{(today - datetime.timedelta(days=5)):%d/%m/%Y} — dépassé" in everything.text


# --- the includes the portals' pages will use ------------------------------------------------------------------------


def test_the_panel_and_timeline_includes_render(employer, company_member):
    from django.template.loader import render_to_string

    dossier = apprenticeship_dossier(employer, status=DossierStatus.RECEIVED, depot_date_reception="2026-02-20")
    services.refresh_deadlines(dossier)
    upcoming = list(selectors.upcoming_for_company_user(company_member, None, TODAY))

    panel = render_to_string(
        "deadlines/includes/upcoming_panel.html",
        {"upcoming": upcoming, "dossier_url": "egestion:dossier", "agenda_url": "/egestion/mon-compte/#agenda"},
    )
    timeline = render_to_string(
        "deadlines/includes/timeline.html",
        {"timeline": selectors.timeline(selectors.for_dossier(dossier, selectors.COMPANY), TODAY)},
    )

    assert panel.index("deadline--overdue") < panel.index("911,52")  # overdue first, in red
    assert reverse("egestion:dossier", args=[dossier.number]) in panel and "Ajouter à mon agenda" in panel
    assert "En retard" in timeline and "Aujourd" in timeline
    assert timeline.index("12/03/2026") < timeline.index("Aujourd") < timeline.index("01/04/2026")
    empty = render_to_string("deadlines/includes/upcoming_panel.html", {"upcoming": [], "dossier_url": "x"})
    assert "Aucune échéance dans les 30 prochains jours" in empty


def test_the_admin_keeps_the_contracts_dates_and_a_rupture_moves_the_echeances_at_once(
    staff_client, employer, company_member
):
    dossier = apprenticeship_dossier(employer, status=DossierStatus.ACCEPTED)
    services.refresh_deadlines(dossier)
    url = reverse("admin:dossiers_dossier_change", args=[dossier.pk])
    page = staff_client.get(url)
    data = {name: value for name, value in page.context["adminform"].form.initial.items() if value is not None}
    data.update(
        {
            "employer_establishment": dossier.employer_establishment_id,
            "provider_establishment": dossier.provider_establishment_id,
            "start_date": dossier.start_date.strftime("%d/%m/%Y"),
            "end_date": "31/08/2026",
            "case_manager": "",
            "created_by": "",
        }
    )
    for inline in page.context["inline_admin_formsets"]:
        data.update({f"{inline.formset.prefix}-TOTAL_FORMS": "0", f"{inline.formset.prefix}-INITIAL_FORMS": "0"})

    response = staff_client.post(url, data)

    assert response.status_code == 302
    # The contract's dates are read-only in the back office: they change through an avenant or a rupture.
    assert rows(dossier, DeadlineKind.END)[0].date == datetime.date(2027, 8, 31)

    signed = SimpleUploadedFile("convention.pdf", minimal_pdf("Convention de rupture"), content_type="application/pdf")
    ruptures.declare_rupture(
        dossier,
        user=company_member,
        rupture_date=datetime.date(2026, 2, 14),
        reason="02",  # by mutual agreement
        initiative="commun",
        uploaded_file=signed,
    )

    assert rows(dossier, DeadlineKind.END)[0].date == datetime.date(2026, 2, 14)
    assert rows(dossier, DeadlineKind.PAY_STEP) == []  # the April 2026 and September 2026 rises are gone


@pytest.mark.no_database
def test_beat_refreshes_every_dossier_each_night():
    from celery.schedules import crontab

    from config.celery import app

    entry = app.conf.beat_schedule["deadlines-nightly-refresh"]
    assert entry["task"] == "deadlines.tasks.refresh_all_deadlines"
    assert isinstance(entry["schedule"], crontab) and entry["schedule"].hour == {2}
