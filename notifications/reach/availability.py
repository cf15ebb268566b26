"""Whether someone is available now, computed from what they chose, when a tab of
theirs last saw them active, their working hours and the clock.

Nothing is kept in memory: any process (web, worker, beat) answers the same.
"""

from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from django.conf import settings
from django.utils import timezone

from notifications.models import AvailabilityStatus

AVAILABLE, BUSY, AWAY = (
    AvailabilityStatus.AVAILABLE,
    AvailabilityStatus.BUSY,
    AvailabilityStatus.AWAY,
)


@dataclass(frozen=True)
class Presence:
    """The stored facts about one person's availability (None: never set)."""

    status: str | None = None
    last_seen_at: datetime | None = None
    work_start: time | None = None
    work_end: time | None = None
    work_days: str = "12345"
    time_zone: str = "UTC"


def away_after() -> timedelta:
    return timedelta(minutes=settings.BATON_AWAY_AFTER_MINUTES)


def _zone(name: str):
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


def within_working_hours(presence: Presence, now: datetime) -> bool:
    """True without working hours; else whether `now` falls in them, in their zone.
    Hours that wrap midnight (22:00-06:00) belong to the day they start on."""
    start, end = presence.work_start, presence.work_end
    if start is None or end is None:
        return True
    local = now.astimezone(_zone(presence.time_zone))
    clock, weekday = local.time(), local.isoweekday()
    days = presence.work_days or "1234567"
    if start <= end:
        return str(weekday) in days and start <= clock < end
    if clock >= start:
        return str(weekday) in days
    yesterday = 7 if weekday == 1 else weekday - 1
    return clock < end and str(yesterday) in days


def effective_status(presence: Presence, now: datetime | None = None) -> str:
    """available / busy / away right now.

    Away when they said so, when no Baton tab saw them active for
    BATON_AWAY_AFTER_MINUTES (or ever), or outside their working hours.
    """
    now = now or timezone.now()
    if presence.status in (None, AWAY):
        return AWAY
    if presence.last_seen_at is None or now - presence.last_seen_at > away_after():
        return AWAY
    if not within_working_hours(presence, now):
        return AWAY
    return presence.status
