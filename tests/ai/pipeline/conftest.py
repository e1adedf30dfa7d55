from __future__ import annotations

from collections.abc import Iterator

import pytest

from ai.router.breaker import breakers_reset
from tests.ai.features.helpers import chat_tenant
from tests.tenants.api_helpers import Tenant


@pytest.fixture(autouse=True)
def _clean_breakers() -> Iterator[None]:
    breakers_reset()
    yield
    breakers_reset()


@pytest.fixture
def alpha(db: None) -> Tenant:
    return chat_tenant("alpha")


@pytest.fixture
def beta(db: None) -> Tenant:
    return chat_tenant("beta")
