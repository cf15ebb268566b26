"""Test overlay: fast hashing, mail in memory, tasks in-process.

DATABASE_URL and REDIS_URL still choose PostgreSQL and the Redis channel layer, so
the same suite covers both modes (CI sets them, a laptop may not).
"""

from config.settings.base import *  # noqa: F403
from config.settings.base import DATABASES

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
CELERY_TASK_ALWAYS_EAGER = True
CELERY_TASK_EAGER_PROPAGATES = False
BATON_TASKS_IN_THREAD = False  # effects visible when the request returns
CELERY_BROKER_URL = "memory://"
CELERY_RESULT_BACKEND = None
ANTHROPIC_API_KEY = ""
# The fake Slack, Teams and PSA servers listen on 127.0.0.1; the tests of the guard
# itself turn this off again.
BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS = True

# The API's rate-limit counts in a cache of this process only, emptied before each test
# (tests/conftest.py), so one test's requests never count against another's.
# Sign-in rate limits count in the default cache too: in this process' memory, emptied
# before each test like the API's, so no test inherits another's (or another run's)
# attempts from Redis. Production keeps Redis, shared by every process.
CACHES = {
    "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
    "api-throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
}
BATON_API_THROTTLE_CACHE = "api-throttle"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_AUTOREFRESH = True
# A pool is per process; pytest-django's database juggling is simpler without it.
DATABASES["default"].get("OPTIONS", {}).pop("pool", None)
