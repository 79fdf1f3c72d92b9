"""The read-only SQL guard: what it lets through runs on DuckDB as written; everything else is refused.

The fuzz tests splice dangerous tokens into valid queries and run whatever the guard accepts on a DuckDB
database with external access off, checking that nothing changed.
"""

from __future__ import annotations

import datetime
import threading
from typing import Any

import duckdb
import pytest
import sqlglot
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlglot import exp

from openingup.core.errors import InvalidInput
from openingup.datastore.sql_guard import ALLOWED_FUNCTIONS, TABLE_FUNCTIONS, UnsafeSQL, check_select

A = "3f2c9a1e-5b7d-4c2a-9e8f-0a1b2c3d4e5f"
B = "b7e4d2c1-0f9e-4d8c-8b7a-6c5d4e3f2a10"
TABLES = {A: "t1.main.data", B: 't1.main."other data"'}
PG_TABLES = {A: 'datastore."t_ab12"', B: "datastore.t_cd34"}
SECRET = "TOPSECRET-7f3a"  # in a table the user must not reach

ROWS = [
    (1, "alice", "Alice Smith", 10.5, "Gent", datetime.date(2024, 1, 5)),
    (2, "bob", "Bob Jones", 20.0, "Antwerpen", datetime.date(2024, 1, 20)),
    (3, "carol", "Carol White", 30.0, "Gent", datetime.date(2024, 2, 11)),
    (4, "dave", "Dave Brown", None, "Brugge", datetime.date(2024, 3, 1)),
    (5, "eve", "Eve Black", 5.0, "Antwerpen", datetime.date(2024, 3, 15)),
]
OTHER_ROWS = [(1, "Gent", 265000), (2, "Antwerpen", 530000), (3, "Leuven", 102000)]


@pytest.fixture(scope="module")
def con() -> Any:
    """The physical tables in an attached catalog, a table the user must not reach, external access off."""
    con = duckdb.connect(":memory:")
    con.execute("ATTACH ':memory:' AS t1")
    con.execute(
        'CREATE TABLE t1.main.data(id INTEGER, name VARCHAR, "full name" VARCHAR, amount DOUBLE, '
        "city VARCHAR, day DATE)"
    )
    con.executemany("INSERT INTO t1.main.data VALUES (?, ?, ?, ?, ?, ?)", ROWS)
    con.execute('CREATE TABLE t1.main."other data"(id INTEGER, city VARCHAR, population INTEGER)')
    con.executemany('INSERT INTO t1.main."other data" VALUES (?, ?, ?)', OTHER_ROWS)
    con.execute("CREATE TABLE memory.main.secret(x VARCHAR)")  # the default catalog: reachable as "secret"
    con.execute(f"INSERT INTO memory.main.secret VALUES ('{SECRET}')")
    con.execute("SET enable_external_access = false")
    con.execute("SET lock_configuration = true")
    yield con
    con.close()


