"""Per-conversation placeholder vaults: encrypted at rest (MultiFernet over FIELD_ENCRYPTION_KEYS),
kept in Redis with a TTL (ephemeral processing), keyed by the bound workspace.

Who may see what (``rehydrate_for``): an operator of the conversation's workspace sees every
original; a visitor sees only the values that came from their own messages. Everything else,
and every placeholder the model invented or mangled, reads "[redacted]"."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from functools import lru_cache
from typing import Literal

import redis
from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from redaction.pseudonymize import Pseudonymizer, rehydrate
from supportdesk.settings.env import redis_location
from tenants.scope import current_workspace_id

Source = Literal["visitor", "operator", "system"]


@dataclass(frozen=True)
class VaultEntry:
    value: str
    type: str
    source: Source


@dataclass(frozen=True)
class Viewer:
    kind: Literal["operator", "visitor"]


def fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty: vaults cannot be encrypted.")
    return MultiFernet([Fernet(key.encode() if isinstance(key, str) else key) for key in keys])


@lru_cache(maxsize=4)
def _client(url: str) -> redis.Redis:
    return redis.Redis.from_url(url, socket_timeout=5)


def _redis() -> redis.Redis:
    return _client(redis_location(settings.REDIS_URL, settings.REDIS_DB_CACHE))


class ConversationVault:
    """Runs inside the workspace scope: the key is built from the bound workspace, so a vault is
    unreachable from any other workspace."""

    def __init__(self, conversation_id: int | str) -> None:
        self.key = f"sd:vault:{current_workspace_id()}:{conversation_id}"

    def load(self) -> dict[str, VaultEntry]:
        blob = _redis().get(self.key)
        if blob is None:
            return {}
        try:
            raw = json.loads(fernet().decrypt(blob))
        except (InvalidToken, ValueError):
            return {}
        return {placeholder: VaultEntry(**entry) for placeholder, entry in raw.items()}

    def pseudonymizer(self) -> Pseudonymizer:
        """A pseudonymizer continuing this conversation's numbering."""
        return Pseudonymizer({p: e.value for p, e in self.load().items()})

    def save(self, mapping: dict[str, str], *, types: dict[str, str], source: Source) -> None:
        """Merge new placeholders (never overwriting earlier ones) and refresh the TTL."""
        client = _redis()
        with client.pipeline() as pipe:
            while True:
                try:
                    pipe.watch(self.key)
                    entries = self.load()
                    for placeholder, value in mapping.items():
                        entries.setdefault(
                            placeholder,
                            VaultEntry(value=value, type=types.get(placeholder, ""), source=source),
                        )
                    payload = fernet().encrypt(
                        json.dumps({p: asdict(e) for p, e in entries.items()}).encode()
                    )
                    pipe.multi()
                    pipe.set(self.key, payload, ex=settings.REDACTION_VAULT_TTL_SECONDS)
                    pipe.execute()
                    return
                except redis.WatchError:
                    continue

    def rehydrate_for(self, viewer: Viewer, text: str) -> str:
        entries = self.load()
        mapping = {p: e.value for p, e in entries.items()}
        if viewer.kind == "operator":
            return rehydrate(text, mapping)
        return rehydrate(text, mapping, allowed=lambda p: entries[p].source == "visitor")

    def destroy(self) -> None:
        _redis().delete(self.key)
