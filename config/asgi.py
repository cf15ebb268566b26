"""ASGI entry point for daphne: HTTP through Django, websockets through Channels."""

import os
import sys

from django.core.exceptions import ImproperlyConfigured

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.base")

try:
    from django.core.asgi import get_asgi_application

    django_asgi_app = get_asgi_application()
except ImproperlyConfigured as exc:
    sys.exit(f"Baton cannot start: {exc}")

# Imported after Django is set up: the consumers touch models.
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from troubleshoot.accounts.ws_auth import SessionUserStack  # noqa: E402
from troubleshoot.live.origin import SameOriginValidator  # noqa: E402
from troubleshoot.live.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": SameOriginValidator(SessionUserStack(URLRouter(websocket_urlpatterns))),
    }
)
