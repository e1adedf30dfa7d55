"""/api/v1/w/<workspace_slug>/ai/… (AI features). Included once from supportdesk/urls.py."""

from django.urls import path

from . import api

urlpatterns = [
    path("features/", api.FeatureSettingsView.as_view(), name="api-ai-features"),
    path("agents/", api.AgentListView.as_view(), name="api-ai-agents"),
    path("agents/<int:brand_id>/", api.AgentDetailView.as_view(), name="api-ai-agent"),
    path("saved-replies/", api.SavedReplyListView.as_view(), name="api-ai-saved-replies"),
    path(
        "saved-replies/<int:reply_id>/",
        api.SavedReplyDetailView.as_view(),
        name="api-ai-saved-reply",
    ),
    path(
        "conversations/<int:conversation_id>/",
        api.ConversationAIView.as_view(),
        name="api-ai-conversation",
    ),
    path(
        "conversations/<int:conversation_id>/summary/",
        api.SummaryRequestView.as_view(),
        name="api-ai-summary",
    ),
    path(
        "conversations/<int:conversation_id>/reply-translations/",
        api.ReplyTranslationView.as_view(),
        name="api-ai-reply-translation",
    ),
    path(
        "conversations/<int:conversation_id>/replies/",
        api.AIReplyView.as_view(),
        name="api-ai-reply",
    ),
    path("artifacts/<int:artifact_id>/", api.ArtifactView.as_view(), name="api-ai-artifact"),
]
