"""The bell's server-rendered badge, so the count shows even without JavaScript."""

from django import template

from notifications.selectors import unread_count_for_user

register = template.Library()


@register.simple_tag(takes_context=True)
def unread_notification_count(context) -> int:
    user = context.get("user")
    if user is None or not user.is_authenticated:
        return 0
    return unread_count_for_user(user)


@register.filter
def masked(secret: str) -> str:
    """`••••abcd`: enough to recognise a secret, never enough to use it."""
    secret = str(secret or "")
    if not secret:
        return ""
    return "••••" + (secret[-4:] if len(secret) >= 12 else "")