ACCEPTED = [
    (f'SELECT id, name FROM "{A}" ORDER BY id LIMIT 2', [(1, "alice"), (2, "bob")]),
    (
        f'SELECT d.name, o.population FROM "{A}" d JOIN "{B}" AS o ON d.city = o.city '
        "WHERE d.id <= 2 ORDER BY d.id",
        [("alice", 265000), ("bob", 530000)],
    ),
    (
        f'WITH g AS (SELECT city, count(*) AS n FROM "{A}" GROUP BY city) SELECT city, n FROM g '
        "ORDER BY n DESC, city",
        [("Antwerpen", 2), ("Gent", 2), ("Brugge", 1)],
    ),
    (
        f'SELECT city FROM "{A}" UNION SELECT city FROM "{B}" ORDER BY city',
        [("Antwerpen",), ("Brugge",), ("Gent",), ("Leuven",)],
    ),
    (f'SELECT city FROM "{A}" INTERSECT SELECT city FROM "{B}" ORDER BY 1', [("Antwerpen",), ("Gent",)]),
    (f'SELECT city FROM "{A}" EXCEPT SELECT city FROM "{B}"', [("Brugge",)]),
    (
        f'SELECT city, sum(amount) FROM "{A}" GROUP BY city HAVING count(*) > 1 ORDER BY city',
        [("Antwerpen", 25.0), ("Gent", 40.5)],
    ),
    (
        f'SELECT name, row_number() OVER (PARTITION BY city ORDER BY id) AS rn FROM "{A}" ORDER BY id',
        [("alice", 1), ("bob", 1), ("carol", 2), ("dave", 1), ("eve", 2)],
    ),
    (
        f'SELECT name, lag(name) OVER (ORDER BY id) FROM "{A}" WHERE id IN (1, 2) ORDER BY id',
        [("alice", None), ("bob", "alice")],
    ),
    (
        f'SELECT name FROM "{A}" WHERE city IN (SELECT city FROM "{B}" WHERE population > 200000) '
        "ORDER BY name",
        [("alice",), ("bob",), ("carol",), ("eve",)],
    ),
    (f'SELECT CAST(amount AS INTEGER), id::VARCHAR FROM "{A}" WHERE id = 2', [(20, "2")]),
    (
        f"SELECT name FROM \"{A}\" WHERE name LIKE 'a%' OR \"full name\" ILIKE '%BROWN' ORDER BY id",
        [("alice",), ("dave",)],
    ),
    (f'SELECT id FROM "{A}" WHERE id IN (1, 3, 5) ORDER BY id', [(1,), (3,), (5,)]),
    (f'SELECT "full name" FROM "{A}" WHERE id = 3', [("Carol White",)]),
    (f'SELECT count(*) FROM "{A.upper()}"', [(5,)]),
    (f'SELECT "{A}".name FROM "{A}" WHERE "{A}".id = 5', [("eve",)]),
    (
        f"SELECT date_trunc('month', day) AS m, count(*) FROM \"{A}\" GROUP BY m ORDER BY m",
        [(datetime.datetime(2024, m, 1), n) for m, n in ((1, 2), (2, 1), (3, 2))],
    ),
    (f"SELECT extract(year FROM day), strftime(day, '%m') FROM \"{A}\" WHERE id = 2", [(2024, "01")]),
    (
        f"SELECT upper(name), length(name), concat_ws('-', city, name), replace(name, 'a', 'A') "
        f'FROM "{A}" WHERE id = 1',
        [("ALICE", 5, "Gent-alice", "Alice")],
    ),
    (
        f'SELECT min(amount), max(amount), avg(amount), count(amount), coalesce(sum(amount), 0) FROM "{A}"',
        [(5.0, 30.0, 16.375, 4, 65.5)],
    ),
    (
        f"SELECT name, CASE WHEN amount IS NULL THEN 'none' ELSE 'some' END FROM \"{A}\" WHERE id > 3 "
        "ORDER BY id",
        [("dave", "none"), ("eve", "some")],
    ),
    (f'SELECT id FROM "{A}" ORDER BY id LIMIT 2 OFFSET 3', [(4,), (5,)]),
    (f'SELECT id /* the id */ FROM "{A}" -- trailing\nWHERE id = 1;', [(1,)]),
    (f'FROM "{A}" SELECT name WHERE id = 4', [("dave",)]),
    (f'SELECT t.c FROM (SELECT count(*) AS c FROM "{A}") t', [(5,)]),
    (f'SELECT (SELECT max(population) FROM "{B}") - 30000', [(500000,)]),
    (f'WITH "{A}" AS (SELECT 42 AS id) SELECT id FROM "{A}"', [(42,)]),
    ("SELECT * FROM generate_series(1, 3)", [(1,), (2,), (3,)]),
    (
        "WITH RECURSIVE secret AS (SELECT 'cte' AS x UNION ALL SELECT x FROM secret WHERE x <> 'cte') "
        "SELECT * FROM secret",
        [("cte",)],
    ),
    ("SELECT * FROM range(2)", [(0,), (1,)]),
    ("SELECT x FROM unnest([7, 8]) AS u(x)", [(7,), (8,)]),
    (
        "WITH RECURSIVE n AS (SELECT 1 AS i UNION ALL SELECT i + 1 FROM n WHERE i < 3) SELECT i FROM n",
        [(1,), (2,), (3,)],
    ),
    (
        f"SELECT name FROM \"{A}\" WHERE day BETWEEN DATE '2024-02-01' AND DATE '2024-03-01'",
        [("carol",), ("dave",)],
    ),
    (f"SELECT string_agg(name, ',' ORDER BY name) FROM \"{A}\" WHERE city = 'Gent'", [("alice,carol",)]),
    (
        f"SELECT count(DISTINCT city), median(id), percentile_cont(0.5) WITHIN GROUP (ORDER BY id) "
        f'FROM "{A}"',
        [(3, 3.0, 3.0)],
    ),
]


