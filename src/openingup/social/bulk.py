"""Plain multi-row inserts for large imports, below the ORM.

``Model.objects.bulk_create`` spends most of an import's database time building SQL: it prepares every
value of every row through the field classes and writes one statement per few dozen rows (SQLite's
parameter limit). An archive import of a million messages inserts rows of three known tables, so it
builds each row as a tuple of database values itself (:class:`Adapt`) and hands a batch to the driver at
once (:class:`Table`): ``executemany`` of one single-row statement on SQLite, ``COPY`` on PostgreSQL.

The rows bypass ``Model.save`` and signals, as ``bulk_create`` does. Every column of the table must be
given (:class:`Table` refuses a column list that misses one), so a field added to a model later cannot be
silently left without its default.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Collection, Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from django.db import connection, models

_CANONICAL = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def dumps(value: Any) -> str:
    """JSON text of a value for a JSON column, in the canonical form the archive hashes (sorted keys, no
    spaces, UTF-8 as is): ``json.dumps`` with those options, without building an encoder each time."""
    return _CANONICAL.encode(value)


class Adapt:
    """Database values of the current connection: datetimes, UUIDs; JSON columns take :func:`dumps`."""

    def __init__(self) -> None:
        self.ops = connection.ops
        self.native_uuid = connection.features.has_native_uuid_field
        # SQLite keeps datetimes as text in UTC (the connection's zone with USE_TZ), as Django writes them.
        self.as_text = connection.vendor == "sqlite" and str(getattr(connection, "timezone", "")) == "UTC"

    def when(self, value: datetime | None) -> Any:
        if value is None:
            return None
        if self.as_text and value.tzinfo is not None:
            return str(value.astimezone(UTC).replace(tzinfo=None))  # adapt_datetimefield_value, faster
        return self.ops.adapt_datetimefield_value(value)

    def uuid(self, value: uuid.UUID) -> Any:
        return value if self.native_uuid else value.hex


class Table:
    """Inserts of whole rows into one model's table: ``columns`` are field names (the primary key left out
    when the database numbers it), each row a tuple of database values in that order."""

    def __init__(self, model: type[models.Model], columns: Sequence[str], *, with_key: bool = False) -> None:
        meta = model._meta
        fields = [field for field in map(meta.get_field, columns) if isinstance(field, models.Field)]
        expected = {f.name for f in meta.concrete_fields if with_key or not f.primary_key}
        given = {f.name for f in fields}
        if given != expected:
            raise ValueError(
                f"{meta.db_table}: the columns given miss {sorted(expected - given)} "
                f"and name {sorted(given - expected)} that are not its columns"
            )
        quote = connection.ops.quote_name
        json_cast = "::jsonb" if connection.vendor == "postgresql" else ""
        marks = ", ".join(
            f"%s{json_cast}" if isinstance(f, models.JSONField) else "%s"
            for f in fields  # JSON columns get text (see dumps), which PostgreSQL casts
        )
        names = ", ".join(quote(str(f.column)) for f in fields)
        # Names from the model's own metadata, quoted; every value is a parameter (or COPY data).
        self.sql = f"INSERT INTO {quote(meta.db_table)} ({names}) VALUES ({marks})"  # noqa: S608
        self.copy = f"COPY {quote(meta.db_table)} ({names}) FROM STDIN"

    def insert(self, rows: Iterable[tuple[Any, ...]]) -> None:
        """SQLite: ``executemany`` (a loop in C over one prepared statement); PostgreSQL: ``COPY``, the
        rows streamed in one command instead of a statement (and its parsing) each."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                # The driver's own cursor: its errors become Django's (IntegrityError and the like) here.
                with connection.wrap_database_errors, cursor.cursor.copy(self.copy) as copy:
                    for row in rows:
                        copy.write_row(row)
            else:
                cursor.executemany(self.sql, list(rows))


def select_in(
    model: type[models.Model],
    columns: Sequence[str],
    equal: dict[str, Any],
    field: str,
    values: Collection[Any],
) -> list[tuple[Any, ...]]:
    """The ``columns`` of the rows whose ``field`` is one of ``values`` and whose other fields equal
    ``equal`` (database values, as :class:`Adapt` gives them): one query, without the ORM's work per value
    (a batch asks about a few thousand external ids at a time)."""
    if not values:
        return []
    meta, quote = model._meta, connection.ops.quote_name

    def column(name: str) -> str:
        found = meta.get_field(name)
        return quote(str(found.column if isinstance(found, models.Field) else name))

    conditions = [f"{column(name)} = %s" for name in equal]
    conditions.append(f"{column(field)} IN ({', '.join(['%s'] * len(values))})")
    sql = (  # names from the model's own metadata, quoted; every value is a parameter
        f"SELECT {', '.join(map(column, columns))} FROM {quote(meta.db_table)} "  # noqa: S608
        f"WHERE {' AND '.join(conditions)}"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [*equal.values(), *values])
        return list(cursor.fetchall())
