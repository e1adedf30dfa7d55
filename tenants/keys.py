"""BYOK provider keys: encrypted at rest with MultiFernet (``settings.FIELD_ENCRYPTION_KEYS``,
newest first), shown only as their last 4 characters, decrypted per call by the router.

A key's plaintext exists only inside ``provider_key_save`` (to validate and encrypt it) and
inside ``provider_key_plaintext`` (called by the router for one provider call). It is never
logged, never put in an exception message, an API response or a Celery argument.
"""

from __future__ import annotations

import logging

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.utils import timezone

from .ai_models import KeyStatus, ProviderKey, ProviderKind
from .errors import Forbidden, ServiceError
from .models import Workspace
from .scope import platform_scope

logger = logging.getLogger(__name__)

MIN_KEY_LENGTH = 8
MAX_KEY_LENGTH = 4096


class KeyRejected(ServiceError):
    """The provider refused the key when we validated it (nothing was saved)."""

    status = 400
    code = "key_rejected"


def _fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS is empty: provider keys cannot be stored."
        )
    return MultiFernet([Fernet(k.encode() if isinstance(k, str) else k) for k in keys])


def encrypt(plain: str) -> str:
    return _fernet().encrypt(plain.encode()).decode()


def decrypt(token: str) -> str:
    try:
        return _fernet().decrypt(token.encode()).decode()
    except InvalidToken:
        # Says which configuration is wrong, never anything about the key.
        raise ImproperlyConfigured(
            "A stored provider key cannot be decrypted with FIELD_ENCRYPTION_KEYS "
            "(a retired encryption key was removed before provider_keys_reencrypt ran)."
        ) from None


def mask(last4: str) -> str:
    return f"••••{last4}"


def provider_key_plaintext(key: ProviderKey) -> str:
    """For the router only, for one call. Runs inside the workspace scope."""
    return decrypt(key.encrypted_key)


def provider_key_save(*, workspace: Workspace, provider: str, key: str) -> ProviderKey:
    """Validate ``key`` with a cheap call through the router's client code, then store it
    encrypted. Enterprise plan only. Runs inside the workspace scope (the API view binds it)."""
    if not workspace.byok_allowed:
        raise Forbidden(
            "Bring your own key is part of the Enterprise plan.", code="byok_not_in_plan"
        )
    if provider not in ProviderKind.values:
        raise ServiceError("Unknown provider.", code="invalid", details={"provider": provider})
    key = key.strip()
    if not (MIN_KEY_LENGTH <= len(key) <= MAX_KEY_LENGTH) or any(c.isspace() for c in key):
        raise ServiceError(
            "That does not look like an API key: paste the whole key, without spaces.",
            code="invalid",
        )
    from ai.router import validate_key  # the router's own client code; lazy (ai imports tenants)

    problem = validate_key(provider=provider, key=key)
    if problem:
        raise KeyRejected(f"The key was not saved: {problem}")
    now = timezone.now()
    row, _ = ProviderKey.objects.update_or_create(
        provider=provider,
        defaults={
            "workspace_id": workspace.pk,
            "encrypted_key": encrypt(key),
            "last4": key[-4:],
            "status": KeyStatus.ACTIVE,
            "status_reason": "",
            "status_changed_at": now,
            "validated_at": now,
        },
    )
    logger.info("BYOK key saved: workspace=%s provider=%s", workspace.pk, provider)
    return row


def provider_key_delete(*, provider: str) -> bool:
    """Runs inside the workspace scope."""
    deleted, _ = ProviderKey.objects.filter(provider=provider).delete()
    return bool(deleted)


def provider_key_reject(*, provider: str, status: int | None, endpoint: str) -> None:
    """The provider refused the workspace's key (401/403): disable it and say why, for the admin.

    Runs inside the workspace scope (the router's)."""
    reason = (
        f"The provider refused this key (HTTP {status or '401/403'}) on endpoint {endpoint} at "
        f"{timezone.now():%Y-%m-%d %H:%M} UTC. Endpoints using it are off until you save a "
        "valid key."
    )
    updated = ProviderKey.objects.filter(provider=provider, status=KeyStatus.ACTIVE).update(
        status=KeyStatus.REJECTED, status_reason=reason, status_changed_at=timezone.now()
    )
    if updated:
        logger.warning("BYOK key disabled after HTTP %s: provider=%s", status, provider)


def provider_keys_reencrypt() -> int:
    """Re-encrypt every stored key with the newest FIELD_ENCRYPTION_KEYS key (MultiFernet.rotate).

    A platform job: prepend a new key to FIELD_ENCRYPTION_KEYS, deploy, run this, then retire
    the old key. Returns the number of keys rewritten."""
    fernet = _fernet()
    count = 0
    with platform_scope("re-encrypt BYOK provider keys with the newest encryption key"):
        for row in ProviderKey.objects.unscoped().select_for_update().order_by("pk"):
            try:
                rotated = fernet.rotate(row.encrypted_key.encode()).decode()
            except InvalidToken:
                raise ImproperlyConfigured(
                    f"Provider key #{row.pk} cannot be decrypted with FIELD_ENCRYPTION_KEYS."
                ) from None
            ProviderKey.objects.unscoped().filter(pk=row.pk).update(encrypted_key=rotated)
            count += 1
    return count
