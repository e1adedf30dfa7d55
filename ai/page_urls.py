"""AI pages under /w/<workspace_slug>/ai/ (the API lives in ai/feature_urls.py)."""

from django.urls import path

from . import views

urlpatterns = [
    path("w/<slug:workspace_slug>/ai/", views.ai_settings, name="ai-features"),
]
