"""URLs of the provider half of the AI app: the AI settings API (regions, BYOK keys, own
endpoints), the AI-ledger API, and the AI settings page. Included once from supportdesk/urls.py."""

from django.urls import path

from tenants.api import ai_settings as api

from .ledger_api import LedgerExportView, LedgerListView
from .provider_views import ai_settings_page

API = "api/v1/w/<slug:workspace_slug>/ai/"

urlpatterns = [
    path(f"{API}settings/", api.AISettingsView.as_view(), name="api-ai-settings"),
    path(f"{API}keys/", api.ProviderKeyListView.as_view(), name="api-ai-keys"),
    path(f"{API}keys/<str:provider>/", api.ProviderKeyDetailView.as_view(), name="api-ai-key"),
    path(f"{API}endpoints/", api.EndpointListView.as_view(), name="api-ai-endpoints"),
    path(
        f"{API}endpoints/<int:endpoint_id>/",
        api.EndpointDetailView.as_view(),
        name="api-ai-endpoint",
    ),
    path(f"{API}ledger/", LedgerListView.as_view(), name="api-ai-ledger"),
    path(f"{API}ledger/export/", LedgerExportView.as_view(), name="api-ai-ledger-export"),
    path("w/<slug:workspace_slug>/settings/ai/", ai_settings_page, name="ai-settings"),
]
