from django.contrib import admin
from django.urls import URLPattern, URLResolver, include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from chat.api_urls import widget_patterns as chat_widget_api
from chat.api_urls import workspace_patterns as chat_workspace_api
from redaction.api import RedactionPreviewView, RedactionSettingsView
from tenants.api.urls import urlpatterns as tenant_api
from tenants.api.urls import workspace_patterns as tenant_workspace_api
from tenants.demo import demo_page

admin.site.site_header = "SupportDesk platform admin"

workspace_api: list[URLPattern | URLResolver] = [
    *tenant_workspace_api,
    path("redaction/", RedactionSettingsView.as_view(), name="api-redaction-settings"),
    path("redaction/preview/", RedactionPreviewView.as_view(), name="api-redaction-preview"),
    *chat_workspace_api,
    path("ai/", include("ai.feature_urls")),
]

api_v1: list[URLPattern | URLResolver] = [
    *tenant_api,
    *chat_widget_api,
    path("w/<slug:workspace_slug>/", include(workspace_api)),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
    path("demo/", demo_page, name="demo"),
    path("", include("chat.urls")),
    path("", include("ai.page_urls")),
    path("", include("tenants.urls")),
    path("", include("ai.provider_urls")),
]

handler400 = "supportdesk.errors.bad_request"
handler403 = "supportdesk.errors.permission_denied"
handler404 = "supportdesk.errors.page_not_found"
handler500 = "supportdesk.errors.server_error"
