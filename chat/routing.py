"""Websocket routes of the chat. The two sockets sit behind different guards (supportdesk/asgi.py):
the widget's socket is opened from customers' websites and checks the brand's allowed origins
itself; the inbox socket is same-site, session-authenticated and behind AllowedHostsOriginValidator.
"""

from django.urls import path

from .consumers import OperatorConsumer, VisitorConsumer

visitor_websocket_urlpatterns = [
    path("ws/widget/<str:widget_key>/", VisitorConsumer.as_asgi(), name="ws-widget"),
]

operator_websocket_urlpatterns = [
    path("ws/inbox/<slug:workspace_slug>/", OperatorConsumer.as_asgi(), name="ws-inbox"),
]
