"""System checks for the AI provider configuration: a malformed ``AI_ENDPOINTS`` is reported by
``manage.py check`` (and at start-up) instead of at the first AI request."""

from __future__ import annotations

from typing import Any

from django.core import checks
from django.core.exceptions import ImproperlyConfigured


@checks.register()
def ai_endpoints_are_valid(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    from ai.router.endpoints import platform_endpoints

    try:
        platform_endpoints()
    except (ImproperlyConfigured, TypeError, ValueError) as exc:
        return [
            checks.Error(
                f"AI_ENDPOINTS is invalid: {exc}",
                hint="See README, 'AI providers': a JSON list of {name, kind, region, model, "
                "base_url, key_env, api, options}.",
                id="tenants.E101",
            )
        ]
    return []
