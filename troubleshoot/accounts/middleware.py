"""Per-request time zone: pages show times in the reader's zone."""

from django.utils import timezone

from troubleshoot.accounts.timezones import load_zone, zone_name_for


class TimeZoneMiddleware:
    """Activate the signed-in person's zone (their own, else their account's default)
    for the request; anonymous pages stay in UTC. After AuthenticationMiddleware."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            timezone.activate(load_zone(zone_name_for(user)))
        else:
            timezone.deactivate()
        try:
            return self.get_response(request)
        finally:
            timezone.deactivate()
