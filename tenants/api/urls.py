from django.urls import path

from . import views

workspace_patterns = [
    path("", views.WorkspaceDetailView.as_view(), name="api-workspace"),
    path("members/", views.MemberListView.as_view(), name="api-members"),
    path("members/<int:member_id>/", views.MemberDetailView.as_view(), name="api-member"),
    path("brands/", views.BrandListView.as_view(), name="api-brands"),
    path("brands/<int:brand_id>/", views.BrandDetailView.as_view(), name="api-brand"),
    path(
        "brands/<int:brand_id>/rotate-widget-key/",
        views.BrandRotateKeyView.as_view(),
        name="api-brand-rotate-key",
    ),
]

urlpatterns = [
    path("auth/token/", views.TokenView.as_view(), name="api-token"),
    path("me/", views.MeView.as_view(), name="api-me"),
    path(
        "widget/<str:widget_key>/config/",
        views.WidgetConfigView.as_view(),
        name="api-widget-config",
    ),
]
