"""Absolute links for what leaves the site: emails, Slack/Teams posts, PSA notes and
invitations.

Production takes the base from BATON_BASE_URL (required at start): a link built from
the request's Host header could be steered by whoever sends the request, the classic
poisoned-reset-link attack. Embedded mode (`make run PORT=8201`, any host name in
ALLOWED_HOSTS) has no such visitor and no one to set the variable, so there a link
built while serving a request starts with the scheme, host and port that request
came in on. Links are built inside the request (the escalation stores its absolute
pickup URL in each outbox row; an invitation builds its link before the email is
sent), so tasks that send later need no request. Work outside any request (the beat's
unclaimed-escalation reminders) uses BATON_BASE_URL, which `make run` sets to the
host and port it serves on.
"""

from contextvars import ContextVar

from django.conf import settings

_request_base_url: ContextVar[str] = ContextVar("baton_request_base_url", default="")


def base_url() -> str:
    return (_request_base_url.get() or settings.BATON_BASE_URL).rstrip("/")


def absolute_url(path: str) -> str:
    """The site's base followed by a local path ("/sessions/3/pickup/")."""
    return f"{base_url()}{path}" if path else base_url() + "/"


class RequestBaseUrlMiddleware:
    """Embedded mode: links built during a request use the request's own origin.

    After CommonMiddleware, so the host has been checked against ALLOWED_HOSTS.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not settings.BATON_LINKS_FROM_REQUEST:
            return self.get_response(request)
        token = _request_base_url.set(f"{request.scheme}://{request.get_host()}")
        try:
            return self.get_response(request)
        finally:
            _request_base_url.reset(token)
