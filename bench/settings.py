"""The product's settings, plus one switch the bench needs: which channel layer.

BENCH_CHANNEL_LAYER=pubsub (the product's choice) or core (channels_redis's
RedisChannelLayer), so the bench can measure both and say which is faster.
"""

import os

from config.settings.base import *  # noqa: F403
from config.settings.base import CHANNEL_LAYERS as PRODUCT_CHANNEL_LAYERS
from config.settings.base import LOGGING


def channel_layers_for(kind: str) -> dict:
    """The product's layer settings with only the backend swapped for `core`."""
    if kind != "core":
        return PRODUCT_CHANNEL_LAYERS
    default = PRODUCT_CHANNEL_LAYERS["default"]
    return {
        "default": {
            **default,
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {**default["CONFIG"], "capacity": 2000, "expiry": 30},
        }
    }


CHANNEL_LAYERS = channel_layers_for(os.environ.get("BENCH_CHANNEL_LAYER", "pubsub"))

# The fake Slack and PSA servers listen on 127.0.0.1.
BATON_ALLOW_PRIVATE_INTEGRATION_HOSTS = True

# Request logs would cost more than the requests being measured.
LOGGING = {**LOGGING, "root": {"handlers": ["console"], "level": "WARNING"}}
