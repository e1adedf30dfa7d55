from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("login/", views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("w/", views.workspace_list, name="workspace-list"),
    path("w/<slug:workspace_slug>/", views.workspace_home, name="workspace-home"),
]
