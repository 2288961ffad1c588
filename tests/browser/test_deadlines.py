"""Échéances in headless Chromium: the company's home lists an overdue transmission and an upcoming pay step-up
with its amount, the dossier's ÉCHÉANCES tab shows the timeline, and "Ajouter à mon agenda" gives an address whose
iCalendar feed a calendar library reads with the same events; a forged or a deactivated user's address is 404."""

import datetime

import icalendar
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from playwright.sync_api import expect

from accounts.models import Role
from deadlines import selectors, services
from deadlines.models import Deadline, DeadlineKind
from dossiers.models import DossierStatus
from funding.apprenticeship import REMUNERATION_FIELDS
from funding.models import FundingRequest, RequestKind
from tests.browser.helpers import log_in
from tests.deadlines.conftest import apprenticeship_dossier
from tests.factories import EstablishmentFactory, MembershipFactory, UserFactory


def contract_a_year_old(employer, today):
    """A contract whose first anniversary (the 2nd year's pay step-up) comes in ten days."""
    start = today - datetime.timedelta(days=355)
    end = start.replace(year=start.year + 2) - datetime.timedelta(days=1)
    return apprenticeship_dossier(
        employer,
        status=DossierStatus.ACCEPTED,
        apprenti_date_naissance=start.replace(year=start.year - 19).isoformat(),
        contrat_date_conclusion=(start - datetime.timedelta(days=20)).isoformat(),
        contrat_date_debut_execution=start.isoformat(),
        contrat_date_debut_formation_pratique=start.isoformat(),
        contrat_date_fin=end.isoformat(),
        formation_date_debut=start.isoformat(),
        formation_date_fin_epreuves=(end - datetime.timedelta(days=30)).isoformat(),
        **dict.fromkeys(REMUNERATION_FIELDS),  # paid the legal minimum: the grid's steps apply
    )


def test_the_company_sees_its_echeances_and_subscribes_its_calendar(page, live_server):
    today = timezone.localdate()
    employer = EstablishmentFactory(postal_code="35000", name="BATIR 35")
    user = MembershipFactory(
        role=Role.COMPANY_MANAGER, establishment=employer, user=UserFactory(email="marie@batir35.fr")
    ).user
    dossier = contract_a_year_old(employer, today)
    services.refresh_deadlines(dossier)
    step_up = Deadline.objects.get(dossier=dossier, kind=DeadlineKind.PAY_STEP, date__gt=today)
    FundingRequest.objects.create(
        kind=RequestKind.APPRENTICESHIP,
        employer_establishment=employer,
        created_by=user,
        data={"contrat_date_debut_execution": (today - datetime.timedelta(days=14)).isoformat()},
    )

    log_in(page, user.email, "egestion")
    panel = page.get_by_role("region", name="À venir")
    overdue = panel.locator(".deadline--overdue")
    expect(overdue).to_contain_text("Transmettre le contrat d'apprentissage à Constructys")
    expect(overdue).to_contain_text("En retard")
    step_line = panel.locator(".deadline", has_text=step_up.date.strftime("%d/%m/%Y"))
    expect(step_line).to_contain_text(number_format(step_up.amount, 2))
    expect(step_line).to_contain_text(f"Dossier n° {dossier.number}")

    step_line.get_by_role("link").click()
    page.get_by_role("link", name="ÉCHÉANCES").click()
    expect(page.get_by_role("heading", name="Échéances du dossier")).to_be_visible()
    expect(page.locator(".timeline")).to_contain_text(step_up.label)

    page.goto(reverse("egestion:account"))
    page.get_by_role("button", name="Créer mon adresse d'agenda").click()
    address = page.get_by_label("Adresse de votre agenda").input_value()
    feed = page.request.get(address.replace(address.split("/agenda/")[0], live_server.url))
    assert feed.status == 200
    events = icalendar.Calendar.from_ical(feed.body()).walk("VEVENT")
    assert sorted(event.decoded("DTSTART") for event in events) == sorted(
        Deadline.objects.filter(
            dossier=dossier, for_company=True, date__gte=today - datetime.timedelta(days=selectors.FEED_PAST_DAYS)
        ).values_list("date", flat=True)
    )

    forged = address[:-4] + ("0" if address[-5] != "0" else "1") + ".ics"
    assert page.request.get(forged.replace(address.split("/agenda/")[0], live_server.url)).status == 404
    user.is_active = False
    user.save(update_fields=["is_active"])
    assert page.request.get(address.replace(address.split("/agenda/")[0], live_server.url)).status == 404
