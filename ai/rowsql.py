"""Model instances from hand-written SQL, for the two reads at the start of every AI task.

On the 2-core VM the ORM spends 2-7 ms building the SQL of a query with several joins and
subqueries (``SQLCompiler.as_sql``), every time, and the query itself takes 1-3 ms: the first
query of a visitor message's pipeline cost 10 ms of the 25 ms allowed between the message's
commit and the provider request (docs/benchmarks.md, "AI pipeline"). Here the SQL is written
once per process from the models' metadata and instances are built as the ORM builds them
(``Model.from_db`` after the fields' database converters), so callers get the same objects,
with their relations cached, as from ``select_related``.

Only reads, only inside the workspace scope: every statement filters on the bound workspace
itself (as the scoped managers do) and row-level security applies underneath.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import DEFAULT_DB_ALIAS, connections, models


@dataclass(frozen=True)
class Part:
    """One model's columns in a row: ``alias.column`` for each concrete field, in order."""

    model: type[models.Model]
    alias: str
    fields: tuple[models.Field[Any, Any], ...] = field(default=())

    @classmethod
    def of(cls, model: type[models.Model], alias: str) -> Part:
        return cls(model, alias, tuple(model._meta.concrete_fields))

    def columns(self) -> str:
        qn = connections[DEFAULT_DB_ALIAS].ops.quote_name
        return ", ".join(f"{self.alias}.{qn(str(f.column))}" for f in self.fields)

    def __len__(self) -> int:
        return len(self.fields)


Converter = Callable[[Any, Any, Any], Any]


class Reader:
    """Turns a row's slices into instances of ``parts``' models (None for a LEFT JOIN that
    found nothing), converting values as the ORM does."""

    def __init__(self, parts: Sequence[Part]) -> None:
        connection = connections[DEFAULT_DB_ALIAS]
        self.parts = tuple(parts)
        self.converters: list[list[list[tuple[Converter, Any]]]] = []
        for part in self.parts:
            per_field = []
            for f in part.fields:
                expression = f.get_col(part.alias)
                found = connection.ops.get_db_converters(expression) + f.get_db_converters(
                    connection
                )
                per_field.append([(c, expression) for c in found])
            self.converters.append(per_field)
        self.width = sum(len(p) for p in self.parts)

    def read(self, row: Sequence[Any]) -> list[models.Model | None]:
        connection = connections[DEFAULT_DB_ALIAS]
        out: list[models.Model | None] = []
        start = 0
        for part, converters in zip(self.parts, self.converters, strict=True):
            values = list(row[start : start + len(part)])
            start += len(part)
            pk_index = next(i for i, f in enumerate(part.fields) if f.primary_key)
            if values[pk_index] is None:
                out.append(None)
                continue
            for i, found in enumerate(converters):
                for convert, expression in found:
                    values[i] = convert(values[i], expression, connection)
            names = [f.attname for f in part.fields]
            out.append(part.model.from_db(DEFAULT_DB_ALIAS, names, values))
        return out


def fetch(sql: str, params: Sequence[Any]) -> list[tuple[Any, ...]]:
    """Rows of ``sql`` on the default connection (inside the caller's transaction)."""
    with connections[DEFAULT_DB_ALIAS].cursor() as cursor:
        cursor.execute(sql, params)
        return list(cursor.fetchall())
