"""The embedded backend: one read-only DuckDB file per table version (see docs/adr/0009-datastore.md).

Files are written once by the ingest (a staged file is renamed into place) and then only read, so any
number of web and worker processes can read them while new versions are written next to them. The
full-text index is a second file (``<version>.text.duckdb``), built after the table is queryable.
"""

from __future__ import annotations

import os
import threading
from collections import OrderedDict
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

import duckdb
from django.conf import settings

from openingup.core.errors import InvalidInput
from openingup.datastore import sqlbuild
from openingup.datastore.backends.base import Page, SqlResult, TableRef, assemble, register
from openingup.datastore.ingest.pipeline import Staged
from openingup.datastore.query import Query
from openingup.datastore.sql_guard import check_select

TOKENS = r"[^\p{L}\p{N}]+"
_TEXT = "rowid IN (SELECT r FROM ti.tokens WHERE tok = {p})"
PLAIN = sqlbuild.Dialect("duckdb", "?", "(rowid + 1)", "", id_key="rowid", id_offset=1, ordered_scan=True)
INDEXED = sqlbuild.Dialect(
    "duckdb", "?", "(rowid + 1)", _TEXT, id_key="rowid", id_offset=1, ordered_scan=True
)
BATCH = 10_000


def _lockdown(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


class DuckDBBackend:
    name = "duckdb"

    def __init__(self, root: Path | None = None) -> None:
        self._root = Path(root) if root else None
        self._cons: OrderedDict[tuple[str, bool], duckdb.DuckDBPyConnection] = OrderedDict()
        self._lock = threading.Lock()

    # -- files ---------------------------------------------------------------------------------
    @property
    def root(self) -> Path:
        return self._root or Path(settings.DATASTORE_DIR)

    def path(self, location: str) -> Path:
        return self.root / location

    def store(self, staged: Staged, table_id: str) -> str:
        self.root.mkdir(parents=True, exist_ok=True)
        location = f"{table_id}.duckdb"
        con = duckdb.connect(str(staged.path))
        visible = ", ".join(sqlbuild.quote(f["name"]) for f in staged.fields)
        con.execute(
            f"CREATE VIEW rows AS SELECT rowid + 1 AS _id{', ' if visible else ''}{visible} FROM data"
        )
        con.close()
        os.replace(staged.path, self.path(location))
        return location

    def build_text_index(self, table: TableRef) -> None:
        strings = [sqlbuild.quote(f["name"]) for f in table.fields if f["type"] == "string"]
        target = self.path(table.location + ".text")
        tmp = target.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        con = duckdb.connect(str(tmp), config={"preserve_insertion_order": False})
        try:
            con.execute("ATTACH ? AS src (READ_ONLY)", [str(self.path(table.location))])
            if strings:
                text = "concat_ws(' ', " + ", ".join(f"src.data.{s}" for s in strings) + ")"
                con.execute(
                    # Sorted by token so a lookup reads one zone of the file; repeated (token, row)
                    # pairs are harmless to ``rowid IN (…)`` and cheaper to keep than to remove.
                    f"CREATE TABLE tokens AS SELECT tok, r FROM (SELECT "
                    f"unnest(string_split_regex(lower({text}), '{TOKENS}')) AS tok, src.data.rowid AS r "
                    f"FROM src.data) WHERE tok <> '' ORDER BY tok"
                )
            else:
                con.execute("CREATE TABLE tokens (tok VARCHAR, r BIGINT)")
            con.execute("DETACH src")
        finally:
            con.close()
        os.replace(tmp, target)

    def drop(self, table: TableRef) -> None:
        with self._lock:
            for key in [k for k in self._cons if k[0] == table.location]:
                self._cons.pop(key).close()
        for suffix in ("", ".text"):
            self.path(table.location + suffix).unlink(missing_ok=True)

    # -- reading -------------------------------------------------------------------------------
    def _cursor(self, table: TableRef) -> duckdb.DuckDBPyConnection:
        """A cursor on the table's file (and its text index when built).

        Each cached connection is its own in-memory DuckDB instance that attaches the files read-only:
        DuckDB shares one instance per path within a process, so opening the path directly would tie
        every reader to the first one's (locked) configuration and attachments.
        """
        indexed = bool(table.text_index) and self.path(table.location + ".text").exists()
        key = (table.location, indexed)
        with self._lock:
            con = self._cons.get(key)
            if con is None:
                path = self.path(table.location)
                if not path.exists():
                    raise FileNotFoundError(path)
                con = duckdb.connect(":memory:")
                con.execute("ATTACH ? AS d (READ_ONLY)", [str(path)])
                if indexed:
                    con.execute("ATTACH ? AS ti (READ_ONLY)", [str(self.path(table.location + ".text"))])
                    stale = self._cons.pop((table.location, False), None)
                    if stale is not None:
                        stale.close()
                _lockdown(con)
                self._cons[key] = con
                while len(self._cons) > 64:
                    self._cons.popitem(last=False)[1].close()
            else:
                self._cons.move_to_end(key)
            return con.cursor()

    def _dialect(self, table: TableRef) -> sqlbuild.Dialect:
        return INDEXED if table.text_index else PLAIN

    def _source(self, table: TableRef) -> sqlbuild.Source:
        return sqlbuild.Source("d.main.data", table.fields, table.geometry)

    def rows(self, table: TableRef, query: Query, *, extra: Sequence[str] = ()) -> Page:
        sql, names, keys = sqlbuild.rows(self._dialect(table), self._source(table), query, extra=extra)
        with self._cursor(table) as cur:
            raw = cur.execute(sql.text, sql.params).fetchall()
        return assemble(raw, query.limit, names, extra, keys)

    def count(self, table: TableRef, query: Query) -> int:
        sql = sqlbuild.count(self._dialect(table), self._source(table), query)
        with self._cursor(table) as cur:
            row = cur.execute(sql.text, sql.params).fetchone()
        return int(row[0]) if row else 0

    def facets(self, table: TableRef, query: Query) -> dict[str, list[tuple[Any, int]]]:
        out: dict[str, list[tuple[Any, int]]] = {}
        with self._cursor(table) as cur:
            for name in query.facets:
                sql = sqlbuild.facet(self._dialect(table), self._source(table), query, name)
                out[name] = [(v, int(n)) for v, n in cur.execute(sql.text, sql.params).fetchall()]
        return out

    def group(self, table: TableRef, query: Query) -> Page:
        sql, outputs = sqlbuild.group(self._dialect(table), self._source(table), query)
        with self._cursor(table) as cur:
            raw = cur.execute(sql.text, sql.params).fetchall()
        return Page(outputs, raw[: query.limit], None, len(raw) > query.limit)

    def stream(
        self, table: TableRef, query: Query, *, extra: Sequence[str] = ()
    ) -> Iterator[list[tuple[Any, ...]]]:
        sql, width = sqlbuild.stream(self._dialect(table), self._source(table), query, extra=extra)
        cur = self._cursor(table)
        try:
            result = cur.execute(sql.text, sql.params)
            while batch := result.fetchmany(BATCH):
                yield [r[:width] for r in batch]
        finally:
            cur.close()

    def sql(self, sql: str, tables: Mapping[str, TableRef], *, max_rows: int, timeout_ms: int) -> SqlResult:
        con = duckdb.connect()
        try:
            mapping = {}
            for i, (name, table) in enumerate(tables.items()):
                con.execute(f"ATTACH ? AS t{i} (READ_ONLY)", [str(self.path(table.location))])
                mapping[name] = f"t{i}.main.rows"
            _lockdown(con)
            checked = check_select(sql, mapping, dialect="duckdb")
            timer = threading.Timer(timeout_ms / 1000, con.interrupt)
            timer.start()
            try:
                result = con.execute(checked)
                columns = [d[0] for d in result.description or []]
                types = [str(d[1]) for d in result.description or []]
                raw = result.fetchmany(max_rows + 1)
            except duckdb.InterruptException as exc:
                raise InvalidInput(f"The query took longer than {timeout_ms} ms and was stopped.") from exc
            except duckdb.Error as exc:
                raise InvalidInput(f"The query failed: {str(exc).splitlines()[0]}") from exc
            finally:
                timer.cancel()
            return SqlResult(columns, types, raw[:max_rows], len(raw) > max_rows)
        finally:
            con.close()


register("duckdb", DuckDBBackend)
