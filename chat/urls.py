"""Inbox pages under /w/<workspace_slug>/inbox/ (the API and websockets are routed elsewhere)."""

from django.urls import path

from . import views

urlpatterns = [
    path("w/<slug:workspace_slug>/inbox/", views.inbox, name="chat-inbox"),
    path(
        "w/<slug:workspace_slug>/inbox/<int:conversation_id>/",
        views.conversation_detail,
        name="chat-conversation",
    ),
]
