"""Signed visitor tokens, identity HMACs and the encryption of per-brand identity secrets.

A visitor token is Django-signed (salted for this purpose only) and names the workspace, brand
and visitor; it is a bearer credential kept by the widget in localStorage, never in a URL.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core import signing

VISITOR_TOKEN_SALT = "supportdesk.chat.visitor-token.v1"  # noqa: S105 (a salt, not a secret)
VISITOR_TOKEN_MAX_AGE = 180 * 24 * 3600
TOKEN_MAX_LENGTH = 1000


@dataclass(frozen=True)
class VisitorClaims:
    workspace_id: int
    brand_id: int
    visitor_id: int


def visitor_token_issue(*, workspace_id: int, brand_id: int, visitor_id: int) -> str:
    return signing.dumps(
        {"w": workspace_id, "b": brand_id, "v": visitor_id}, salt=VISITOR_TOKEN_SALT
    )


def visitor_token_read(token: object) -> VisitorClaims | None:
    """The claims of a valid, unexpired token; None for anything else (never raises)."""
    if not isinstance(token, str) or not token or len(token) > TOKEN_MAX_LENGTH:
        return None
    try:
        data = signing.loads(token, salt=VISITOR_TOKEN_SALT, max_age=VISITOR_TOKEN_MAX_AGE)
    except (signing.BadSignature, ValueError, TypeError):
        return None
    if not isinstance(data, dict):
        return None
    values = [data.get(key) for key in ("w", "b", "v")]
    if not all(isinstance(v, int) and not isinstance(v, bool) and v > 0 for v in values):
        return None
    return VisitorClaims(*values)  # type: ignore[arg-type]


def identity_hmac(*, secret: str, user_id: str) -> str:
    """What the website computes server-side: hex HMAC-SHA256 of its user id."""
    return hmac.new(secret.encode(), user_id.encode(), hashlib.sha256).hexdigest()


def identity_valid(*, secret: str, user_id: str, given: str) -> bool:
    expected = identity_hmac(secret=secret, user_id=user_id)
    return hmac.compare_digest(expected, given.strip().lower())


def new_identity_secret() -> str:
    return "ids_" + secrets.token_urlsafe(32)


def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise RuntimeError("FIELD_ENCRYPTION_KEYS is empty: secrets cannot be stored.")
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


def secret_encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def secret_decrypt(encrypted: str) -> str:
    try:
        return _fernet().decrypt(encrypted.encode()).decode()
    except InvalidToken:
        raise RuntimeError(
            "An identity secret cannot be decrypted with the current keys."
        ) from None
