"""The demo seed command and the demo store page that embeds the widget."""

from __future__ import annotations

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client, override_settings

from tenants.demo import DEMO_PASSWORD
from tenants.models import Brand, Membership, Plan, Role, Workspace, WorkspaceStatus
from tenants.scope import workspace_scope
from tests.tenants.web_helpers import home_url, is_logged_in, post_login, read_page

pytestmark = pytest.mark.django_db

User = get_user_model()


def _seed(**options: object) -> str:
    out = StringIO()
    call_command("seed_demo", allow_production=True, stdout=out, **options)
    return out.getvalue()


def _acme() -> Workspace:
    return Workspace.objects.get(slug="acme")


def _table_sizes() -> dict[str, int]:
    sizes = {"workspaces": Workspace.objects.count(), "users": User.objects.count()}
    for workspace in Workspace.objects.all():
        with workspace_scope(workspace.pk):
            sizes[f"{workspace.slug}.brands"] = Brand.objects.count()
            sizes[f"{workspace.slug}.members"] = Membership.objects.count()
    return sizes


def test_seed_refuses_outside_debug_without_allow_production() -> None:
    with pytest.raises(CommandError, match="refusing outside DEBUG"):
        call_command("seed_demo", stdout=StringIO())

    assert Workspace.objects.count() == 0
    assert User.objects.count() == 0


def test_seed_creates_acme_with_three_roles_and_a_brand() -> None:
    # when the demo is seeded
    output = _seed()

    # then Acme exists with its owner, admin and operator
    assert output.splitlines()[0] == "demo seeded"
    acme = _acme()
    assert (acme.name, acme.plan, acme.status) == ("Acme", Plan.PRO, WorkspaceStatus.ACTIVE)
    with workspace_scope(acme.pk):
        members = sorted(Membership.objects.values_list("user__email", "role"))
        brands = list(Brand.objects.all())
    assert members == [
        ("admin@acme.test", Role.ADMIN),
        ("operator@acme.test", Role.OPERATOR),
        ("owner@acme.test", Role.OWNER),
    ]
    # and one brand with a widget key and the demo origins allowed
    assert len(brands) == 1
    brand = brands[0]
    assert brand.name == "Acme Store"
    assert brand.widget_key.startswith("wk_")
    assert len(brand.widget_key) > 20
    assert brand.allowed_origins == ["http://127.0.0.1:8000", "http://localhost:8000"]
    assert brand.default_language == "en"


def test_seed_uses_the_given_origin() -> None:
    _seed(origin="http://127.0.0.1:9123")

    with workspace_scope(_acme().pk):
        assert Brand.objects.get().allowed_origins == [
            "http://127.0.0.1:9123",
            "http://localhost:9123",
        ]


def test_seed_creates_working_logins_and_platform_staff() -> None:
    _seed()

    staff = User.objects.get(username="staff@supportdesk.test")
    operator = User.objects.get(username="operator@acme.test")
    assert (staff.is_staff, staff.is_superuser) == (True, True)
    assert (operator.is_staff, operator.is_superuser) == (False, False)
    assert operator.check_password(DEMO_PASSWORD)
    assert (operator.first_name, operator.last_name) == ("Opal", "Operator")


def test_demo_owner_signs_in_and_switches_between_acme_and_globex() -> None:
    _seed()
    client = Client()

    response = post_login(client, "owner@acme.test", DEMO_PASSWORD, follow=True)

    assert is_logged_in(client)
    acme, globex = _acme(), Workspace.objects.get(slug="globex")
    assert read_page(response).workspace_links == [
        (home_url(acme), "Acme"),
        (home_url(globex), "Globex"),
    ]


def test_second_seed_is_a_no_op() -> None:
    _seed()
    before = _table_sizes()
    with workspace_scope(_acme().pk):
        widget_key = Brand.objects.get().widget_key

    output = _seed()

    assert output.splitlines()[0] == "demo already seeded"
    assert _table_sizes() == before
    assert before == {
        "workspaces": 2,
        "users": 4,
        "acme.brands": 1,
        "acme.members": 3,
        "globex.brands": 1,
        "globex.members": 2,
    }
    with workspace_scope(_acme().pk):
        assert Brand.objects.get().widget_key == widget_key


def test_demo_page_embeds_the_brands_widget_key() -> None:
    _seed()
    with workspace_scope(_acme().pk):
        brand = Brand.objects.get()

    response = Client().get("/demo/")

    assert response.status_code == 200
    assert response.context["brand"] == brand
    content = response.content.decode()
    assert content.count("data-widget-key=") == 1
    assert f'data-widget-key="{brand.widget_key}"' in content
    assert 'data-api="http://testserver"' in content
    assert "/static/widget/supportdesk-widget.js" in content


def test_demo_page_is_404_before_seeding() -> None:
    assert Client().get("/demo/").status_code == 404


@override_settings(DEMO_PAGE_ENABLED=False)
def test_demo_page_is_404_when_disabled() -> None:
    _seed()

    assert Client().get("/demo/").status_code == 404
