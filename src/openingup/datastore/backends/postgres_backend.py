"""The server backend: one PostgreSQL table per table version, in the schema ``datastore``.

A version is the table ``datastore."t_<hex>"`` (``_id`` primary key, the visible columns, the hidden
``__`` columns) and the view ``datastore."v_<hex>"`` that SQL users see (``_id`` and the visible columns).
Rows are loaded from the staged DuckDB file with ``COPY … FROM STDIN`` in one transaction, so a failed load
leaves nothing behind. The full-text index is a ``__fts`` tsvector column with a GIN index, added later.

The backend answers exactly as :mod:`~openingup.datastore.backends.duckdb_backend` does:

* text columns use a code-point collation (``pg_c_utf8`` or ``C.utf8`` when the server has one), which
  sorts and compares like DuckDB and still folds case for ILIKE and ``lower``;
* the text index holds the same tokens as DuckDB's (lower-case runs of letters and digits, split with a
  regular expression rather than PostgreSQL's text-search parser, which keeps ``3.5``, ``foo-bar`` or
  e-mail addresses whole) and a token matches exactly one lexeme;
* aggregates come back with DuckDB's Python types (``avg`` a float, ``sum`` of integers an int);
* sessions run in UTC, so ``timestamptz`` values come back as UTC datetimes;
* PostgreSQL text cannot hold NUL: it is dropped from stored values, and a NUL in a filter value becomes
  U+0001 (which, like NUL in DuckDB, matches nothing stored).

Known difference: ``contains`` on a double column casts to text, where DuckDB writes ``1.0`` and
PostgreSQL ``1``.

It uses its own psycopg connections (not Django's) to ``DATASTORE_URL``, from a small thread-safe pool.
"""

from __future__ import annotations

import decimal
import re
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager, suppress
from pathlib import Path
from typing import Any, TypeVar

import duckdb
import psycopg
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from psycopg import pq

from openingup.core.errors import InvalidInput
from openingup.datastore import sqlbuild
from openingup.datastore.backends.base import Page, SqlResult, TableRef, assemble, register
from openingup.datastore.ingest.pipeline import Staged
from openingup.datastore.query import Query

__all__ = ["SCHEMA", "PostgresBackend", "escape_percent", "pg_type"]

SCHEMA = "datastore"
BATCH = 10_000
POOL_SIZE = 4
PING_AFTER = 30.0  # seconds a pooled connection may sit idle before it is checked when taken
MAX_COLUMNS = 1600  # PostgreSQL's limit for a table (``_id`` and the hidden columns included)
MAX_IDENTIFIER = 63  # bytes; PostgreSQL cuts longer identifiers
MAX_LEXEME = 2048  # bytes; longer tokens cannot be tsvector lexemes and are left out of the index
# Code-point collations, best first: they sort like DuckDB (binary UTF-8) and know Unicode case.
COLLATIONS = ("pg_c_utf8", "C.utf8", "C.UTF-8")
_TEXT = '"__fts" @@ CAST({p} AS tsquery)'  # a query token (letters and digits only) is one lexeme
_ID_RE = re.compile(r"[0-9a-z_]{1,60}")
_QUOTED = re.compile(r"\"(?:[^\"]|\"\")*\"|'(?:[^']|'')*'")
_URL_SCHEME = re.compile(r"^(?:postgres|postgresql|pgsql|postgis)://", re.IGNORECASE)
_DECIMAL = re.compile(r"DECIMAL\((\d+),\s*(\d+)\)")

