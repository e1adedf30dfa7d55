"""The seeded demo: an Acme workspace with three people, a brand, and a page embedding the
widget."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render

from ai.demo import seed_ai_demo, seed_ai_demo_if_missing

from .models import Brand, Membership, Plan, Role, Workspace
from .scope import platform_scope, workspace_scope
from .services import brand_create, workspace_create

DEMO_PASSWORD = "supportdesk-demo"  # noqa: S105 - printed by make run; local demo only


@dataclass(frozen=True)
class DemoLogin:
    email: str
    role: str
    name: str


DEMO_LOGINS = [
    DemoLogin("owner@acme.test", Role.OWNER, "Olivia Owner"),
    DemoLogin("admin@acme.test", Role.ADMIN, "Adam Admin"),
    DemoLogin("operator@acme.test", Role.OPERATOR, "Opal Operator"),
]
STAFF_LOGIN = DemoLogin("staff@supportdesk.test", "platform staff", "Sam Staff")


def _user(login: DemoLogin, *, staff: bool = False) -> object:
    User = get_user_model()
    first, _, last = login.name.partition(" ")
    user, created = User.objects.get_or_create(
        username=login.email,
        defaults={"email": login.email, "first_name": first, "last_name": last},
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.is_staff = user.is_superuser = staff
        user.save()
    return user


def seed_demo(*, origin: str = "http://127.0.0.1:8000") -> bool:
    """Create the demo data unless it exists. Returns True when it created it."""
    with transaction.atomic():
        existing = Workspace.objects.filter(slug="acme").first()
        if existing is not None:
            seed_ai_demo_if_missing(workspace=existing)
            return False
        users = {login.role: _user(login) for login in DEMO_LOGINS}
        _user(STAFF_LOGIN, staff=True)
        acme = workspace_create(name="Acme", slug="acme", owner=users[Role.OWNER], plan=Plan.PRO)  # type: ignore[arg-type]
        with workspace_scope(acme.pk):
            for role in (Role.ADMIN, Role.OPERATOR):
                Membership.objects.create(user=users[role], role=role)
            acme_store = brand_create(
                name="Acme Store",
                allowed_origins=[origin, origin.replace("127.0.0.1", "localhost")],
                default_language="en",
            )
            seed_ai_demo(brand=acme_store)
        # A second workspace so the switcher has something to switch to.
        globex = workspace_create(name="Globex", slug="globex", owner=users[Role.OWNER])  # type: ignore[arg-type]
        with workspace_scope(globex.pk):
            Membership.objects.create(user=users[Role.OPERATOR], role=Role.OPERATOR)
            brand_create(name="Globex Support", allowed_origins=[origin])
    return True


def demo_brand() -> Brand | None:
    with platform_scope("demo page shows the seeded brand"):
        return Brand.objects.unscoped().filter(workspace__slug="acme").order_by("id").first()


def demo_page(request: HttpRequest) -> HttpResponse:
    """A stand-in customer website embedding the widget (local/dev only)."""
    if not getattr(settings, "DEMO_PAGE_ENABLED", False):
        raise Http404
    brand = demo_brand()
    if brand is None:
        raise Http404("Run the demo seed first.")
    return render(request, "demo/store.html", {"brand": brand})
