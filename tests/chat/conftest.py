from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.tenants.api_helpers import Tenant

from .helpers import chat_tenant, wait_for_background_db_work


@pytest.fixture
def alpha(db: None) -> Iterator[Tenant]:
    yield chat_tenant("alpha")
    wait_for_background_db_work()  # before the database is flushed (alpha depends on db)


@pytest.fixture
def beta(db: None) -> Iterator[Tenant]:
    yield chat_tenant("beta")
    wait_for_background_db_work()
