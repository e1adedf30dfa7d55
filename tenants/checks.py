"""A system check: every tenant-owned model must have RLS enabled by a migration."""

from __future__ import annotations

from typing import Any

from django.apps import apps
from django.core import checks

from .models import TenantModel


@checks.register(checks.Tags.models)
def tenant_models_use_scoped_manager(
    app_configs: Any = None, **kwargs: Any
) -> list[checks.CheckMessage]:
    from .managers import WorkspaceScopedManager

    errors: list[checks.CheckMessage] = []
    for model in apps.get_models():
        if issubclass(model, TenantModel) and not isinstance(
            model._default_manager, WorkspaceScopedManager
        ):
            errors.append(
                checks.Error(
                    f"{model._meta.label} is tenant-owned but its default manager is not scoped.",
                    id="tenants.E001",
                )
            )
    return errors
