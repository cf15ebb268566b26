"""Times on pages: `{% load baton_time %}`.

    {% local_time step.created_at %}        <time datetime="…Z" title="Wed 2 Dec 2026,
                                             15:05 CET (Europe/Berlin)">15:05</time>
    {% time_ago n.created_at %}             … 21 min ago
    {% waiting_since h.queued_at %}         … waiting 21 min  (class "age": queue.js ticks it)
    {{ facts.at|full_datetime:facts.time_zone }}   for emails: date, time and zone in words

The short text is in the reader's zone (the middleware activates it); the title gives
the full date, time and zone on hover; `datetime` is UTC for machines and scripts.
"""

from datetime import UTC

from django import template
from django.utils import timezone
from django.utils.html import format_html

from troubleshoot.accounts import timezones

register = template.Library()


def _time_tag(value, text: str, *, css_class: str = "", seconds: bool = False) -> str:
    moment = timezones.as_datetime(value)
    if moment is None:
        return ""
    iso = moment.astimezone(UTC).isoformat().replace("+00:00", "Z")
    title = timezones.full_datetime(moment, seconds=seconds)
    if css_class:
        return format_html(
            '<time class="{}" datetime="{}" title="{}">{}</time>', css_class, iso, title, text
        )
    return format_html('<time datetime="{}" title="{}">{}</time>', iso, title, text)


def _age(value) -> str:
    moment = timezones.as_datetime(value)
    if moment is None:
        return ""
    return timezones.duration_words((timezone.now() - moment).total_seconds())


@register.simple_tag
def local_time(value, seconds=False):
    return _time_tag(value, timezones.short_time(value, seconds=seconds), seconds=seconds)


@register.simple_tag
def time_ago(value):
    age = _age(value)
    return _time_tag(value, "just now" if age == "under a minute" else f"{age} ago")


@register.simple_tag
def waiting_since(value):
    return _time_tag(value, f"waiting {_age(value)}", css_class="age")


@register.filter
def full_datetime(value, zone_name=""):
    return timezones.full_datetime(value, zone_name or None)


@register.simple_tag(takes_context=True)
def current_zone(context):
    """The reader's zone, named: "CET (Europe/Berlin)"."""
    zone = timezone.get_current_timezone()
    return timezones.zone_label(timezone.localtime(timezone.now(), zone), zone)
