"""The AI data ledger for workspace admins: a paginated list and a CSV export.

HTTP in/out only: validate filters -> ai.ledger selectors -> serialize."""

from __future__ import annotations

from typing import Any

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.request import Request
from rest_framework.response import Response

from ai.ledger import CSV_COLUMNS, ledger_csv, ledger_entries
from ai.models import AILedgerEntry
from ai.models.ledger import LedgerOutcome
from tenants.api.base import WorkspaceAPIView
from tenants.models import Role


class LedgerFilter(serializers.Serializer):
    feature = serializers.ChoiceField(
        ["suggestions", "summary", "translation", "agent", "key_check"], required=False
    )
    outcome = serializers.ChoiceField(LedgerOutcome.choices, required=False)
    since = serializers.DateTimeField(required=False)
    until = serializers.DateTimeField(required=False)


class LedgerOut(serializers.ModelSerializer):
    class Meta:
        model = AILedgerEntry
        fields = ["id", *CSV_COLUMNS]
        read_only_fields = fields


def _filters(request: Request) -> dict[str, Any]:
    serializer = LedgerFilter(data=request.query_params)
    serializer.is_valid(raise_exception=True)
    return dict(serializer.validated_data)


class LedgerListView(WorkspaceAPIView):
    roles = {"GET": Role.ADMIN}

    @extend_schema(
        parameters=[LedgerFilter],
        responses=LedgerOut(many=True),
        summary="What left the building: one row per AI provider call (admin)",
    )
    def get(self, request: Request, workspace_slug: str) -> Response:
        paginator = LimitOffsetPagination()
        page = paginator.paginate_queryset(ledger_entries(**_filters(request)), request, self)
        return paginator.get_paginated_response(LedgerOut(page, many=True).data)


class LedgerExportView(WorkspaceAPIView):
    roles = {"GET": Role.ADMIN}

    @extend_schema(
        parameters=[LedgerFilter],
        responses={(200, "text/csv"): str},
        summary="The AI data ledger as CSV (admin)",
    )
    def get(self, request: Request, workspace_slug: str) -> StreamingHttpResponse:
        # Rows are read now, inside the workspace scope the view holds (a lazy queryset would
        # be evaluated after the scope closed).
        rows = list(ledger_entries(**_filters(request))[:100_000])
        response = StreamingHttpResponse(ledger_csv(rows), content_type="text/csv")
        stamp = timezone.now().strftime("%Y%m%d-%H%M")
        response["Content-Disposition"] = (
            f'attachment; filename="ai-ledger-{self.workspace.slug}-{stamp}.csv"'
        )
        return response
