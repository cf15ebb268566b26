"""The Celery app. Settings come from Django's, prefixed CELERY_."""

import os

from celery import Celery
from celery.signals import task_postrun, worker_init

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


@task_postrun.connect
def _return_db_connection(task=None, **kwargs):
    """After each task on a worker, give the connection back (to the pool, when there
    is one) and drop it if it broke, as Django does after each request. Not for eager
    tasks: they run inside their caller's transaction."""
    if task is not None and getattr(task.request, "is_eager", False):
        return
    from django.db import close_old_connections

    close_old_connections()
