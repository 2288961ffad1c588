"""The digest's part "À venir cette semaine": the échéances of the week of the digest (deadlines app), once per
digest, never for a user who turned it off on "Mon compte"."""

import datetime
from decimal import Decimal

import pytest
import time_machine
from django.core import mail
from django.urls import reverse

from deadlines.models import Deadline, DeadlineKind
from digests import services
from digests.models import DigestPreference, NotificationMode
from tests.digests.conftest import MONDAY, SATURDAY
from tests.factories import MessageFactory

PART = "À venir cette semaine"


def run_monday():
    with time_machine.travel(MONDAY, tick=False):
        return services.send_period()


def deadline(dossier, day, **fields):
    values = {
        "employer_establishment_id": dossier.employer_establishment_id,
        "provider_establishment_id": dossier.provider_establishment_id,
        "kind": DeadlineKind.PAY_STEP,
        "label": "Hausse de rémunération (18 ans) : 50 % du SMIC",
        "for_company": True,
        "amount": Decimal("911.52"),
    }
    return Deadline.objects.create(dossier=dossier, date=day, **{**values, **fields})


@pytest.fixture
def this_week(dossier):
    """A pay step-up on Wednesday of the Monday digest's week; one the next week; one already done."""
    deadline(dossier, datetime.date(2026, 12, 9))
    deadline(dossier, datetime.date(2026, 12, 14), label="Semaine suivante")
    deadline(dossier, datetime.date(2026, 12, 8), label="Déjà fait", kind=DeadlineKind.TRANSMISSION, is_done=True)


def only_email_to(user):
    [email] = [message for message in mail.outbox if message.to == [user.email]]
    return email, email.alternatives[0][0]


def test_the_part_is_in_the_digest_once_with_the_weeks_echeances(company_user, dossier, this_week):
    MessageFactory(dossier=dossier, title="Pièce manquante", created_at=SATURDAY)

    run_monday()

    email, html = only_email_to(company_user)
    assert email.body.count(PART) == 1 and html.count(PART) == 1
    assert "09/12/2026 — Dossier n° 3119000013.01 — Hausse de rémunération (18 ans) : 50 % du SMIC" in email.body
    assert "911,52" in email.body and "911,52" in html
    assert "Semaine suivante" not in email.body and "Déjà fait" not in email.body
    assert "« Pièce manquante »" in email.body


def test_echeances_alone_make_a_digest(company_user, dossier, this_week):
    run_monday()
    email, html = only_email_to(company_user)
    assert email.subject.endswith("Vos échéances de la semaine")
    assert email.body.count(PART) == 1 and html.count(PART) == 1


def test_the_provider_gets_its_side_only(provider_user, dossier):
    deadline(dossier, datetime.date(2026, 12, 10), label="Fin de la période probatoire", for_provider=True)
    deadline(dossier, datetime.date(2026, 12, 11), label="Pour l'entreprise seulement")

    run_monday()

    email, _ = only_email_to(provider_user)
    assert "Fin de la période probatoire" in email.body and "Pour l'entreprise seulement" not in email.body


def test_never_for_a_user_who_turned_it_off(company_user, dossier, this_week):
    DigestPreference.objects.create(user=company_user, mode=NotificationMode.DIGEST, upcoming_deadlines=False)
    run_monday()
    assert mail.outbox == []  # nothing else new: no digest at all

    MessageFactory(dossier=dossier, title="Pièce manquante", created_at=MONDAY + datetime.timedelta(days=1))
    with time_machine.travel(MONDAY + datetime.timedelta(days=3), tick=False):
        services.send_period()
    email, html = only_email_to(company_user)
    assert PART not in email.body and PART not in html


def test_turning_it_off_on_mon_compte(client, company_user):
    client.force_login(company_user)
    page = client.get(reverse("egestion:account")).content.decode()
    assert 'name="upcoming_deadlines"' in page and "checked" in page.split('name="upcoming_deadlines"')[1][:80]

    client.post(reverse("egestion:account"), {"mode": NotificationMode.DIGEST})

    assert DigestPreference.objects.get(user=company_user).upcoming_deadlines is False
    client.post(reverse("egestion:account"), {"mode": NotificationMode.DIGEST, "upcoming_deadlines": "on"})
    assert DigestPreference.objects.get(user=company_user).upcoming_deadlines is True


def test_the_agenda_address_on_mon_compte(client, company_user):
    client.force_login(company_user)
    url = reverse("egestion:account")
    assert "Créer mon adresse d'agenda" in client.get(url).content.decode()

    client.post(url, {"agenda": "create"})
    page = client.get(url).content.decode()
    feed = company_user.calendar_feeds.get(revoked_at__isnull=True)
    assert f"/agenda/{feed.key}-" in page and "Changer d'adresse" in page

    client.post(url, {"agenda": "renew"})
    assert company_user.calendar_feeds.filter(revoked_at__isnull=True).get().pk != feed.pk
    client.post(url, {"agenda": "revoke"})
    assert not company_user.calendar_feeds.filter(revoked_at__isnull=True).exists()