@pytest.mark.parametrize(("sql", "expected"), ACCEPTED)
def test_accepted_queries_run_on_the_physical_tables(con: Any, sql: str, expected: list[tuple]) -> None:
    # The user's names exist nowhere in DuckDB: the rows can only come from the physical tables.
    assert con.execute(check_select(sql, TABLES)).fetchall() == expected


def test_user_names_become_aliases_of_the_quoted_physical_parts() -> None:
    assert check_select(f'SELECT * FROM "{A}"', TABLES) == f'SELECT * FROM "t1"."main"."data" AS "{A}"'
    assert check_select(f'SELECT o.city FROM "{B}" o', TABLES) == (
        'SELECT o.city FROM "t1"."main"."other data" AS o'
    )


@pytest.mark.parametrize(
    ("sql", "expected"),
    [
        (f'SELECT * FROM "{A}"', f'SELECT * FROM "datastore"."t_ab12" AS "{A}"'),
        (
            f'SELECT a.id FROM "{A}" a JOIN "{B}" b USING (id) WHERE a.id::text ~ \'1\'',
            'SELECT a.id FROM "datastore"."t_ab12" AS a JOIN "datastore"."t_cd34" AS b USING (id) '
            "WHERE CAST(a.id AS TEXT) ~ '1'",
        ),
        (
            f"SELECT to_char(day, 'YYYY-MM'), count(*) FROM \"{A}\" GROUP BY 1 HAVING count(*) > 1",
            f'SELECT TO_CHAR(day, \'YYYY-MM\'), COUNT(*) FROM "datastore"."t_ab12" AS "{A}" GROUP BY 1 '
            "HAVING COUNT(*) > 1",
        ),
        ("SELECT * FROM generate_series(1, 3) AS g(n)", "SELECT * FROM GENERATE_SERIES(1, 3) AS g(n)"),
    ],
)
def test_postgres_dialect_rewrites(sql: str, expected: str) -> None:
    assert check_select(sql, PG_TABLES, dialect="postgres") == expected


