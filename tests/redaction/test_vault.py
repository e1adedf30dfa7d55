"""Vaults: encrypted at rest in Redis with a TTL, scoped to the bound workspace, and shown only
to the people allowed to see each value."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import override_settings

from redaction import vault as vault_module
from redaction.pseudonymize import REDACTED_MARK
from redaction.vault import ConversationVault, Viewer
from tenants.scope import WorkspaceNotBound, workspace_scope
from tests.factories import WorkspaceFactory

pytestmark = pytest.mark.django_db


def test_vault_is_encrypted_at_rest_and_expires() -> None:
    ws = WorkspaceFactory()
    with workspace_scope(ws.pk):
        vault = ConversationVault(7)
        vault.save(
            {"<PERSON_1>": "Zebedee Quillfeather"}, types={"<PERSON_1>": "PERSON"}, source="visitor"
        )
        raw = vault_module._redis().get(vault.key)
        ttl = vault_module._redis().ttl(vault.key)
    assert raw is not None and b"Zebedee" not in raw
    assert 0 < ttl <= settings.REDACTION_VAULT_TTL_SECONDS


def test_operator_sees_everything_visitor_only_their_own() -> None:
    ws = WorkspaceFactory()
    with workspace_scope(ws.pk):
        vault = ConversationVault(8)
        vault.save({"<PERSON_1>": "Zed Visitor"}, types={"<PERSON_1>": "PERSON"}, source="visitor")
        vault.save(
            {"<PERSON_2>": "Olga Operator"}, types={"<PERSON_2>": "PERSON"}, source="operator"
        )
        text = "<PERSON_1> spoke to <PERSON_2> about <PERSON_9>"
        assert vault.rehydrate_for(Viewer("operator"), text) == (
            f"Zed Visitor spoke to Olga Operator about {REDACTED_MARK}"
        )
        assert vault.rehydrate_for(Viewer("visitor"), text) == (
            f"Zed Visitor spoke to {REDACTED_MARK} about {REDACTED_MARK}"
        )


def test_saving_never_overwrites_an_existing_placeholder() -> None:
    ws = WorkspaceFactory()
    with workspace_scope(ws.pk):
        vault = ConversationVault(9)
        vault.save({"<PERSON_1>": "First"}, types={}, source="visitor")
        vault.save({"<PERSON_1>": "Impostor"}, types={}, source="operator")
        assert vault.load()["<PERSON_1>"].value == "First"
        assert vault.pseudonymizer().placeholder("PERSON", "New") == "<PERSON_2>"


def test_another_workspace_cannot_reach_the_vault() -> None:
    ws_a, ws_b = WorkspaceFactory(), WorkspaceFactory()
    with workspace_scope(ws_a.pk):
        ConversationVault(10).save({"<PERSON_1>": "Secret"}, types={}, source="visitor")
    with workspace_scope(ws_b.pk):
        assert ConversationVault(10).load() == {}
        assert (
            ConversationVault(10).rehydrate_for(Viewer("operator"), "<PERSON_1>") == REDACTED_MARK
        )
    with pytest.raises(WorkspaceNotBound):
        ConversationVault(10)


def test_key_rotation_still_reads_old_vaults() -> None:
    from cryptography.fernet import Fernet

    ws = WorkspaceFactory()
    old_keys = list(settings.FIELD_ENCRYPTION_KEYS)
    with workspace_scope(ws.pk):
        ConversationVault(11).save({"<PERSON_1>": "Kept"}, types={}, source="visitor")
        with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode(), *old_keys]):
            assert ConversationVault(11).load()["<PERSON_1>"].value == "Kept"
        with override_settings(FIELD_ENCRYPTION_KEYS=[Fernet.generate_key().decode()]):
            # A vault nobody can decrypt any more reads as empty, never as garbage.
            assert ConversationVault(11).load() == {}
