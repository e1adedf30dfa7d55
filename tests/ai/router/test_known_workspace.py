"""``complete(workspace=...)``: a task that read its workspace row already passes it, and the
router does not read it again; a row of another workspace is never taken for the request's."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tenants.models import Workspace
from tests.ai.fake_provider import FakeProvider
from tests.tenants.api_helpers import Tenant

from .helpers import endpoint, request_for, run

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake(settings) -> FakeProvider:
    with FakeProvider() as provider:
        settings.AI_ENDPOINTS = [endpoint("uk-1", provider.openai_url)]
        provider.reply = "hello"
        yield provider


def _workspace_reads(queries: CaptureQueriesContext) -> int:
    return sum('FROM "tenants_workspace"' in q["sql"] for q in queries.captured_queries)


def test_the_workspace_row_given_is_not_read_again(fake: FakeProvider, alpha: Tenant) -> None:
    row = Workspace.objects.get(pk=alpha.workspace.pk)
    with CaptureQueriesContext(connection) as queries:
        assert run(request_for(alpha.workspace.pk), workspace=row).text == "hello"
    assert _workspace_reads(queries) == 0


def test_another_workspaces_row_is_ignored_and_the_requests_is_read(
    fake: FakeProvider, alpha: Tenant, beta: Tenant
) -> None:
    # given beta's row, suspended, handed over with alpha's request
    Workspace.objects.filter(pk=beta.workspace.pk).update(status="suspended")
    theirs = Workspace.objects.get(pk=beta.workspace.pk)
    with CaptureQueriesContext(connection) as queries:
        completion = run(request_for(alpha.workspace.pk), workspace=theirs)
    # then alpha's own row decided (active: answered), read once
    assert completion.text == "hello"
    assert _workspace_reads(queries) == 1
    assert len(fake.requests) == 1
