from __future__ import annotations

import pytest

from tests.tenants.api_helpers import Tenant

from .helpers import chat_tenant


@pytest.fixture
def alpha(db: None) -> Tenant:
    return chat_tenant("alpha")


@pytest.fixture
def beta(db: None) -> Tenant:
    return chat_tenant("beta")
