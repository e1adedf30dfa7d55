"""The provider tests share the router tests' fixtures (fake servers, clean breakers, tenants)."""

from tests.ai.router.conftest import _clean_breakers, alpha, beta, fake, fake2  # noqa: F401
