"""The embedded backend: one read-only DuckDB file per table version (ADR 0009).

Files are written once by the ingest (a staged file is renamed into place) and then only read, so any
number of web and worker processes can read them while new versions are written next to them. The
full-text index is a second file (``<version>.duckdb.text``), built after the table is queryable.
"""

from __future__ import annotations

import contextlib
import logging
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

log = logging.getLogger(__name__)

TOKENS = r"[^\p{L}\p{N}]+"
MAX_TOKEN = 100  # query.tokens cuts longer words to this many characters; the index does the same
# The text index file (``<version>.duckdb.text``) holds ``postings(h, r)``: one row per token and row,
# sorted by h = DuckDB's hash() of the token (a token's rows in no set order: sorting them costs more
# than the tenth of the file it saves), so a lookup reads one zone of the file (a bound ``hash(?)`` is
# folded to a constant and pushed into the scan). ``meta`` records the layout and a hash
# of a known word: an index whose probe does not hash the same with the DuckDB reading it (another
# DuckDB version) is not used (search falls back to a scan) until it is rebuilt.
LAYOUT = "postings-hash-1"
PROBE = "openingup"
_TEXT = "rowid IN (SELECT r FROM ti.postings WHERE h = hash({p}))"
_TEXT_V1 = "rowid IN (SELECT r FROM ti.tokens WHERE tok = {p})"  # files built before the hash layout
PLAIN = sqlbuild.Dialect("duckdb", "?", "(rowid + 1)", "", id_key="rowid", id_offset=1, ordered_scan=True)
INDEXED = sqlbuild.Dialect(
    "duckdb", "?", "(rowid + 1)", _TEXT, id_key="rowid", id_offset=1, ordered_scan=True
)
INDEXED_V1 = sqlbuild.Dialect(
    "duckdb", "?", "(rowid + 1)", _TEXT_V1, id_key="rowid", id_offset=1, ordered_scan=True
)
BATCH = 10_000
# The index build spills to disk beyond this. A table of 10 M distinct words peaks at ~550 MiB RSS
# with it (~860 MiB at 700MB), at the same speed; the 1M-row bench file needs far less.
INDEX_MEMORY = "400MB"
# How the postings are built (see _write_postings): grouped by word while at most this share of the
# sampled words is distinct, else by sorting. Measured at the crossover: equal at one half (4 M rows of a
# unique code and a repeated word); grouped 2× faster at a tenth (the bench file with a unique code
# column), sorting 1.6× faster when every word is distinct.
GROUPED_UP_TO = 0.5
SAMPLE_WORDS = 100_000


def _index_dialect(con: duckdb.DuckDBPyConnection, location: str) -> sqlbuild.Dialect:
    """How to query the attached text index ``ti``: its layout, checked against this DuckDB's hash()."""
    tables = {
        r[0]
        for r in con.execute("SELECT table_name FROM duckdb_tables() WHERE database_name = 'ti'").fetchall()
    }
    if "meta" in tables:
        row = con.execute("SELECT layout, probe_hash = hash(probe) FROM ti.meta").fetchone()
        if row and row[0] == LAYOUT and row[1]:
            return INDEXED
        log.warning("text index of %s is of another layout or DuckDB version; searching by scan", location)
        return PLAIN
    return INDEXED_V1 if "tokens" in tables else PLAIN


def _lockdown(con: duckdb.DuckDBPyConnection) -> None:
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")


def _write_postings(con: duckdb.DuckDBPyConnection, words: str) -> None:
    """Fill ``postings`` from ``words``, a query of each row's words ``w`` with the row ``r``.

    Mostly repeated words (running text) are grouped into one list of rows per distinct word, a hash
    aggregate; the lists, ordered by their tokens' hashes (a sort of distinct words only), are unnested
    into the postings. Mostly distinct words (codes, identifiers) make as many lists as postings, where
    sorting the postings themselves is cheaper. The first words of the table decide.
    """
    sample = con.execute(
        f"SELECT count(DISTINCT w), count(*) FROM ({words} LIMIT {SAMPLE_WORDS})"
    ).fetchone() or (0, 0)

    def tokens(distinct: str) -> str:  # each distinct word's tokens, by hash
        return (
            f"SELECT w, hash(left(tok, {MAX_TOKEN})) AS h FROM (SELECT w, unnest(string_split_regex("
            f"lower(w), '{TOKENS}')) AS tok FROM {distinct}) WHERE tok <> ''"
        )

    if sample[0] <= GROUPED_UP_TO * sample[1]:
        con.execute(f"CREATE TEMP TABLE word_rows AS SELECT w, list(r) AS rs FROM ({words}) GROUP BY w")
        con.execute(
            f"CREATE TEMP TABLE token_rows AS SELECT h, rs FROM ({tokens('word_rows')}) "
            "JOIN word_rows USING (w) ORDER BY h"
        )
        con.execute("DROP TABLE word_rows")
        con.execute("INSERT INTO postings SELECT h, unnest(rs) FROM token_rows")
        con.execute("DROP TABLE token_rows")
    else:
        con.execute(f"CREATE TEMP TABLE words AS {tokens(f'(SELECT DISTINCT w FROM ({words}))')}")
        con.execute(f"INSERT INTO postings SELECT h, r FROM ({words}) JOIN words USING (w) ORDER BY h, r")
        con.execute("DROP TABLE words")


