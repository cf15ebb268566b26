"""The Celery app. Settings come from Django's, prefixed CELERY_."""

import os

from celery import Celery
from celery.signals import worker_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

app = Celery("baton")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_init.connect
def _preload_slow_imports(**kwargs):
    """Import the Anthropic SDK once in the worker's parent, before the pool forks.

    Imported lazily elsewhere (it takes ~2.5 s and the web process rarely needs it),
    each pool child would otherwise pay for it on its first assessment: seconds of
    CPU just after a deploy, exactly when escalations queue up (bench/, figure 5).
    """
    from django.conf import settings

    if settings.ANTHROPIC_API_KEY:
        import anthropic  # noqa: F401
