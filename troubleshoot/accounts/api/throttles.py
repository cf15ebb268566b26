"""The API's rate limit: per token (per person for the browser's session), answered
with 429 and `Retry-After` (seconds) by DRF when exceeded.

The rate is read from settings on every request (BATON_API_RATE, e.g. "120/min"), so
tests and deployments can change it without re-importing DRF's settings. The counts
live in the cache named by BATON_API_THROTTLE_CACHE (Redis in production: shared by
every process).
"""

from django.conf import settings
from django.core.cache import caches
from rest_framework.throttling import SimpleRateThrottle

from troubleshoot.accounts.models import ApiToken


class TokenRateThrottle(SimpleRateThrottle):
    scope = "api"

    @property
    def cache(self):
        return caches[settings.BATON_API_THROTTLE_CACHE]

    def get_rate(self):
        return settings.BATON_API_RATE

    def get_cache_key(self, request, view):
        token = request.auth
        if isinstance(token, ApiToken):
            # The digest, not the id: ids restart with a new database, a stale count
            # left in a shared cache must not throttle a new token.
            ident = f"token-{token.digest[:24]}"
        elif request.user and request.user.is_authenticated:
            ident = f"user-{request.user.pk}"
        else:
            ident = f"anon-{self.get_ident(request)}"
        return f"baton-throttle-{self.scope}-{ident}"
