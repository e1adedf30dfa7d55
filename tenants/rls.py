"""PostgreSQL row-level security for tenant-owned tables, as a migration operation.

Policies read transaction-local settings bound by ``tenants.scope``. ``current_setting(..., true)``
returns '' (not NULL) once a local setting has ended, hence NULLIF before the cast. FORCE makes the
table owner subject to the policies too, so no application role bypasses them.
"""

from __future__ import annotations

from typing import Any

from django.db import migrations

WORKSPACE_EXPR = "workspace_id = NULLIF(current_setting('app.workspace_id', true), '')::bigint"
PLATFORM_EXPR = "current_setting('app.platform', true) = 'on'"
TENANT_POLICY = f"({PLATFORM_EXPR}) OR ({WORKSPACE_EXPR})"


class EnableRowLevelSecurity(migrations.operations.base.Operation):
    """Enable + force RLS on a tenant table with the workspace isolation policy.

    ``extra_read_policy`` adds a permissive SELECT-only policy (e.g. a user's own memberships).
    """

    reversible = True
    reduces_to_sql = True

    def __init__(self, model_name: str, extra_read_policy: str | None = None) -> None:
        self.model_name = model_name
        self.extra_read_policy = extra_read_policy

    def state_forwards(self, app_label: str, state: Any) -> None:
        pass

    def _table(self, app_label: str, state: Any) -> str:
        model = state.apps.get_model(app_label, self.model_name)
        return str(model._meta.db_table)

    def database_forwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        table = schema_editor.quote_name(self._table(app_label, to_state))
        statements = [
            f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
            f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY",
            f"CREATE POLICY tenant_isolation ON {table} USING ({TENANT_POLICY}) "
            f"WITH CHECK ({TENANT_POLICY})",
        ]
        if self.extra_read_policy:
            statements.append(
                f"CREATE POLICY tenant_extra_read ON {table} FOR SELECT "
                f"USING ({self.extra_read_policy})"
            )
        for statement in statements:
            schema_editor.execute(statement)

    def database_backwards(
        self, app_label: str, schema_editor: Any, from_state: Any, to_state: Any
    ) -> None:
        table = schema_editor.quote_name(self._table(app_label, from_state))
        schema_editor.execute(f"DROP POLICY IF EXISTS tenant_extra_read ON {table}")
        schema_editor.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
        schema_editor.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        schema_editor.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")

    def describe(self) -> str:
        return f"Enable row-level security on {self.model_name}"

    def deconstruct(self) -> tuple[str, list[Any], dict[str, Any]]:
        kwargs: dict[str, Any] = {"model_name": self.model_name}
        if self.extra_read_policy:
            kwargs["extra_read_policy"] = self.extra_read_policy
        return (self.__class__.__qualname__, [], kwargs)


OWN_MEMBERSHIPS = "user_id = NULLIF(current_setting('app.user_id', true), '')::bigint"
