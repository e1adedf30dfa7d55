"""Pages: login (throttled), workspace switcher, workspace home. HTTP in/out only."""

from __future__ import annotations

from typing import Any

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse

from .doors import workspace_view
from .models import Role, role_at_least
from .selectors import brands_for_workspace, members_for_workspace, workspaces_for_user
from .throttle import login_allowed, login_succeeded


class LoginView(auth_views.LoginView):
    template_name = "registration/login.html"
    redirect_authenticated_user = True

    def post(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        username = str(request.POST.get("username", ""))[:254]
        if not login_allowed(request, username):
            # An unbound form: validating it would run authenticate(), i.e. the password hasher
            # and the login-failed signal, for every throttled request.
            form = self.get_form_class()(request, initial={"username": username})
            context = self.get_context_data(form=form, throttled=True)
            return self.render_to_response(context, status=429)
        return super().post(request, *args, **kwargs)

    def form_valid(self, form: Any) -> HttpResponse:
        login_succeeded(self.request, form.cleaned_data.get("username", ""))
        return super().form_valid(form)


def home(request: HttpRequest) -> HttpResponse:
    if not request.user.is_authenticated:
        return redirect("login")
    return redirect("workspace-list")


@login_required
def workspace_list(request: HttpRequest) -> HttpResponse:
    workspaces = workspaces_for_user(request.user)
    if len(workspaces) == 1 and "all" not in request.GET:
        return HttpResponseRedirect(reverse("workspace-home", args=[workspaces[0][0].slug]))
    return render(request, "tenants/workspace_list.html", {"workspaces": workspaces})


@workspace_view()
def workspace_home(request: HttpRequest) -> HttpResponse:
    membership = request.membership  # type: ignore[attr-defined]
    return render(
        request,
        "tenants/workspace_home.html",
        {
            "brands": list(brands_for_workspace()),
            "members": list(members_for_workspace()),
            "can_admin": role_at_least(membership.role, Role.ADMIN),
        },
    )
