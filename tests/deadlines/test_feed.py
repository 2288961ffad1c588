"""The iCalendar feed ("Ajouter à mon agenda"): valid RFC 5545 (checked by a strict parser here, and read by the
`icalendar` library as calendar applications would), the same events as the portal's échéances, scoped like the
portal, 404 for a revoked address, a deactivated user, an unknown or forged address."""

import datetime

import icalendar
import pytest
from django.urls import reverse
from django.utils import timezone

from deadlines import ics, services
from deadlines.models import Deadline
from tests.deadlines.conftest import apprenticeship_dossier
from tests.factories import EstablishmentFactory
from tests.harness import assert_constant_queries, page_of


def parse_ics(body: bytes) -> list[dict]:
    """RFC 5545's content lines: CRLF endings, at most 75 octets, folded lines joined; components balanced.
    Returns the VEVENTs as dicts of name → unescaped value."""
    assert body.endswith(b"\r\n")
    physical = body[:-2].split(b"\r\n")
    assert all(len(line) <= 75 for line in physical), "a line is longer than 75 octets"
    assert b"\n" not in b"".join(physical) and b"\r" not in b"".join(physical)
    lines = []
    for line in physical:
        if line.startswith(b" "):
            lines[-1] += line[1:]
        else:
            lines.append(line)
    text_lines = [line.decode() for line in lines]
    assert text_lines[0] == "BEGIN:VCALENDAR" and text_lines[-1] == "END:VCALENDAR"
    assert "VERSION:2.0" in text_lines and any(line.startswith("PRODID:") for line in text_lines)
    events, current, depth = [], None, 0
    for line in text_lines:
        name, _, value = line.partition(":")
        if name == "BEGIN":
            depth += 1
            if value == "VEVENT":
                current = {}
        elif name == "END":
            depth -= 1
            if value == "VEVENT":
                assert {"UID", "DTSTAMP", "DTSTART;VALUE=DATE", "SUMMARY"} <= set(current)
                events.append(current)
                current = None
        elif current is not None:
            current[name] = value.replace("\\n", "\n").replace("\\,", ",").replace("\\;", ";").replace("\\\\", "\\")
    assert depth == 0
    return events


def upcoming_contract(employer):
    """A contract starting on a Monday a few weeks from now (the feed shows the recent past and the future), the
    apprentice 18 already: the pay rises at the first anniversary (51 % of the SMIC)."""
    today = timezone.localdate()
    start = today + datetime.timedelta(days=28 - today.weekday())
    end = start.replace(year=start.year + 2) - datetime.timedelta(days=1)
    return apprenticeship_dossier(
        employer,
        apprenti_date_naissance=(start.replace(year=start.year - 19)).isoformat(),
        contrat_date_debut_execution=start.isoformat(),
        contrat_date_debut_formation_pratique=start.isoformat(),
        contrat_date_fin=end.isoformat(),
        formation_date_debut=start.isoformat(),
        formation_date_fin_epreuves=(end - datetime.timedelta(days=30)).isoformat(),
    )


@pytest.fixture
def owner(company_member, employer):
    services.refresh_deadlines(upcoming_contract(employer))
    services.refresh_deadlines(upcoming_contract(EstablishmentFactory()))  # someone else's
    return company_member


def feed_url(user):
    return reverse("deadlines:feed", args=[services.feed_token(services.feed_for(user))])


def test_the_feed_parses_and_holds_the_portals_events(client, owner, employer):
    response = client.get(feed_url(owner))

    assert response.status_code == 200
    assert response["Content-Type"] == "text/calendar; charset=utf-8"
    events = parse_ics(response.content)
    mine = Deadline.objects.filter(dossier__employer_establishment=employer, for_company=True)
    assert len(events) == mine.count() > 0
    summaries = {event["SUMMARY"] for event in events}
    assert any(
        summary.startswith("Hausse de rémunération (2e année) : 51 % du SMIC — dossier ") for summary in summaries
    )
    step = next(event for event in events if "2e année" in event["SUMMARY"])
    anniversary = mine.get(kind="pay_step").date
    assert step["DTSTART;VALUE=DATE"] == f"{anniversary:%Y%m%d}"
    assert step["DTEND;VALUE=DATE"] == f"{anniversary + datetime.timedelta(days=1):%Y%m%d}"
    assert "929,75" in step["DESCRIPTION"]
    trial = next(event for event in events if "probatoire" in event["SUMMARY"])
    assert "estim" in trial["SUMMARY"].lower() and "estimée" in trial["DESCRIPTION"]
    assert len({event["UID"] for event in events}) == len(events)


def test_the_feed_needs_no_session_and_reads_in_constant_queries(client, owner, employer):
    url = feed_url(owner)
    assert_constant_queries(
        page_of(client, url),
        grow=lambda: services.refresh_many([upcoming_contract(employer).pk for _ in range(3)]),
    )


def test_a_revoked_address_answers_404_and_a_new_one_works(client, owner):
    old = feed_url(owner)
    services.new_feed(owner)
    assert client.get(old).status_code == 404
    assert client.get(feed_url(owner)).status_code == 200
    services.revoke_feeds(owner)
    assert services.active_feed(owner) is None


def test_a_deactivated_user_or_membership_answers_404(client, owner):
    url = feed_url(owner)
    owner.memberships.update(is_active=False)
    assert client.get(url).status_code == 404
    owner.memberships.update(is_active=True)
    owner.is_active = False
    owner.save()
    assert client.get(url).status_code == 404


def test_a_forged_or_foreign_address_answers_404(client, owner, employer):
    key = services.feed_for(owner).key
    assert client.get(reverse("deadlines:feed", args=[f"{key}-{'0' * 32}"])).status_code == 404
    assert client.get(reverse("deadlines:feed", args=[f"{'a' * 32}-{'0' * 32}"])).status_code == 404


def test_a_calendar_library_reads_the_same_events(client, owner, employer):
    calendar = icalendar.Calendar.from_ical(client.get(feed_url(owner)).content)

    events = calendar.walk("VEVENT")
    mine = Deadline.objects.filter(dossier__employer_establishment=employer, for_company=True)
    assert len(events) == mine.count() > 0
    assert sorted(event.decoded("DTSTART") for event in events) == sorted(deadline.date for deadline in mine)
    assert all(str(event["SUMMARY"]).strip() for event in events)


@pytest.mark.no_database
def test_text_is_escaped_and_long_lines_folded_on_characters():
    assert ics.escape_text("a;b,c\\d\ne") == "a\\;b\\,c\\\\d\\ne"
    line = "SUMMARY:" + "é" * 60
    folded = ics.fold(line)
    assert all(len(part.encode()) <= 75 for part in folded.split("\r\n"))
    assert folded.replace("\r\n ", "") == line
    calendar = ics.calendar_text([], now=datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC), site_url="https://x")
    assert parse_ics(calendar.encode()) == []
