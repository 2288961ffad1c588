"""The iCalendar (RFC 5545) text of a user's échéances, written by hand (the `icalendar` library is not a
dependency of the project): all-day events, TEXT values escaped (§3.3.11), lines folded at 75 octets (§3.1),
CRLF line endings."""

from __future__ import annotations

import datetime

from common.formats import format_amount

PRODID = "-//Constructys//Portail - Echeances//FR"


def escape_text(value: str) -> str:
    """RFC 5545 §3.3.11: backslash, semicolon, comma and line breaks are escaped."""
    return (
        value.replace("\\", "\\\\")
        .replace(";", "\\;")
        .replace(",", "\\,")
        .replace("\r\n", "\\n")
        .replace("\n", "\\n")
        .replace("\r", "\\n")
    )


def fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets are split, each continuation starting with a space; never inside
    a UTF-8 character."""
    encoded = line.encode()
    if len(encoded) <= 75:
        return line
    parts, current, limit = [], b"", 75
    for char in line:
        piece = char.encode()
        if len(current) + len(piece) > limit:
            parts.append(current.decode())
            current, limit = b"", 74  # a continuation line starts with one space
        current += piece
    parts.append(current.decode())
    return "\r\n ".join(parts)


def _date(day: datetime.date) -> str:
    return day.strftime("%Y%m%d")


def event_lines(deadline, *, stamp: str, site_url: str) -> list[str]:
    """`deadline`: a deadlines.selectors.FeedEvent (kind, date, label, amount, is_estimate, number, title)."""
    summary = f"{deadline.label} — dossier {deadline.number}"
    if deadline.is_estimate and "estimation" not in deadline.label.lower():
        summary += " (estimation)"
    description = [f"Dossier {deadline.number} : {deadline.title}"]
    if deadline.amount is not None:
        description.append(f"Montant : {format_amount(deadline.amount)} brut par mois")
    if deadline.is_estimate:
        description.append("Date estimée : elle peut changer selon le calendrier de formation et les absences.")
    return [
        "BEGIN:VEVENT",
        f"UID:{deadline.number}-{deadline.kind}-{_date(deadline.date)}@constructys.fr",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{_date(deadline.date)}",
        f"DTEND;VALUE=DATE:{_date(deadline.date + datetime.timedelta(days=1))}",
        f"SUMMARY:{escape_text(summary)}",
        f"DESCRIPTION:{escape_text(chr(10).join(description))}",
        f"URL:{site_url}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def calendar_text(deadlines, *, now: datetime.datetime, site_url: str, name: str = "Échéances Constructys") -> str:
    stamp = now.astimezone(datetime.UTC).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODID}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        f"X-WR-CALNAME:{escape_text(name)}",
        "X-WR-TIMEZONE:Europe/Paris",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
        "X-PUBLISHED-TTL:PT12H",
    ]
    for deadline in deadlines:
        lines += event_lines(deadline, stamp=stamp, site_url=site_url)
    lines.append("END:VCALENDAR")
    return "".join(fold(line) + "\r\n" for line in lines)
