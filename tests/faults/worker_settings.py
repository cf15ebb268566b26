"""Settings for the real Celery worker the worker-kill test starts (production-like
base settings, not the eager test overlay).

The broker keys get a per-test prefix and a short visibility timeout, so this
worker redelivers the killed worker's unacknowledged tasks within seconds (the
default is an hour) without touching any other worker's messages on the same Redis.
"""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import CELERY_BROKER_TRANSPORT_OPTIONS

# The fake PSA listens on 127.0.0.1.
BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS = True
FAULTS_PREFIX = os.environ["BATON_FAULTS_PREFIX"]
CELERY_TASK_DEFAULT_QUEUE = f"{FAULTS_PREFIX}celery"
CELERY_BROKER_TRANSPORT_OPTIONS = {
    **CELERY_BROKER_TRANSPORT_OPTIONS,
    "global_keyprefix": FAULTS_PREFIX,
    "visibility_timeout": 3,
    "unacked_restore_interval": 1,
    "unacked_restore_throttle": 1,
}
