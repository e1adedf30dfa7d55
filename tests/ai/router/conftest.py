from __future__ import annotations

from collections.abc import Iterator

import pytest

from ai.router.breaker import breakers_reset
from tests.ai.fake_provider import FakeProvider
from tests.tenants.api_helpers import Tenant, make_tenant

from .helpers import PLATFORM_KEY


@pytest.fixture
def fake() -> Iterator[FakeProvider]:
    with FakeProvider() as server:
        yield server


@pytest.fixture
def fake2() -> Iterator[FakeProvider]:
    with FakeProvider() as server:
        yield server


@pytest.fixture(autouse=True)
def _clean_breakers(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setenv("FAKE_PLATFORM_KEY", PLATFORM_KEY)
    breakers_reset()
    yield
    breakers_reset()


@pytest.fixture
def alpha(db: None) -> Tenant:
    return make_tenant("alpha")


@pytest.fixture
def beta(db: None) -> Tenant:
    return make_tenant("beta")
