"""When digests run, and which period (window) a run covers.

The schedule is one crontab built from settings (DIGEST_DAYS, DIGEST_HOUR, DIGEST_MINUTE, in TIME_ZONE): beat
uses it (config/celery.py) and so does `period_at`, so a run always knows which scheduled slot it belongs to.
A period is keyed by its slot; it covers what is new between the previous slot and this one.
"""

import datetime
import zoneinfo

from celery.schedules import crontab
from django.conf import settings


def digest_crontab() -> crontab:
    return crontab(minute=settings.DIGEST_MINUTE, hour=settings.DIGEST_HOUR, day_of_week=",".join(settings.DIGEST_DAYS))


def _local_slots_of_day(day: datetime.date, schedule: crontab, tz) -> list[datetime.datetime]:
    # crontab numbers days 0 (Sunday) to 6 (Saturday).
    if day.isoweekday() % 7 not in schedule.day_of_week:
        return []
    return sorted(
        datetime.datetime.combine(day, datetime.time(hour, minute), tzinfo=tz)
        for hour in schedule.hour
        for minute in schedule.minute
    )


def period_at(moment: datetime.datetime) -> datetime.datetime:
    """The latest scheduled slot at or before `moment` (an aware datetime): the period a run started then
    belongs to."""
    tz = zoneinfo.ZoneInfo(settings.TIME_ZONE)
    schedule = digest_crontab()
    local = moment.astimezone(tz)
    for back in range(8):
        day = local.date() - datetime.timedelta(days=back)
        slots = [slot for slot in _local_slots_of_day(day, schedule, tz) if slot <= local]
        if slots:
            return slots[-1]
    raise ValueError("DIGEST_DAYS names no day of the week")


def previous_period(period: datetime.datetime) -> datetime.datetime:
    return period_at(period - datetime.timedelta(microseconds=1))
