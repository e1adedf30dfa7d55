"""Websocket routes of every app, collected in one place."""

from typing import Any

websocket_urlpatterns: list[Any] = []
