"""ASGI entry point: HTTP through Django, websockets through Channels.

The widget's socket is opened from customers' websites, so it is not behind
AllowedHostsOriginValidator: its consumer checks the brand's allowed origins before accepting.
The inbox's socket is same-site and session-authenticated: AllowedHostsOriginValidator (which
also refuses a missing Origin) around AuthMiddlewareStack."""

import os

from django.core.asgi import get_asgi_application

from supportdesk.settings import env as settings_env

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "supportdesk.settings.local")
# Daphne's DB calls share a per-process psycopg pool (settings/env.py database_config);
# SUPPORTDESK_DB_POOL=0 turns it off.
settings_env.POOL_BY_DEFAULT = True
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402
from channels.security.websocket import AllowedHostsOriginValidator  # noqa: E402
from django.urls import URLPattern, path  # noqa: E402

from supportdesk.routing import (  # noqa: E402
    public_websocket_urlpatterns,
    session_websocket_urlpatterns,
)


def _session_guarded(route: URLPattern) -> URLPattern:
    return path(
        str(route.pattern),
        AllowedHostsOriginValidator(AuthMiddlewareStack(route.callback)),
        name=route.name,
    )


application = ProtocolTypeRouter(
    {
        "http": django_asgi_app,
        "websocket": URLRouter(
            [
                *public_websocket_urlpatterns,
                *(_session_guarded(route) for route in session_websocket_urlpatterns),
            ]
        ),
    }
)
