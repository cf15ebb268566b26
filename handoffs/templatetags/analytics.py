"""Filters for the analytics page and its nav link."""

from django import template

from handoffs.analytics.charts import percent
from handoffs.analytics.scope import can_see_analytics

register = template.Library()


@register.filter
def may_see_analytics(user) -> bool:
    return can_see_analytics(user)


@register.filter
def as_percent(value) -> str:
    return percent(value)


@register.filter
def duration(seconds) -> str:
    """Seconds as a person reads them: "45 s", "12 min", "3.5 h", "2.1 days"."""
    if not isinstance(seconds, int | float):  # no figure (no claim, no resolution)
        return "–"
    if seconds < 60:
        return f"{round(seconds)} s"
    if seconds < 3600:
        return f"{round(seconds / 60)} min"
    if seconds < 48 * 3600:
        return f"{seconds / 3600:.1f} h"
    return f"{seconds / 86400:.1f} days"


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if mapping else None
