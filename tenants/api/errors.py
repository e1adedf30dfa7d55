"""Every API error has one shape: {"error": {"code", "message", "details"}}. Never a stack trace,
never another tenant's data."""

from __future__ import annotations

import logging
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, status
from rest_framework.response import Response

from tenants.errors import ServiceError
from tenants.selectors import NotFound

logger = logging.getLogger(__name__)


class PayloadTooLarge(exceptions.APIException):
    status_code = status.HTTP_413_REQUEST_ENTITY_TOO_LARGE
    default_detail = "The request body is too large."
    default_code = "payload_too_large"


class WorkspaceNotFound(exceptions.NotFound):
    default_detail = "No such workspace, or you are not a member of it."
    default_code = "workspace_not_found"


class InsufficientRole(exceptions.PermissionDenied):
    default_detail = "Your role in this workspace does not allow this."
    default_code = "insufficient_role"


_CODES = {
    exceptions.ParseError: "malformed_body",
    exceptions.NotAuthenticated: "not_authenticated",
    exceptions.AuthenticationFailed: "authentication_failed",
    exceptions.NotFound: "not_found",
    exceptions.MethodNotAllowed: "method_not_allowed",
    exceptions.UnsupportedMediaType: "unsupported_media_type",
    exceptions.Throttled: "throttled",
    exceptions.ValidationError: "invalid",
    exceptions.PermissionDenied: "forbidden",
}


def error_response(status_code: int, code: str, message: str, details: Any = None) -> Response:
    return Response(
        {"error": {"code": code, "message": message, "details": details or {}}}, status=status_code
    )


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response:
    if isinstance(exc, ServiceError):
        return error_response(exc.status, exc.code, exc.message, exc.details)
    if isinstance(exc, NotFound):
        return error_response(404, "not_found", "Not found.")
    if isinstance(exc, Http404):
        exc = exceptions.NotFound("Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.APIException):
        code = _CODES.get(type(exc), exc.default_code)
        if isinstance(exc, exceptions.ValidationError):
            return error_response(
                exc.status_code, "invalid", "The request has invalid fields.", exc.detail
            )
        message = (
            str(exc.detail) if not isinstance(exc.detail, (list, dict)) else exc.default_detail
        )
        response = error_response(exc.status_code, str(code), str(message))
        wait = getattr(exc, "wait", None)
        if isinstance(exc, exceptions.Throttled) and wait:
            response["Retry-After"] = str(int(wait))
        return response
    logger.exception("unhandled API error", exc_info=exc)
    return error_response(
        500, "server_error", "Something went wrong on our side; nothing was changed."
    )
