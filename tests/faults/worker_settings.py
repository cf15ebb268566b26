"""Settings for the real Celery worker the worker-kill test starts (production-like
base settings, not the eager test overlay).

The broker keys get a per-test prefix and a short visibility timeout, so this
worker redelivers the killed worker's unacknowledged tasks within seconds (the
default is an hour) without touching any other worker's messages on the same Redis.
"""

import os

from config.celery_queues import queues_for
from config.settings.base import *  # noqa: F403
from config.settings.base import CELERY_BROKER_TRANSPORT_OPTIONS

# The fake PSA listens on 127.0.0.1.
BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS = True
FAULTS_PREFIX = os.environ["BATON_FAULTS_PREFIX"]
CELERY_TASK_DEFAULT_QUEUE = f"{FAULTS_PREFIX}celery"
BATON_EMAIL_QUEUE = f"{FAULTS_PREFIX}email"
# Both queues, so that this one worker sends the emails too.
CELERY_TASK_QUEUES = queues_for(CELERY_TASK_DEFAULT_QUEUE, BATON_EMAIL_QUEUE)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "global_keyprefix": FAULTS_PREFIX,
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
