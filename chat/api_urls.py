from django.urls import path

from . import api

widget_patterns = [
    path(
        "widget/<str:widget_key>/session/",
        api.WidgetSessionView.as_view(),
        name="api-widget-session",
    ),
]

workspace_patterns = [
    path(
        "brands/<int:brand_id>/identity-secret/",
        api.BrandIdentitySecretView.as_view(),
        name="api-brand-identity-secret",
    ),
    path("conversations/", api.ConversationListView.as_view(), name="api-conversations"),
    path(
        "conversations/<int:conversation_id>/",
        api.ConversationDetailView.as_view(),
        name="api-conversation",
    ),
    path(
        "conversations/<int:conversation_id>/assign/",
        api.ConversationAssignView.as_view(),
        name="api-conversation-assign",
    ),
    path(
        "conversations/<int:conversation_id>/unassign/",
        api.ConversationUnassignView.as_view(),
        name="api-conversation-unassign",
    ),
    path(
        "conversations/<int:conversation_id>/resolve/",
        api.ConversationResolveView.as_view(),
        name="api-conversation-resolve",
    ),
    path(
        "conversations/<int:conversation_id>/reopen/",
        api.ConversationReopenView.as_view(),
        name="api-conversation-reopen",
    ),
]
