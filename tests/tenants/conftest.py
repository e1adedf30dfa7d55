"""Two fully populated workspaces for the API tests (see api_helpers.make_tenant)."""

from __future__ import annotations

import pytest

from .api_helpers import Tenant, make_tenant


@pytest.fixture
def alpha() -> Tenant:
    return make_tenant("alpha")


@pytest.fixture
def beta() -> Tenant:
    return make_tenant("beta")