# DuckDB type → PostgreSQL type; anything else is stored as text (cast to VARCHAR by DuckDB).
_TYPES = {
    "BIGINT": "bigint",
    "INTEGER": "integer",
    "SMALLINT": "smallint",
    "TINYINT": "smallint",
    "UTINYINT": "smallint",
    "USMALLINT": "integer",
    "UINTEGER": "bigint",
    "UBIGINT": "numeric(20,0)",
    "HUGEINT": "numeric(39,0)",
    "UHUGEINT": "numeric(39,0)",
    "DOUBLE": "double precision",
    "FLOAT": "double precision",  # DuckDB gives the float32 value as a Python float: keep it exactly
    "BOOLEAN": "boolean",
    "DATE": "date",
    "TIMESTAMP": "timestamp",
    "TIMESTAMP_S": "timestamp",
    "TIMESTAMP_MS": "timestamp",
    "TIMESTAMP_NS": "timestamp",
    "TIMESTAMP WITH TIME ZONE": "timestamptz",
    "TIME": "time",
    "TIME WITH TIME ZONE": "timetz",
    "INTERVAL": "interval",
    "UUID": "uuid",
    "BLOB": "bytea",
    "VARCHAR": "text",
}
# psycopg's short type names → the names PostgreSQL documents (what ``format_type`` says).
_TYPE_NAMES = {
    "int2": "smallint",
    "int4": "integer",
    "int8": "bigint",
    "float4": "real",
    "float8": "double precision",
    "bool": "boolean",
    "varchar": "character varying",
    "bpchar": "character",
    "timestamptz": "timestamp with time zone",
    "timetz": "time with time zone",
}

T = TypeVar("T")


def pg_type(duckdb_type: str) -> str | None:
    """The PostgreSQL column type for a DuckDB one, or None when the values are stored as text."""
    upper = duckdb_type.upper()
    if upper in _TYPES:
        return _TYPES[upper]
    m = _DECIMAL.fullmatch(upper)
    if m:
        return f"numeric({m[1]},{m[2]})"
    return None


def escape_percent(sql: str) -> str:
    """``sql`` for psycopg with parameters: every ``%`` inside a quoted identifier or string literal doubled.

    :mod:`~openingup.datastore.sqlbuild` writes ``%s`` placeholders and puts user values only in
    parameters, but a column name (a quoted identifier) may hold ``%``. Only ``"…"`` identifiers and
    ``'…'`` literals (with doubled quotes inside) are recognised — the builder writes no other quoting.
    """
    return _QUOTED.sub(lambda m: m[0].replace("%", "%%"), sql)


def _params(values: Sequence[Any]) -> list[Any]:
    """Parameters for PostgreSQL, whose text cannot hold NUL (nor does any stored value, see ``_load``).

    A NUL becomes U+0001, the nearest character PostgreSQL can hold: like the NUL in DuckDB, a value with
    it equals and contains nothing stored, and it sorts (almost) where the NUL would.
    """
    return [v.replace("\x00", "\x01") if isinstance(v, str) else v for v in values]


def _quote(name: str) -> str:
    return sqlbuild.quote(name)


def _cut(name: str) -> str:
    """The name PostgreSQL keeps of an identifier (its first 63 bytes, whole characters only)."""
    return name.encode()[:MAX_IDENTIFIER].decode(errors="ignore")


def _type_name(column: psycopg.Column) -> str:
    shown = column.type_display
    m = re.fullmatch(r"([a-z0-9_]+)(.*)", shown)
    if not m:
        return shown
    return _TYPE_NAMES.get(m[1], m[1]) + m[2]


