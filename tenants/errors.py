"""Errors services raise; doors (API, views, consumers) turn them into answers."""

from __future__ import annotations

from typing import Any


class ServiceError(Exception):
    status = 400
    code = "invalid"

    def __init__(self, message: str, *, code: str | None = None, details: Any = None) -> None:
        super().__init__(message)
        self.message = message
        if code:
            self.code = code
        self.details = details or {}


class Forbidden(ServiceError):
    status = 403
    code = "forbidden"


class Conflict(ServiceError):
    status = 409
    code = "conflict"


class WorkspaceUnavailable(ServiceError):
    """The workspace is suspended (AI and widget) or terminated (everything)."""

    status = 403
    code = "workspace_suspended"
