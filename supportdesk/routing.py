"""Websocket routes of every app, collected in one place.

The widget's routes check the brand's own allowed origins (customers' websites); the inbox's
routes are wrapped in AllowedHostsOriginValidator + AuthMiddlewareStack by supportdesk/asgi.py."""

from typing import Any

from chat.routing import operator_websocket_urlpatterns, visitor_websocket_urlpatterns

public_websocket_urlpatterns: list[Any] = [*visitor_websocket_urlpatterns]
session_websocket_urlpatterns: list[Any] = [*operator_websocket_urlpatterns]
websocket_urlpatterns: list[Any] = [*public_websocket_urlpatterns, *session_websocket_urlpatterns]