class _Pool:
    """A few idle connections for any thread; broken or closed ones are dropped, new ones made on demand.

    A connection idle for longer than :data:`PING_AFTER` seconds is tried with an empty query before it
    is handed out (the server may have restarted or closed it meanwhile); one that fails is replaced.
    """

    def __init__(self, url: str, size: int = POOL_SIZE) -> None:
        self.url = url
        self.size = size
        self._idle: list[tuple[psycopg.Connection[Any], float]] = []
        self._lock = threading.Lock()

    def _connect(self) -> psycopg.Connection[Any]:
        conn = psycopg.connect(
            self.url, autocommit=False, connect_timeout=10, application_name="openingup-datastore"
        )
        conn.execute("SET TimeZone = 'UTC'")
        conn.commit()
        return conn

    @staticmethod
    def _alive(conn: psycopg.Connection[Any], since: float) -> bool:
        if conn.closed or conn.broken:
            return False
        if time.monotonic() - since <= PING_AFTER:
            return True
        try:
            conn.execute("SELECT 1")
            conn.rollback()
        except psycopg.Error:
            return False
        return True

    def get(self, *, fresh: bool = False) -> psycopg.Connection[Any]:
        while not fresh:
            with self._lock:
                if not self._idle:
                    break
                conn, since = self._idle.pop()
            if self._alive(conn, since):
                return conn
            conn.close()
        return self._connect()

    def put(self, conn: psycopg.Connection[Any]) -> None:
        if conn.closed or conn.broken:
            conn.close()
            if conn.broken:
                self.close()  # the server probably restarted: the idle ones are gone too
            return
        try:
            if conn.info.transaction_status != pq.TransactionStatus.IDLE:
                conn.rollback()
            conn.autocommit = False
        except psycopg.Error:
            conn.close()
            return
        with self._lock:
            if len(self._idle) < self.size:
                self._idle.append((conn, time.monotonic()))
                return
        conn.close()

    @contextmanager
    def connection(self, *, fresh: bool = False) -> Iterator[psycopg.Connection[Any]]:
        conn = self.get(fresh=fresh)
        try:
            yield conn
        finally:
            self.put(conn)

    def close(self) -> None:
        with self._lock:
            idle, self._idle = self._idle, []
        for conn, _ in idle:
            conn.close()


