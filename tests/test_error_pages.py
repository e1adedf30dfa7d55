"""Errors outside DRF's reach (URL resolution, Django's own handlers) keep the API's JSON shape
under /api/ and stay HTML pages elsewhere."""

from __future__ import annotations

import pytest
from django.test import Client

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "path",
    [
        "/api/v1/no-such-endpoint/",
        "/api/v1/w/some-workspace/brands/not-a-number/",
        "/api/v1/w/some-workspace/members/12abc/",
        "/api/nothing",
    ],
)
def test_unknown_api_paths_answer_json_404(client: Client, path: str) -> None:
    response = client.get(path)
    assert response.status_code == 404
    assert response["Content-Type"] == "application/json"
    assert response.json() == {
        "error": {"code": "not_found", "message": "Not found.", "details": {}}
    }


def test_unknown_page_stays_html(client: Client) -> None:
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert response["Content-Type"].startswith("text/html")
