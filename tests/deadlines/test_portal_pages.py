"""Where the échéances show: eGestion's and oGestion's home panels ("À venir", overdue first, a draft still to
transmit included) and each dossier's ÉCHÉANCES tab, scoped like every page."""

import datetime
import html

import pytest
import time_machine
from django.urls import reverse

from accounts.models import Role
from deadlines import services
from dossiers.models import DossierStatus
from funding.models import FundingRequest, RequestKind
from tests.deadlines.conftest import apprenticeship_dossier
from tests.factories import EstablishmentFactory, MembershipFactory
from tests.harness import assert_constant_queries

TODAY = datetime.date(2026, 3, 20)


@pytest.fixture(autouse=True)
def _today():
    with time_machine.travel(datetime.datetime(2026, 3, 20, 9, 0), tick=False):
        yield


def draft_starting(employer, user, start):
    return FundingRequest.objects.create(
        kind=RequestKind.APPRENTICESHIP,
        employer_establishment=employer,
        created_by=user,
        data={"contrat_date_debut_execution": start.isoformat(), "employeur_siret": employer.siret},
    )


def test_the_company_home_lists_an_overdue_transmission_and_a_pay_step_up(client, employer, company_member):
    dossier = apprenticeship_dossier(employer, status=DossierStatus.RECEIVED, depot_date_reception="2026-02-20")
    services.refresh_deadlines(dossier)
    draft = draft_starting(employer, company_member, datetime.date(2026, 3, 9))  # due 14 March: overdue
    client.force_login(company_member)

    page = html.unescape(client.get(reverse("egestion:home")).content.decode())

    panel = page[page.index("À venir") :]
    assert "Transmettre le contrat d'apprentissage à Constructys" in panel
    assert reverse("egestion:request_resume", args=[draft.public_id]) in panel
    assert "14/03/2026" in panel and "En retard" in panel
    assert "01/04/2026" in panel and "911,52" in panel  # the April step-up, gross per month
    assert panel.index("14/03/2026") < panel.index("01/04/2026")  # overdue first
    assert "Ajouter à mon agenda" in panel


def test_the_company_home_says_when_nothing_is_due(client, company_member):
    client.force_login(company_member)
    assert "Aucune échéance dans les 30 prochains jours" in client.get(reverse("egestion:home")).content.decode()


def test_the_company_home_keeps_constant_queries_as_dossiers_and_drafts_grow(client, employer, company_member):
    def grow():
        services.refresh_many([apprenticeship_dossier(employer).pk for _ in range(3)])
        for _ in range(3):
            draft_starting(employer, company_member, datetime.date(2026, 3, 16))

    grow()
    client.force_login(company_member)
    assert_constant_queries(lambda: client.get(reverse("egestion:home")), grow=grow, warm_up=True)


def test_the_dossier_tab_echeances_shows_the_timeline(client, employer, company_member):
    dossier = apprenticeship_dossier(employer, status=DossierStatus.RECEIVED, depot_date_reception="2026-02-20")
    services.refresh_deadlines(dossier)
    client.force_login(company_member)

    page = client.get(reverse("egestion:dossier_tab", args=[dossier.number, "echeances"])).content.decode()

    assert "Échéances du dossier" in page
    assert "01/04/2026" in page and "31/08/2027" in page  # a pay step-up, the end of the contract


def test_another_companys_dossier_tab_echeances_is_404(client, company_member):
    foreign = apprenticeship_dossier(EstablishmentFactory(), status=DossierStatus.RECEIVED)
    services.refresh_deadlines(foreign)
    client.force_login(company_member)
    assert client.get(reverse("egestion:dossier_tab", args=[foreign.number, "echeances"])).status_code == 404


def test_the_provider_home_and_tab_show_the_providers_side(client, employer):
    dossier = apprenticeship_dossier(employer)
    services.refresh_deadlines(dossier)
    referent = MembershipFactory(role=Role.PROVIDER_REFERENT, establishment=dossier.provider_establishment).user
    client.force_login(referent)

    with time_machine.travel(datetime.datetime(2025, 10, 20, 9, 0), tick=False):
        home = client.get(reverse("ogestion:home")).content.decode()
        tab = client.get(reverse("ogestion:dossier_tab", args=[dossier.number, "echeances"])).content.decode()

    panel = home[home.index("À venir") :]
    assert "31/10/2025" in panel and "estimation" in panel  # the end of the trial period, estimated
    assert "brut par mois" not in panel  # the pay step-ups are the company's
    assert "Échéances du dossier" in tab and "31/10/2025" in tab