class PostgresBackend:
    name = "postgres"

    def __init__(self, url: str | None = None) -> None:
        url = url if url is not None else getattr(settings, "DATASTORE_URL", "")
        if not url or not _URL_SCHEME.match(url):
            raise ImproperlyConfigured(
                "The postgres datastore backend needs a PostgreSQL URL (postgres://user:password@host/db) "
                "in OPENINGUP_DATASTORE_URL or DATABASE_URL."
            )
        self.url = _URL_SCHEME.sub("postgresql://", url, count=1)
        self._pool = _Pool(self.url)
        self._collation: str | None = None
        self._collation_known = False
        self._lock = threading.Lock()

    def close(self) -> None:
        """Close the idle connections (connections in use are closed when they come back)."""
        self._pool.close()

    # -- names ---------------------------------------------------------------------------------
    @staticmethod
    def _hex(table_id: str) -> str:
        hexid = str(table_id).replace("-", "").lower()
        if not _ID_RE.fullmatch(hexid):
            raise ValueError(f"bad datastore table id {table_id!r}")
        return hexid

    @staticmethod
    def _table(location: str) -> str:
        return f"{SCHEMA}.{_quote(location)}"

    @staticmethod
    def _view(location: str) -> str:
        return f"{SCHEMA}.{_quote('v_' + location.removeprefix('t_'))}"

    def _read(self, table: TableRef, work: Callable[[psycopg.Connection[Any]], T]) -> T:
        """Run ``work`` on a pooled connection, once more on a new one when the first turns out broken.

        A table that is not there raises FileNotFoundError, as with the DuckDB backend.
        """
        for attempt in (1, 2):
            with self._pool.connection(fresh=attempt > 1) as conn:
                try:
                    return work(conn)
                except psycopg.errors.UndefinedTable as exc:
                    raise FileNotFoundError(f"no datastore table {table.location}") from exc
                except psycopg.OperationalError:
                    if attempt == 1 and conn.broken:
                        continue
                    raise
        raise AssertionError("unreachable")

    def _text_collation(self, conn: psycopg.Connection[Any]) -> str | None:
        with self._lock:
            if not self._collation_known:
                found = {
                    row[0]
                    for row in conn.execute(
                        "SELECT collname FROM pg_catalog.pg_collation WHERE collname = ANY(%s) "
                        "AND collencoding IN (-1, pg_catalog.pg_char_to_encoding('UTF8'))",
                        [list(COLLATIONS)],
                    )
                }
                encoding = conn.execute("SELECT pg_catalog.getdatabaseencoding()").fetchone()
                utf8 = encoding is not None and encoding[0] == "UTF8"
                self._collation = next((c for c in COLLATIONS if c in found), None) if utf8 else None
                self._collation_known = True
            return self._collation

    # -- writing -------------------------------------------------------------------------------
    def store(self, staged: Staged, table_id: str) -> str:
        location = f"t_{self._hex(table_id)}"
        try:
            source = duckdb.connect(str(staged.path), read_only=True)
            try:
                described = {r[0]: str(r[1]) for r in source.execute("DESCRIBE data").fetchall()}
                visible = [f["name"] for f in staged.fields]
                hidden = [n for n in described if n.startswith("__")]
                self._check_columns(visible, hidden, described)
                with self._pool.connection() as conn:
                    self._ensure_schema(conn)
                    try:
                        self._load(conn, source, location, visible, hidden, described)
                        conn.commit()
                    except BaseException:
                        with suppress(psycopg.Error):
                            conn.rollback()
                        raise
            finally:
                source.close()
        finally:
            Path(staged.path).unlink(missing_ok=True)
        return location

    @staticmethod
    def _check_columns(visible: list[str], hidden: list[str], described: Mapping[str, str]) -> None:
        missing = [n for n in visible if n not in described]
        if missing:
            raise ValueError(f"staged file lacks the columns {missing}")
        if len(visible) + len(hidden) + 1 > MAX_COLUMNS:
            raise InvalidInput(
                f"The table has {len(visible)} columns; PostgreSQL tables hold at most "
                f"{MAX_COLUMNS - 1 - len(hidden)}."
            )
        seen: dict[str, str] = {}
        for name in visible:
            cut = _cut(name)
            if cut in seen:
                raise InvalidInput(
                    f'The columns "{seen[cut]}" and "{name}" have the same first {MAX_IDENTIFIER} bytes, '
                    "which PostgreSQL cannot tell apart."
                )
            seen[cut] = name

    def _ensure_schema(self, conn: psycopg.Connection[Any]) -> None:
        exists = conn.execute("SELECT 1 FROM pg_catalog.pg_namespace WHERE nspname = %s", [SCHEMA]).fetchone()
        if not exists:
            try:
                conn.execute(f"CREATE SCHEMA IF NOT EXISTS {_quote(SCHEMA)}")
                conn.commit()
            except psycopg.errors.UniqueViolation:  # created by another process at the same moment
                conn.rollback()
        else:
            conn.rollback()

    def _load(
        self,
        conn: psycopg.Connection[Any],
        source: duckdb.DuckDBPyConnection,
        location: str,
        visible: list[str],
        hidden: list[str],
        described: Mapping[str, str],
    ) -> None:
        collation = self._text_collation(conn)
        definitions = ['"_id" bigint PRIMARY KEY']
        select = ["rowid + 1 AS _id"]
        for name in [*visible, *hidden]:
            kind = pg_type(described[name])
            column = _quote(name)
            if kind in (None, "text"):
                kind = "text" + (f" COLLATE {_quote(collation)}" if collation else "")
                cast = column if described[name].upper() == "VARCHAR" else f"CAST({column} AS VARCHAR)"
                select.append(f"replace({cast}, chr(0), '')")  # PostgreSQL text cannot hold NUL
            else:
                select.append(column)
            definitions.append(f"{column} {kind}")
        table = self._table(location)
        with conn.cursor() as cur:
            cur.execute(f"CREATE TABLE {table} ({', '.join(definitions)})")
            result = source.execute(f"SELECT {', '.join(select)} FROM data")
            with cur.copy(f"COPY {table} FROM STDIN") as copy:
                while batch := result.fetchmany(BATCH):
                    for row in batch:
                        copy.write_row(row)
            columns = ", ".join(['"_id"', *(_quote(n) for n in visible)])
            cur.execute(f"CREATE VIEW {self._view(location)} AS SELECT {columns} FROM {table}")
            cur.execute(f"ANALYZE {table}")

    def build_text_index(self, table: TableRef) -> None:
        strings = [_quote(f["name"]) for f in table.fields if f["type"] == "string"]
        ref = self._table(table.location)
        index = _quote(table.location + "_fts")
        with self._pool.connection() as conn:
            # Adding the column locks the table against readers: commit at once, fill it afterwards;
            # give up (the search falls back to a scan) rather than queue readers behind a long stream.
            conn.execute("SET LOCAL lock_timeout = '30s'")
            conn.execute(f'ALTER TABLE {ref} ADD COLUMN IF NOT EXISTS "__fts" tsvector')
            conn.commit()
            if strings:
                words = (
                    f"pg_catalog.regexp_split_to_array(pg_catalog.lower(pg_catalog.concat_ws(' ', "
                    f"{', '.join(strings)})), '[^[:alnum:]]+')"
                )
                conn.execute(
                    f'UPDATE {ref} SET "__fts" = pg_catalog.array_to_tsvector(ARRAY(SELECT DISTINCT w '
                    f"FROM pg_catalog.unnest({words}) AS w WHERE w <> '' "
                    f"AND pg_catalog.octet_length(w) < {MAX_LEXEME}))"
                )
            conn.execute(f'CREATE INDEX IF NOT EXISTS {index} ON {ref} USING gin ("__fts")')
            conn.commit()
            if strings:
                conn.autocommit = True  # VACUUM cannot run in a transaction; it clears the old rows
                conn.execute(f"VACUUM (ANALYZE) {ref}")

    def drop(self, table: TableRef) -> None:
        with self._pool.connection() as conn:
            conn.execute(f"DROP VIEW IF EXISTS {self._view(table.location)}")
            conn.execute(f"DROP TABLE IF EXISTS {self._table(table.location)}")
            conn.commit()

    # -- reading -------------------------------------------------------------------------------
    def _dialect(self, table: TableRef) -> sqlbuild.Dialect:
        return sqlbuild.Dialect("postgres", "%s", '"_id"', _TEXT if table.text_index else "")

    def _source(self, table: TableRef) -> sqlbuild.Source:
        return sqlbuild.Source(self._table(table.location), table.fields, table.geometry)

    def _fetch(self, table: TableRef, sql: sqlbuild.Sql) -> list[tuple[Any, ...]]:
        def work(conn: psycopg.Connection[Any]) -> list[tuple[Any, ...]]:
            with conn.cursor() as cur:
                return cur.execute(escape_percent(sql.text), _params(sql.params)).fetchall()

        return self._read(table, work)

    def rows(self, table: TableRef, query: Query, *, extra: Sequence[str] = ()) -> Page:
        sql, names, keys = sqlbuild.rows(self._dialect(table), self._source(table), query, extra=extra)
        return assemble(self._fetch(table, sql), query.limit, names, extra, keys)

    def count(self, table: TableRef, query: Query) -> int:
        rows = self._fetch(table, sqlbuild.count(self._dialect(table), self._source(table), query))
        return int(rows[0][0]) if rows else 0

    def facets(self, table: TableRef, query: Query) -> dict[str, list[tuple[Any, int]]]:
        sqls = {
            name: sqlbuild.facet(self._dialect(table), self._source(table), query, name)
            for name in query.facets
        }

        def work(conn: psycopg.Connection[Any]) -> dict[str, list[tuple[Any, int]]]:
            out: dict[str, list[tuple[Any, int]]] = {}
            with conn.cursor() as cur:
                for name, sql in sqls.items():
                    cur.execute(escape_percent(sql.text), _params(sql.params))
                    out[name] = [(v, int(n)) for v, n in cur.fetchall()]
            return out

        return self._read(table, work)

    def group(self, table: TableRef, query: Query) -> Page:
        sql, outputs = sqlbuild.group(self._dialect(table), self._source(table), query)
        raw = self._fetch(table, sql)
        # PostgreSQL's avg and integer sum are numeric; DuckDB gives a double and an integer.
        types = {f["name"]: f["type"] for f in table.fields} | {"_id": "integer"}
        fixes: dict[int, Callable[[Any], Any]] = {}
        for i, (fn, col) in enumerate(query.aggregates, start=len(query.group_by)):
            if fn == "avg":
                fixes[i] = float
            elif fn == "sum" and types.get(col or "") in {"integer", "year"}:
                fixes[i] = int
        if fixes:
            raw = [
                tuple(
                    fixes[i](v) if i in fixes and isinstance(v, decimal.Decimal) else v
                    for i, v in enumerate(row)
                )
                for row in raw
            ]
        return Page(outputs, raw[: query.limit], None, len(raw) > query.limit)

    def stream(
        self, table: TableRef, query: Query, *, extra: Sequence[str] = ()
    ) -> Iterator[list[tuple[Any, ...]]]:
        sql, width = sqlbuild.stream(self._dialect(table), self._source(table), query, extra=extra)
        # A server-side cursor: rows come over in batches, memory stays flat however many match.
        for attempt in (1, 2):
            with (
                self._pool.connection(fresh=attempt > 1) as conn,
                conn.cursor(name=f"stream_{uuid.uuid4().hex}") as cur,
            ):
                cur.itersize = BATCH
                try:
                    cur.execute(escape_percent(sql.text), _params(sql.params))
                except psycopg.errors.UndefinedTable as exc:
                    raise FileNotFoundError(f"no datastore table {table.location}") from exc
                except psycopg.OperationalError:
                    if attempt == 1 and conn.broken:
                        continue  # a pooled connection the server closed: once more on a new one
                    raise
                while batch := cur.fetchmany(BATCH):
                    yield [r[:width] for r in batch]
                return

    def sql(self, sql: str, tables: Mapping[str, TableRef], *, max_rows: int, timeout_ms: int) -> SqlResult:
        from openingup.datastore import sql_guard  # sqlglot: loaded for the SQL call only

        mapping = {name: self._view(table.location) for name, table in tables.items()}
        checked = sql_guard.check_select(sql, mapping, dialect="postgres")
        timeout = max(1, int(timeout_ms))
        # One round trip; no parameters, so psycopg leaves any % in the user's SQL alone.
        settings_sql = (
            f"SET TRANSACTION READ ONLY; SET LOCAL statement_timeout = {timeout}; "
            "SET LOCAL search_path = pg_catalog"
        )
        for attempt in (1, 2):
            with self._pool.connection(fresh=attempt > 1) as conn:
                try:
                    conn.execute(settings_sql)
                except psycopg.OperationalError:
                    if attempt == 1 and conn.broken:
                        continue  # a pooled connection the server closed: once more on a new one
                    raise
                try:
                    with conn.cursor(name=f"sql_{uuid.uuid4().hex}") as cur:
                        cur.execute(checked)
                        description = cur.description or []
                        raw = cur.fetchmany(max_rows + 1)
                    columns = [d.name for d in description]
                    types = self._type_names(conn, description)
                except psycopg.errors.QueryCanceled as exc:
                    raise InvalidInput(
                        f"The query took longer than {timeout_ms} ms and was stopped."
                    ) from exc
                except psycopg.Error as exc:
                    if conn.broken:
                        raise
                    lines = str(exc).strip().splitlines()
                    raise InvalidInput(
                        f"The query failed: {lines[0] if lines else type(exc).__name__}"
                    ) from exc
                finally:
                    with suppress(psycopg.Error):
                        conn.rollback()
                return SqlResult(columns, types, raw[:max_rows], len(raw) > max_rows)
        raise AssertionError("unreachable")

    @staticmethod
    def _type_names(conn: psycopg.Connection[Any], description: Sequence[psycopg.Column]) -> list[str]:
        names = [_type_name(d) for d in description]
        unknown = sorted({d.type_code for d, n in zip(description, names, strict=True) if n.isdigit()})
        if unknown:
            found = dict(
                conn.execute(
                    "SELECT oid::bigint, pg_catalog.format_type(oid, NULL) FROM pg_catalog.pg_type "
                    "WHERE oid = ANY(%s)",
                    [unknown],
                ).fetchall()
            )
            names = [found.get(int(n), n) if n.isdigit() else n for n in names]
        return names


register("postgres", PostgresBackend)