DUCK, PG = "duckdb", "postgres"
REJECTED = [
    (DUCK, "", "empty"),
    (DUCK, " \n\t ", "empty"),
    (DUCK, "-- just a comment", "empty"),
    (DUCK, ";", "empty"),
    (DUCK, "SELECT 1; DROP TABLE x", "only one statement"),
    (DUCK, "SELECT 1; SELECT 2", "only one statement"),
    (DUCK, "SELECT 1 --\n; DROP TABLE x", "only one statement"),
    (PG, "SELECT 1 /* x */; DELETE FROM x", "only one statement"),
    (DUCK, f'INSERT INTO "{A}" VALUES (1)', "not INSERT"),
    (DUCK, f'UPDATE "{A}" SET id = 1', "not UPDATE"),
    (DUCK, f'DELETE FROM "{A}"', "not DELETE"),
    (DUCK, f'DROP TABLE "{A}"', "not DROP"),
    (DUCK, "CREATE TABLE x (a INT)", "not CREATE"),
    (DUCK, f'ALTER TABLE "{A}" ADD COLUMN b INT', "not ALTER"),
    (DUCK, "COPY (SELECT 1) TO '/tmp/x'", "not COPY"),
    (PG, f"COPY \"{A}\" FROM '/etc/passwd'", "not COPY"),
    (DUCK, "ATTACH '/tmp/x.db' AS x", "not ATTACH"),
    (DUCK, "DETACH t1", "not DETACH"),
    (DUCK, "PRAGMA database_list", "not PRAGMA"),
    (DUCK, "SET enable_external_access = true", "not SET"),
    (PG, "SET search_path = pg_catalog", "not SET"),
    (DUCK, "INSTALL httpfs", "not INSTALL"),
    (DUCK, "LOAD httpfs", "not LOAD"),
    (DUCK, "CALL pragma_version()", "not CALL"),
    (DUCK, "EXPORT DATABASE '/tmp/x'", "not EXPORT"),
    (DUCK, "IMPORT DATABASE '/tmp/x'", "not IMPORT"),
    (PG, "VACUUM", "not VACUUM"),
    (PG, "GRANT SELECT ON x TO y", "not GRANT"),
    (DUCK, "BEGIN TRANSACTION", "not BEGIN"),
    (DUCK, "VALUES (1)", "not VALUES"),
    (PG, f'WITH d AS (DELETE FROM "{A}" RETURNING *) SELECT * FROM d', "not DELETE"),
    (DUCK, f'SELECT * INTO t2 FROM "{A}"', "INTO"),
    (DUCK, f'SELECT * FROM "{A}" FOR UPDATE', "FOR UPDATE"),
    (PG, f'SELECT * FROM "{A}" FOR SHARE', "FOR SHARE"),
    (DUCK, "SELECT * FROM read_csv('/etc/passwd')", "read_csv"),
    (DUCK, "SELECT * FROM read_parquet('x.parquet')", "read_parquet"),
    (DUCK, "SELECT * FROM glob('/*')", "glob"),
    (DUCK, f"SELECT * FROM \"{A}\", LATERAL read_text('/etc/passwd')", "read_text"),
    (DUCK, "FROM '/etc/passwd'", '"/etc/passwd"'),
    (DUCK, "SELECT * FROM 'data.csv'", '"data.csv"'),
    (PG, "SELECT pg_read_file('/etc/passwd')", "pg_read_file"),
    (PG, "SELECT * FROM ROWS FROM (pg_ls_dir('.'))", "pg_ls_dir"),
    (PG, "SELECT pg_sleep(10)", "pg_sleep"),
    (PG, "SELECT 'pg_authid'::regclass", "REGCLASS"),
    (DUCK, "SELECT * FROM information_schema.tables", "information_schema.tables"),
    (PG, "SELECT * FROM pg_catalog.pg_tables", "pg_catalog.pg_tables"),
    (DUCK, "SELECT * FROM duckdb_tables()", "duckdb_tables"),
    (DUCK, "SELECT * FROM duckdb_settings()", "duckdb_settings"),
    (DUCK, "SELECT * FROM sqlite_master", '"sqlite_master"'),
    (DUCK, "SELECT * FROM nope", '"nope"'),
    (DUCK, "SELECT * FROM t1.main.data", '"t1.main.data"'),
    (DUCK, "SELECT * FROM secret", '"secret"'),
    (DUCK, f'SELECT * FROM "{A}" a JOIN secret s ON true', '"secret"'),
    (DUCK, f'SELECT * FROM "{A}" WHERE id IN (SELECT x FROM secret)', '"secret"'),
    (DUCK, "WITH x AS (SELECT * FROM secret) SELECT * FROM x", '"secret"'),
    (DUCK, "WITH secret AS (SELECT * FROM secret) SELECT * FROM secret", '"secret"'),
    (DUCK, "WITH RECURSIVE secret AS (SELECT * FROM secret) SELECT * FROM secret", '"secret"'),
    (DUCK, "WITH RECURSIVE secret AS (SELECT x FROM secret UNION SELECT 1) SELECT * FROM secret", '"secret"'),
    (DUCK, "WITH RECURSIVE b AS (SELECT * FROM secret), secret AS (SELECT 1) SELECT * FROM b", '"secret"'),
    (PG, "WITH RECURSIVE s AS ((SELECT 1 UNION SELECT * FROM s)) SELECT * FROM s", '"s"'),
    (DUCK, "SELECT * FROM (WITH c AS (SELECT 1) SELECT * FROM c) s, c", '"c"'),
    (PG, 'WITH "C" AS (SELECT 1) SELECT * FROM c', '"c"'),
    (DUCK, "SELECT current_setting('threads')", "current_setting"),
    (DUCK, "SELECT getvariable('x')", "getvariable"),
    (DUCK, "SELECT pg_catalog.lower('x')", "pg_catalog.lower"),
    (DUCK, "SELECT 'x'.upper()", "upper"),
    (DUCK, "SELECT * FROM query('SELECT * FROM secret')", "query"),
    (DUCK, "SELECT * FROM query_table('secret')", "query_table"),
    (DUCK, "SELECT nextval('seq')", "nextval"),
    (DUCK, "SELECT * FROM lower('x')", "table function lower"),
    (DUCK, f'SELECT user FROM "{A}"', "function user"),
    (PG, f'SELECT current_schema FROM "{A}"', "function current_schema"),
    (DUCK, f'SELECT name.upper() FROM "{A}"', "name.upper()"),
    (DUCK, f"SELECT COLUMNS('x') FROM \"{A}\"", "function columns"),
    (DUCK, f'SELECT x\x19 FROM "{A}"', "must be quoted"),
    (DUCK, "WITH x AS (SELECT 1) INSERT INTO t SELECT * FROM x", "not INSERT"),
    (PG, "WITH x AS (SELECT 1) UPDATE t SET a = 1", "not UPDATE"),
    (DUCK, "SELECT $1", "$1"),
    (DUCK, "SELECT ?", "?"),
    (DUCK, 'SELECT * FROM ""', '""'),
    (DUCK, "SELECT * FROM “data”", "“data”"),
    (DUCK, "SELECT 1\x00", "NUL"),
    (DUCK, "SELECT " + "1 + " * 5_000 + "1", "longer than 20000"),
    (DUCK, "SELECT " + "(" * 5_000 + "1" + ")" * 5_000, "nested too deeply"),
    (DUCK, f"SELECT to_char(day, 'YYYY') FROM \"{A}\"", "cannot be written for duckdb"),
    (DUCK, "SELECT (", "could not parse"),
    (DUCK, "SELECT 'unterminated", "could not parse"),
]