class DuckDBBackend:
    name = "duckdb"

    def __init__(self, root: Path | None = None) -> None:
        self._root = Path(root) if root else None
        # (location, inode of its text index or 0) → connection and the dialect its queries use
        self._cons: OrderedDict[tuple[str, int], tuple[duckdb.DuckDBPyConnection, sqlbuild.Dialect]] = (
            OrderedDict()
        )
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
        """Write the token → row postings of the table's string columns next to its file.

        Tokenising is the costly part, so it is done once per distinct word, not per row: the text is
        split on spaces (cheap), each distinct word is lower-cased and split into tokens by the regular
        expression (``[^\\p{L}\\p{N}]+``, as the query side does). Splitting on spaces first gives the
        same tokens as splitting the whole text by the expression, since a space is one of its
        separators. The postings come out sorted by token hash in one of two ways, by what a sample of
        the table's words says (see :data:`GROUPED_UP_TO`); both give the same postings.
        Their compression is named (runs of hashes, packed rows): DuckDB's analysis of every method
        costs more than the choice gains.
        """
        strings = [sqlbuild.quote(f["name"]) for f in table.fields if f["type"] == "string"]
        target = self.path(table.location + ".text")
        tmp = target.with_suffix(".tmp")
        tmp.unlink(missing_ok=True)
        # Ordered: the postings are inserted in hash order and must stay so.
        con = duckdb.connect(
            str(tmp), config={"preserve_insertion_order": True, "memory_limit": INDEX_MEMORY}
        )
        try:
            con.execute("ATTACH ? AS src (READ_ONLY)", [str(self.path(table.location))])
            rows = int((con.execute("SELECT count(*) FROM src.data").fetchone() or (0,))[0])
            r_type = "INTEGER" if rows < 2**31 else "BIGINT"
            con.execute(
                f"CREATE TABLE postings (h UBIGINT USING COMPRESSION rle, "
                f"r {r_type} USING COMPRESSION bitpacking)"
            )
            if strings:
                text = "concat_ws(' ', " + ", ".join(f"src.data.{s}" for s in strings) + ")"
                words = f"unnest(string_split({text}, ' ')) AS w"
                _write_postings(con, f"SELECT {words}, CAST(src.data.rowid AS {r_type}) AS r FROM src.data")
            con.execute(
                "CREATE TABLE meta AS SELECT ? AS layout, ? AS probe, hash(?) AS probe_hash",
                [LAYOUT, PROBE, PROBE],
            )
            con.execute("DETACH src")
        finally:
            con.close()
        os.replace(tmp, target)

    def drop(self, table: TableRef) -> None:
        with self._lock:
            for key in [k for k in self._cons if k[0] == table.location]:
                self._cons.pop(key)[0].close()
        for suffix in ("", ".text"):
            self.path(table.location + suffix).unlink(missing_ok=True)

    # -- reading -------------------------------------------------------------------------------
    def _connection(self, table: TableRef) -> tuple[duckdb.DuckDBPyConnection, sqlbuild.Dialect]:
        """The cached connection on the table's file (and its text index when built), with the dialect
        its queries use (the index's when it is attached and readable, else a scan).

        Each cached connection is its own in-memory DuckDB instance that attaches the files read-only:
        DuckDB shares one instance per path within a process, so opening the path directly would tie
        every reader to the first one's (locked) configuration and attachments.
        """
        # Keyed by the index file's inode too: a rebuilt index (``datastore reindex``) is a new file.
        index = 0
        if table.text_index:
            with contextlib.suppress(FileNotFoundError):
                index = self.path(table.location + ".text").stat().st_ino
        key = (table.location, index)
        with self._lock:
            cached = self._cons.get(key)
            if cached is None:
                path = self.path(table.location)
                if not path.exists():
                    raise FileNotFoundError(path)
                con = duckdb.connect(":memory:")
                con.execute("ATTACH ? AS d (READ_ONLY)", [str(path)])
                dialect = PLAIN
                if index:
                    con.execute("ATTACH ? AS ti (READ_ONLY)", [str(self.path(table.location + ".text"))])
                    dialect = _index_dialect(con, table.location)
                    for stale in [k for k in self._cons if k[0] == table.location]:
                        self._cons.pop(stale)[0].close()
                _lockdown(con)
                cached = self._cons[key] = (con, dialect)
                while len(self._cons) > 64:
                    self._cons.popitem(last=False)[1][0].close()
            else:
                self._cons.move_to_end(key)
            return cached

    def _open(self, table: TableRef) -> tuple[duckdb.DuckDBPyConnection, sqlbuild.Dialect]:
        """A cursor on the table and the dialect for it, from one look at its files (the two always
        agree, even when the text index is rebuilt meanwhile)."""
        con, dialect = self._connection(table)
        return con.cursor(), dialect if table.text_index else PLAIN

    def _source(self, table: TableRef) -> sqlbuild.Source:
        return sqlbuild.Source("d.main.data", table.fields, table.geometry)

    def rows(self, table: TableRef, query: Query, *, extra: Sequence[str] = ()) -> Page:
        cur, dialect = self._open(table)
        sql, names, keys = sqlbuild.rows(dialect, self._source(table), query, extra=extra)
        with cur:
            raw = cur.execute(sql.text, sql.params).fetchall()
        return assemble(raw, query.limit, names, extra, keys)

    def count(self, table: TableRef, query: Query) -> int:
        cur, dialect = self._open(table)
        if dialect is INDEXED and query.text and not query.filters and not query.bbox:
            # Words alone: the rows holding every token, counted in the index without touching the
            # table (every posting is a row of this immutable version).
            params: list[Any] = list(query.text)
            if len(params) == 1:
                text = "SELECT count(DISTINCT r) FROM ti.postings WHERE h = hash(?)"
            else:
                text = (
                    "SELECT count(*) FROM ("
                    + " INTERSECT ".join("SELECT r FROM ti.postings WHERE h = hash(?)" for _ in params)
                    + ")"
                )
        else:
            sql = sqlbuild.count(dialect, self._source(table), query)
            text, params = sql.text, sql.params
        with cur:
            row = cur.execute(text, params).fetchone()
        return int(row[0]) if row else 0

    def facets(self, table: TableRef, query: Query) -> dict[str, list[tuple[Any, int]]]:
        out: dict[str, list[tuple[Any, int]]] = {}
        cur, dialect = self._open(table)
        with cur:
            for name in query.facets:
                sql = sqlbuild.facet(dialect, self._source(table), query, name)
                out[name] = [(v, int(n)) for v, n in cur.execute(sql.text, sql.params).fetchall()]
        return out

    def group(self, table: TableRef, query: Query) -> Page:
        cur, dialect = self._open(table)
        sql, outputs = sqlbuild.group(dialect, self._source(table), query)
        with cur:
            raw = cur.execute(sql.text, sql.params).fetchall()
        return Page(outputs, raw[: query.limit], None, len(raw) > query.limit)

    def stream(
        self, table: TableRef, query: Query, *, extra: Sequence[str] = ()
    ) -> Iterator[list[tuple[Any, ...]]]:
        cur, dialect = self._open(table)
        try:
            sql, width = sqlbuild.stream(dialect, self._source(table), query, extra=extra)
            result = cur.execute(sql.text, sql.params)
            while batch := result.fetchmany(BATCH):
                yield [r[:width] for r in batch]
        finally:
            cur.close()

    def sql(self, sql: str, tables: Mapping[str, TableRef], *, max_rows: int, timeout_ms: int) -> SqlResult:
        from openingup.datastore import sql_guard  # sqlglot: loaded for the SQL call only

        con = duckdb.connect()
        try:
            mapping = {}
            for i, (name, table) in enumerate(tables.items()):
                con.execute(f"ATTACH ? AS t{i} (READ_ONLY)", [str(self.path(table.location))])
                mapping[name] = f"t{i}.main.rows"
            _lockdown(con)
            checked = sql_guard.check_select(sql, mapping, dialect="duckdb")
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
