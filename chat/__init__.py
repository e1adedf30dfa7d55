"""Realtime chat: visitor widget, operator inbox, websocket protocol (issue 4)."""