@pytest.mark.parametrize(("dialect", "sql", "fragment"), REJECTED)
def test_rejected_queries_name_the_problem(dialect: str, sql: str, fragment: str) -> None:
    tables = PG_TABLES if dialect == PG else TABLES
    with pytest.raises(UnsafeSQL) as caught:
        check_select(sql, tables, dialect=dialect)
    assert fragment in caught.value.problem
    assert isinstance(caught.value, InvalidInput)
    assert [p.field for p in caught.value.problems] == ["sql"]
    assert fragment in str(caught.value)


def test_max_length_and_bad_arguments() -> None:
    with pytest.raises(UnsafeSQL, match="longer than 5 characters"):
        check_select("SELECT 1", TABLES, max_length=5)
    with pytest.raises(ValueError, match="dialect"):
        check_select("SELECT 1", TABLES, dialect="mysql")
    with pytest.raises(ValueError, match="reference"):
        check_select("SELECT 1", {A: "a..b"})


def test_allow_lists_are_lower_case_and_table_functions_are_allowed_functions() -> None:
    assert all(name == name.lower() for name in ALLOWED_FUNCTIONS)
    assert TABLE_FUNCTIONS <= ALLOWED_FUNCTIONS
    assert not {"read_csv", "pg_read_file", "current_setting", "getvariable", "query"} & ALLOWED_FUNCTIONS


# --- fuzzing -------------------------------------------------------------------------------------------

# fmt: off
DANGEROUS = [
    "DROP TABLE t1.main.data", "DROP", ";", "; DROP TABLE x", "--", "/*", "*/", "'", '"', "`", "\\", "$$",
    "read_csv('/etc/passwd')", "read_text('/etc/hosts')", "read_parquet('x')", "glob('/*')",
    "'/etc/passwd'", "'data.csv'", '"/tmp/x.csv"', "ATTACH '/tmp/evil.db' AS e", "ATTACH", "DETACH t1",
    "COPY (SELECT 1) TO '/tmp/x'", "COPY", "INSTALL httpfs", "LOAD httpfs", "PRAGMA", "SET", "CALL",
    "UNION SELECT * FROM secret", "union select", "INTO t2", "FOR UPDATE", "secret", "t1.main.data",
    "memory.main.secret", "information_schema.tables", "duckdb_tables()", "sqlite_master", "query('x')",
    "getvariable('x')", "current_setting('threads')", "DELETE FROM t1.main.data", "INSERT INTO x VALUES (1)",
    "CREATE TABLE x AS SELECT 1", "UPDATE x SET a = 1", "\x00", "\u201cdata\u201d", "\u2018x\u2019", "é",
    "\ufeff", "\u202e", "\n", "WITH", "RECURSIVE", "LATERAL", "$1", "?", "pg_read_file('x')", "pg_sleep(1)",
    "EXPORT DATABASE '/tmp/x'", "CHECKPOINT", "USE t1", "SUMMARIZE", "DESCRIBE", "'x'::regclass", "user",
]
SAFE = [
    "SELECT", "*", "FROM", f'"{A}"', f'"{B}"', "id", "name", '"full name"', "WHERE", "id = 1", "AND", "OR",
    "(", ")", ",", "1", "'a'", "count(*)", "lower(name)", "GROUP BY", "ORDER BY", "LIMIT 2", "JOIN", "ON",
    "AS", "x", "c", "NULL", "+", "=", "IN", "generate_series(1, 3)", "unnest([1])", "CASE", "END",
    "UNION ALL", "SELECT x FROM secret", "SELECT 'a' AS x",
]
# fmt: on
token = st.sampled_from(DANGEROUS) | st.sampled_from(SAFE) | st.sampled_from(SAFE) | st.text(max_size=3)
fragment = st.tuples(st.sampled_from([" ", "", "\n"]), st.lists(token, min_size=1, max_size=6)).map(
    lambda t: t[0].join(t[1])
)
# fmt: off
TEMPLATES = [
    "@", f'SELECT @ FROM "{A}"', f'SELECT * FROM "{A}" WHERE @', "SELECT * FROM @",
    f'SELECT * FROM "{A}" @', f'SELECT id FROM "{A}" ORDER BY @', "WITH c AS (@) SELECT * FROM c",
    f'SELECT * FROM "{A}" a JOIN @ ON true', f'SELECT @ FROM "{A}" UNION SELECT @ FROM "{B}"',
    f"SELECT name FROM \"{A}\" WHERE name = '@'", f'SELECT "@" FROM "{A}"', "@ SELECT 1 @",
    f'SELECT count(*) FROM "{A}" GROUP BY @ HAVING @', f'SELECT * FROM "{A}" WHERE id IN (SELECT @)',
    "WITH RECURSIVE secret AS (@) SELECT * FROM secret", "WITH secret AS (SELECT 1 AS x) SELECT * FROM @",
]
# fmt: on
spliced = st.tuples(st.sampled_from(TEMPLATES), st.lists(fragment, min_size=2, max_size=2)).map(
    lambda t: t[0].replace("@", t[1][0], 1).replace("@", t[1][1])
)
whole = st.text(max_size=60) | fragment


