"""Re-encrypt every BYOK provider key with the newest key in FIELD_ENCRYPTION_KEYS."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from tenants.keys import provider_keys_reencrypt


class Command(BaseCommand):
    help = (
        "Re-encrypt stored BYOK provider keys with the first FIELD_ENCRYPTION_KEYS key. "
        "Prepend the new key, deploy, run this, then remove the old key."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        count = provider_keys_reencrypt()
        self.stdout.write(f"Re-encrypted {count} provider key(s) with the newest key.")
