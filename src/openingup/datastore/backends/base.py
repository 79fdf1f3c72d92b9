"""The datastore backend interface and its registry (DuckDB files by default, PostgreSQL for servers)."""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from openingup.datastore.ingest.pipeline import Staged
from openingup.datastore.query import Query


@dataclass
class Page:
    columns: list[str]
    rows: list[tuple[Any, ...]]
    next_cursor: list[Any] | None = None  # sort-key values of the last row when more rows follow
    has_more: bool = False
    extra: list[str] = field(default_factory=list)  # hidden columns appended to each row


@dataclass
class SqlResult:
    columns: list[str]
    types: list[str]
    rows: list[tuple[Any, ...]]
    truncated: bool


class TableRef(Protocol):
    """What a backend needs of a stored table version (the Table model satisfies it)."""

    id: Any
    location: str
    fields: list[dict[str, Any]]
    geometry: dict[str, Any]
    text_index: bool


class Backend(Protocol):
    name: str

    def store(self, staged: Staged, table_id: str) -> str:
        """Make the staged DuckDB file queryable; returns the location. Must not touch other versions."""

    def build_text_index(self, table: TableRef) -> None: ...

    def rows(self, table: TableRef, query: Query, *, extra: Sequence[str] = ()) -> Page: ...

    def count(self, table: TableRef, query: Query) -> int: ...

    def facets(self, table: TableRef, query: Query) -> dict[str, list[tuple[Any, int]]]: ...

    def group(self, table: TableRef, query: Query) -> Page: ...

    def stream(
        self, table: TableRef, query: Query, *, extra: Sequence[str] = ()
    ) -> Iterator[list[tuple[Any, ...]]]:
        """All rows matching the query (no limit) in batches, in _id order, columns as rows() gives."""

    def sql(
        self, sql: str, tables: Mapping[str, TableRef], *, max_rows: int, timeout_ms: int
    ) -> SqlResult: ...

    def drop(self, table: TableRef) -> None: ...


_registry: dict[str, type] = {}


def register(name: str, cls: type) -> None:
    _registry[name] = cls


def registered() -> dict[str, type]:
    return dict(_registry)


def assemble(
    raw: list[tuple[Any, ...]], limit: int, names: list[str], extra: Sequence[str], keys: list[str]
) -> Page:
    """A Page from a query made by :func:`openingup.datastore.sqlbuild.rows` (LIMIT n+1, keys last)."""
    width = len(names) + len(extra)
    has_more = len(raw) > limit
    raw = raw[:limit]
    cursor = list(raw[-1][width:]) if has_more and raw else None
    return Page(names, [r[:width] for r in raw], cursor, has_more, list(extra))
