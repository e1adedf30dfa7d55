"""factory_boy factories. Tenant rows are created inside the workspace scope, as the app does."""

from __future__ import annotations

from typing import Any

import factory
from django.contrib.auth import get_user_model

from tenants.models import Brand, Membership, Plan, Role, Workspace
from tenants.scope import workspace_scope

PASSWORD = "correct-horse-battery-staple"


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"user{n}@example.test")
    username = factory.SelfAttribute("email")
    first_name = "Test"
    last_name = factory.Sequence(lambda n: f"User{n}")
    password = factory.django.Password(PASSWORD)


class WorkspaceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Workspace

    name = factory.Sequence(lambda n: f"Workspace {n}")
    slug = factory.Sequence(lambda n: f"ws-{n}")
    plan = Plan.PRO


class _TenantFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class: type, *args: Any, **kwargs: Any) -> Any:
        workspace = kwargs["workspace"]
        with workspace_scope(workspace.pk):
            obj = model_class(*args, **kwargs)
            obj.save()
        return obj


class MembershipFactory(_TenantFactory):
    class Meta:
        model = Membership

    workspace = factory.SubFactory(WorkspaceFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.OPERATOR


class BrandFactory(_TenantFactory):
    class Meta:
        model = Brand

    workspace = factory.SubFactory(WorkspaceFactory)
    name = factory.Sequence(lambda n: f"Brand {n}")
    allowed_origins = factory.LazyFunction(lambda: ["https://shop.example.com"])
    default_language = "en"
