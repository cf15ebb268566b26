"""People's time zones: which zone applies, and how a moment is written for a person.

Every time is stored in UTC. A page shows it in the reader's zone (the middleware
activates it per request); an email in the recipient's zone; a note written for the
whole account (a PSA ticket note) in the account's default zone. Whatever is written
outside a page states its zone, because nobody can hover over an email.
"""

import functools
import zoneinfo
from datetime import datetime

from django.utils import timezone

DEFAULT_ZONE = "UTC"


@functools.cache
def available_zones() -> frozenset[str]:
    # zoneinfo lists the IANA names it can load (the tzdata package where the system
    # has none); "localtime" and such are never in it.
    return frozenset(zoneinfo.available_timezones())


def zone_choices() -> list[tuple[str, str]]:
    return [(name, name.replace("_", " ")) for name in sorted(available_zones())]


def is_valid_zone(name: str) -> bool:
    return bool(name) and name in available_zones()


def clean_zone(name: str | None) -> str:
    """A zone a browser sent: kept when it is a known zoneinfo name, else blank
    (the account's default applies). Browsers report what the OS says, and an
    unknown name must not stop anyone from signing up."""
    name = (name or "").strip()
    return name if is_valid_zone(name) else ""


def zone_name_for(user) -> str:
    """The person's own zone, else their account's default, else UTC."""
    own = getattr(user, "time_zone", "")
    if own:
        return own
    account = getattr(user, "account", None) if getattr(user, "account_id", None) else None
    return (account.time_zone if account else "") or DEFAULT_ZONE


def load_zone(name: str | None):
    try:
        return zoneinfo.ZoneInfo(name or DEFAULT_ZONE)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo(DEFAULT_ZONE)


def as_datetime(value) -> datetime | None:
    """A datetime, or an ISO string from a JSON payload (emails render from one)."""
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value)
        except ValueError:
            return None
    return value if isinstance(value, datetime) else None


def zone_label(local: datetime, zone) -> str:
    """ "CET (Europe/Berlin)", or just "UTC"."""
    key = getattr(zone, "key", str(zone))
    abbreviation = local.tzname() or key
    return key if abbreviation == key else f"{abbreviation} ({key})"


def full_datetime(value, zone_name: str | None = None, *, seconds: bool = False) -> str:
    """ "Wed 2 Dec 2026, 15:05 CET (Europe/Berlin)": the moment, its date and its zone.

    In zone_name, or in the zone active for this request (or task) when none is given.
    """
    moment = as_datetime(value)
    if moment is None:
        return ""
    zone = load_zone(zone_name) if zone_name else timezone.get_current_timezone()
    local = timezone.localtime(moment, zone)
    clock = "%H:%M:%S" if seconds else "%H:%M"
    return f"{local.strftime('%a')} {local.day} {local.strftime(f'%b %Y, {clock}')} " + zone_label(
        local, zone
    )


def short_time(value, *, seconds: bool = False, now: datetime | None = None) -> str:
    """In the active zone, as short as stays unambiguous: "15:05" today, "2 Dec,
    15:05" this year, "2 Dec 2025, 15:05" before."""
    moment = as_datetime(value)
    if moment is None:
        return ""
    local = timezone.localtime(moment)
    today = timezone.localtime(now or timezone.now())
    clock = local.strftime("%H:%M:%S" if seconds else "%H:%M")
    if local.date() == today.date():
        return clock
    if local.year == today.year:
        return f"{local.day} {local.strftime('%b')}, {clock}"
    return f"{local.day} {local.strftime('%b %Y')}, {clock}"


def duration_words(seconds: float) -> str:
    """ "under a minute", "21 min", "3 h 5 min", "2 d 4 h": the same words the queue's
    script ticks (static/js/queue.js)."""
    minutes = int(max(seconds, 0) // 60)
    if minutes < 1:
        return "under a minute"
    if minutes < 60:
        return f"{minutes} min"
    hours, minutes = divmod(minutes, 60)
    if hours < 24:
        return f"{hours} h {minutes} min"
    days, hours = divmod(hours, 24)
    return f"{days} d {hours} h" if hours else f"{days} d"