def fuzz(examples: int) -> Any:
    """Hypothesis settings for the fuzz tests: 10,000 examples in all, about 25 s of CPU."""
    return settings(
        max_examples=examples,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )


def _snapshot(con: Any) -> tuple:
    """Every table and catalog, the row counts and the external access setting, in one query."""
    return con.execute(
        "SELECT (SELECT list((database_name, schema_name, table_name) ORDER BY database_name, schema_name, "
        "table_name) FROM duckdb_tables()), "
        "(SELECT list(database_name ORDER BY database_name) FROM duckdb_databases()), "
        '(SELECT count(*) FROM t1.main.data), (SELECT count(*) FROM t1.main."other data"), '
        "(SELECT count(*) FROM memory.main.secret), current_setting('enable_external_access')"
    ).fetchone()


@pytest.fixture(scope="module")
def baseline(con: Any) -> tuple:
    return _snapshot(con)


def _guard_then_run(con: Any, baseline: tuple, sql: str) -> None:
    try:
        rewritten = check_select(sql, TABLES)
    except UnsafeSQL:
        return
    assert isinstance(rewritten, str)
    timer = threading.Timer(2.0, con.interrupt)
    timer.start()
    rows: list = []
    try:
        rows = con.execute(rewritten).fetchmany(50)
    except duckdb.Error:
        pass
    finally:
        timer.cancel()
    assert SECRET not in repr(rows), rewritten
    assert _snapshot(con) == baseline, rewritten


@fuzz(4000)
@given(sql=spliced)
def test_fuzz_spliced_queries_never_change_duckdb(con: Any, baseline: tuple, sql: str) -> None:
    _guard_then_run(con, baseline, sql)


@fuzz(3000)
@given(sql=whole)
def test_fuzz_whole_inputs_never_change_duckdb(con: Any, baseline: tuple, sql: str) -> None:
    _guard_then_run(con, baseline, sql)


@fuzz(3000)
@given(sql=spliced | whole)
def test_fuzz_postgres_guard_only_returns_one_select_on_known_tables(sql: str) -> None:
    try:
        rewritten = check_select(sql, PG_TABLES, dialect="postgres")
    except UnsafeSQL:
        return
    statements = sqlglot.parse(rewritten, read="postgres")
    assert len(statements) == 1 and isinstance(statements[0], exp.Query)
    for table in statements[0].find_all(exp.Table):
        if isinstance(table.this, exp.Identifier) and table.db:
            assert (table.db, table.name) in {("datastore", "t_ab12"), ("datastore", "t_cd34")}
