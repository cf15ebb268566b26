"""Celery's two queues: the default one, and email's own.

Sending an email can take seconds when the mail server is slow (one SMTP
conversation per message); a Slack post or a PSA note takes milliseconds. On one
queue, a burst of slow emails held every worker child and the posts queued behind
them. Email tasks go to BATON_EMAIL_QUEUE; everything else to the default queue.
Imported by the settings, so it imports neither Django nor Celery's app.
"""

EMAIL_TASKS = frozenset({"notifications.tasks.send_emails"})


def queues_for(default: str, email: str) -> tuple:
    """Both queues, declared, so that a plain `celery worker` (no -Q) consumes both."""
    from kombu import Queue

    return (Queue(default, routing_key=default), Queue(email, routing_key=email))


def route(name, args, kwargs, options, task=None, **kw):
    """Celery router (CELERY_TASK_ROUTES): email tasks to the email queue. Reads the
    queue's name from the settings at send time, so test settings can rename it."""
    if name in EMAIL_TASKS:
        from django.conf import settings

        return {"queue": settings.BATON_EMAIL_QUEUE}
    return None
