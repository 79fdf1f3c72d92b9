"""The read-only SQL guard of the datastore: lets a user's query through only if it can read nothing but
the datastore tables it names, and can change nothing.

``check_select(sql, tables, dialect=..., max_length=...)`` parses ``sql`` (what CKAN's
``datastore_search_sql`` takes) with sqlglot in ``dialect`` ("duckdb" or "postgres") and returns it rewritten
in that dialect, or raises :class:`UnsafeSQL` naming the first problem. It accepts exactly one SELECT
(CTEs, set operations, subqueries, joins, window functions, GROUP BY/HAVING/ORDER BY/LIMIT/OFFSET) in which:

* every table is a CTE in scope (strictly: see ``_is_visible_cte``) or a key of ``tables`` (matched
  case-insensitively), which is replaced by its physical reference (``"t1.main.data"``,
  ``'datastore."t_ab12"'``: split on dots, every part quoted), keeping the user's name as the alias; anything
  else, schema-qualified names and DuckDB file scans (``FROM 'x.csv'``) included, is refused;
* every function is in :data:`ALLOWED_FUNCTIONS` (pure scalar, aggregate and window functions), is not
  schema-qualified nor a parenthesis-less ``user``/``current_schema``…; table functions are limited to
  :data:`TABLE_FUNCTIONS`;
* there is no INTO, FOR UPDATE/SHARE, data-modifying CTE, query parameter, empty identifier, unquoted name
  with characters outside identifiers, or user-defined/OID type. Comments are dropped.

The result is parsed and checked again before it is returned. The guard neither runs the query nor adds
limits or timeouts: the caller does, on a read-only connection. A broken ``tables`` mapping or an unknown
dialect is the caller's bug and raises ``ValueError``; everything wrong with ``sql`` raises ``UnsafeSQL``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import sqlglot
from sqlglot import exp
from sqlglot.errors import ErrorLevel, ParseError

from openingup.core.errors import FieldProblem, InvalidInput

__all__ = ["ALLOWED_FUNCTIONS", "TABLE_FUNCTIONS", "UnsafeSQL", "check_select"]

DIALECTS = frozenset({"duckdb", "postgres"})

# Lower-case names, as users write them and as sqlglot names the expression classes it parses them into
# (``string_agg`` → ``group_concat``, ``date_trunc`` → ``timestamp_trunc``, ``strftime`` → ``time_to_str``…).
# Operators that sqlglot models as functions (``and``, ``case``, ``cast``, ``->`` …) are listed too.
ALLOWED_FUNCTIONS: frozenset[str] = frozenset(
    """
    count count_if sum avg min max stddev stddev_pop stddev_samp variance var_pop var_samp variance_pop
    median percentile_cont percentile_disc quantile_cont quantile_disc mode string_agg group_concat
    listagg array_agg list bool_and bool_or logical_and logical_or every corr covar_pop covar_samp
    regr_slope regr_intercept regr_r2 regr_count approx_distinct approx_count_distinct arg_min arg_max
    first last any_value kurtosis skewness product bit_and bit_or bit_xor bitwise_and_agg bitwise_or_agg
    bitwise_xor_agg histogram entropy fsum sumkahan mad abs round ceil ceiling floor sqrt cbrt power pow
    exp ln log log10 log2 mod sign greatest least trunc pi degrees radians sin cos tan asin acos atan
    atan2 random rand isnan isinf isfinite is_nan is_inf gcd lcm factorial bit_count and or xor not case
    if coalesce nullif ifnull nvl cast try_cast extract exists collate array struct row struct_pack lower
    upper lcase ucase length char_length character_length len strlen octet_length bit_length substr
    substring trim ltrim rtrim btrim replace concat concat_ws str_position position strpos instr left
    right lpad rpad pad split_part starts_with ends_with prefix suffix contains regexp_matches regexp_like
    regexp_ilike regexp_i_like regexp_full_match regexp_replace regexp_extract regexp_extract_all
    regexp_split_to_array reverse repeat initcap md5 ascii chr translate format printf split string_split
    str_split string_to_array hex to_hex levenshtein jarowinkler_similarity jaro_winkler_similarity
    array_to_string transform list_transform encode decode base64 to_base64 from_base64 uuid
    gen_random_uuid hash typeof date_trunc timestamp_trunc date_part datepart to_char time_to_str strftime
    strptime str_to_time str_to_date to_date to_timestamp unix_to_time epoch time_to_unix epoch_ms now
    current_date current_timestamp current_time localtimestamp age date_diff datediff date_add date_sub
    make_date date_from_parts make_timestamp timestamp_from_parts year month day hour minute second
    dayofweek day_of_week dayofyear day_of_year dayofweek_iso isodow week quarter last_day justify_days
    date row_number rank dense_rank percent_rank cume_dist ntile lag lead first_value last_value nth_value
    unnest explode generate_series exploding_generate_series range array_length array_size cardinality
    array_contains list_contains array_position array_contains_all array_overlaps array_contained_by
    json_extract json_extract_scalar json_extract_string jsonb_extract jsonb_extract_scalar jsonb_contains
    to_json
    """.split()  # noqa: SIM905
)
# Functions that may stand where a table does (``FROM unnest(...)``, ``FROM generate_series(1, 9)``).
TABLE_FUNCTIONS: frozenset[str] = frozenset(
    {"unnest", "explode", "generate_series", "exploding_generate_series", "range"}
)
_FIRST_WORDS = frozenset({"SELECT", "WITH", "FROM", "("})
# What an unquoted name or keyword may hold: the characters PostgreSQL's and DuckDB's scanners read as part
# of one identifier, so that text sqlglot took for one word is one word to the database too.
_BARE_WORDS = re.compile(r"[A-Za-z0-9_$\u0080-\U0010ffff]+(?: [A-Za-z0-9_$\u0080-\U0010ffff]+)*")
# SQL-standard functions written without parentheses, which sqlglot reads as column names when unquoted.
_BARE_FUNCTIONS = frozenset(
    {"user", "current_user", "session_user", "system_user"}
    | {"current_role", "current_schema", "current_catalog"}
)
# Statements and clauses that write, change the session or reach outside: refused wherever they appear.
_STATEMENTS: tuple[type[exp.Expr], ...] = (
    *(exp.DML, exp.DDL, exp.Alter, exp.Analyze, exp.Attach, exp.Cache, exp.Command, exp.Comment),
    *(exp.Commit, exp.Declare, exp.Describe, exp.Detach, exp.Drop, exp.Execute, exp.ExecuteSql),
    *(exp.Export, exp.Grant, exp.Install, exp.Kill, exp.LoadData, exp.NextValueFor, exp.Pragma),
    *(exp.Refresh, exp.Returning, exp.Revoke, exp.Rollback, exp.Set, exp.Show, exp.Summarize),
    *(exp.Transaction, exp.TruncateTable, exp.Uncache, exp.Undrop, exp.Use, exp.AlterSession),
)
_TABLE_SLOTS = (exp.Table, exp.From, exp.Join, exp.Lateral)
_Reference = tuple[str, ...]


class UnsafeSQL(InvalidInput):
    """The query cannot be run; ``problem`` (also the ``sql`` field problem) says why, in a short phrase."""

    def __init__(self, problem: str) -> None:
        super().__init__("The SQL query was refused.", [FieldProblem("sql", problem)])
        self.problem = problem


def check_select(
    sql: str, tables: Mapping[str, str], *, dialect: str = "duckdb", max_length: int = 20_000
) -> str:
    """Return ``sql`` rewritten to the physical ``tables`` in ``dialect``, or raise :class:`UnsafeSQL`."""
    if dialect not in DIALECTS:
        raise ValueError(f"unsupported SQL dialect {dialect!r}")
    physical = {name.lower(): _split_reference(reference) for name, reference in tables.items()}
    if not isinstance(sql, str):
        raise UnsafeSQL("the SQL must be a string")
    if len(sql) > max_length:
        raise UnsafeSQL(f"the SQL is longer than {max_length} characters")
    if "\x00" in sql:
        raise UnsafeSQL("the SQL contains a NUL character")
    tree = _parse(sql, dialect)
    _inspect(tree, dialect, physical, rewrite=True)
    try:
        rewritten = tree.sql(dialect=dialect, comments=False, unsupported_level=ErrorLevel.RAISE)
    except Exception as error:
        raise UnsafeSQL(f"the SQL cannot be written for {dialect}: {_first_line(error)}") from None
    _inspect(_parse(rewritten, dialect), dialect, physical, rewrite=False)
    return rewritten


def _split_reference(reference: str) -> _Reference:
    parts = tuple(
        part[1:-1].replace('""', '"') if len(part) > 1 and part[0] == part[-1] == '"' else part
        for part in reference.split(".")
    )
    if not 1 <= len(parts) <= 3 or not all(parts):
        raise ValueError(f"bad physical table reference {reference!r}")
    return parts


def _first_line(error: BaseException) -> str:
    if isinstance(error, RecursionError):
        return "the SQL is nested too deeply"
    lines = str(error).strip().splitlines()
    return (lines[0] if lines else type(error).__name__)[:160]


def _parse(sql: str, dialect: str) -> exp.Query:
    try:
        tokens = sqlglot.Dialect.get_or_raise(dialect).tokenize(sql)
    except Exception as error:
        raise UnsafeSQL(f"could not parse the SQL: {_first_line(error)}") from None
    if not tokens or all(token.token_type == sqlglot.TokenType.SEMICOLON for token in tokens):
        raise UnsafeSQL("the SQL is empty")
    first = tokens[0].text.upper()
    if first not in _FIRST_WORDS:
        raise UnsafeSQL(f"only SELECT statements are allowed, not {first[:40]}")
    ends = [i for i, token in enumerate(tokens) if token.token_type == sqlglot.TokenType.SEMICOLON]
    if ends and any(token.token_type != sqlglot.TokenType.SEMICOLON for token in tokens[ends[0] :]):
        raise UnsafeSQL("only one statement is allowed")
    try:
        statements = [s for s in sqlglot.parse(sql, read=dialect) if s is not None]
    except ParseError as error:
        near = error.errors[0].get("highlight") if error.errors else None
        hint = f' (near "{str(near)[:40]}")' if near else ""
        raise UnsafeSQL(f"could not parse the SQL: {_first_line(error)}{hint}") from None
    except Exception as error:  # sqlglot raises more than ParseError on odd input (RecursionError…)
        raise UnsafeSQL(f"could not parse the SQL: {_first_line(error)}") from None
    if len(statements) != 1:
        raise UnsafeSQL("the SQL is empty" if not statements else "only one statement is allowed")
    statement = statements[0]
    if not isinstance(statement, exp.Query):
        raise UnsafeSQL(f"only SELECT statements are allowed, not {_kind(statement)}")
    return statement


def _kind(node: exp.Expr) -> str:
    if isinstance(node, exp.Command):
        return str(node.this).upper()
    return type(node).__name__.upper()


def _inspect(tree: exp.Query, dialect: str, physical: dict[str, _Reference], *, rewrite: bool) -> None:
    """Refuse anything unsafe in ``tree``; with ``rewrite`` swap the user's table names for physical ones,
    without it (the second pass, over the rewritten SQL) accept only the physical references themselves."""
    for node in list(tree.walk()):
        if isinstance(node, _STATEMENTS):
            raise UnsafeSQL(f"only SELECT statements are allowed, not {_kind(node)}")
        if isinstance(node, exp.Into):
            raise UnsafeSQL("SELECT … INTO is not allowed")
        if isinstance(node, exp.Lock):
            raise UnsafeSQL("locking clauses (FOR UPDATE/FOR SHARE) are not allowed")
        if isinstance(node, (exp.Placeholder, exp.Parameter, exp.SessionParameter)):
            raise UnsafeSQL(f"query parameters are not allowed: {node.sql(dialect=dialect)}")
        if isinstance(node, exp.Identifier) and not node.name:
            raise UnsafeSQL('empty identifiers ("") are not allowed')
        if isinstance(node, (exp.Identifier, exp.Var)) and not node.args.get("quoted"):
            name = str(node.name)
            if not _BARE_WORDS.fullmatch(name) or (" " in name and isinstance(node, exp.Identifier)):
                raise UnsafeSQL(f"the name {name[:40]!r} must be quoted")
        if isinstance(node, exp.ObjectIdentifier) or (
            isinstance(node, exp.DataType) and node.this == exp.DataType.Type.USERDEFINED
        ):
            raise UnsafeSQL(f"type {node.sql(dialect=dialect)} is not allowed")
        if isinstance(node, exp.Dot) and isinstance(node.expression, exp.Func):
            raise UnsafeSQL(f"qualified function {node.sql(dialect=dialect)[:60]} is not allowed")
        if isinstance(node, exp.Column) and not node.table and _is_bare_function(node.this):
            raise UnsafeSQL(f"function {node.name.lower()} is not allowed")
        if isinstance(node, exp.Func):
            _check_function(node, dialect)
        elif isinstance(node, exp.Table):
            _check_table(node, dialect, physical, rewrite)


def _is_bare_function(name: exp.Expr) -> bool:
    """``user``, ``current_schema``…: quoted, they are columns of that name."""
    return isinstance(name, exp.Identifier) and not name.quoted and name.name.lower() in _BARE_FUNCTIONS


def _function_name(node: exp.Func) -> str:
    if isinstance(node, (exp.Anonymous, exp.AnonymousAggFunc)):
        return str(node.name).lower()
    return node.sql_name().lower()


def _check_function(node: exp.Func, dialect: str) -> None:
    name = _function_name(node)
    if isinstance(node.parent, _TABLE_SLOTS) and node.arg_key == "this" and name not in TABLE_FUNCTIONS:
        raise UnsafeSQL(f"table function {_shown(node, name, dialect)} is not allowed")
    if name not in ALLOWED_FUNCTIONS:
        raise UnsafeSQL(f"function {_shown(node, name, dialect)} is not allowed")


def _shown(node: exp.Func, name: str, dialect: str) -> str:
    """The function's name as SQL spells it (``xmltable``, not sqlglot's ``x_m_l_table``), for messages."""
    try:
        head = node.sql(dialect=dialect).split("(", 1)[0].strip().lower()
    except Exception:
        return name
    return head if re.fullmatch(r"\w+", head) else name


def _check_table(node: exp.Table, dialect: str, physical: dict[str, _Reference], rewrite: bool) -> None:
    target = node.this
    if isinstance(target, exp.Func) or (target is None and node.args.get("rows_from")):
        return  # checked as a function (and its arguments) on their own
    if not isinstance(target, exp.Identifier):
        raise UnsafeSQL(f"table reference {node.sql(dialect=dialect)[:60]} is not allowed")
    parts = tuple(part.name for part in (node.args.get("catalog"), node.args.get("db"), target) if part)
    if not all(parts):
        raise UnsafeSQL('empty identifiers ("") are not allowed')
    if len(parts) == 1 and _is_visible_cte(node, target, dialect):
        return
    if not rewrite:
        if parts not in physical.values():
            raise UnsafeSQL(f'unknown table "{".".join(parts)}"')
        return
    if len(parts) > 1:
        raise UnsafeSQL(f'schema-qualified table "{".".join(parts)}" is not allowed')
    reference = physical.get(target.name.lower())
    if reference is None:
        raise UnsafeSQL(f'unknown table "{target.name}"')
    if not node.args.get("alias"):
        node.set("alias", exp.TableAlias(this=target.copy()))
    identifiers = [exp.to_identifier(part, quoted=True) for part in reference]
    node.set("this", identifiers[-1])
    node.set("db", identifiers[-2] if len(identifiers) > 1 else None)
    node.set("catalog", identifiers[-3] if len(identifiers) > 2 else None)


def _normalise(identifier: exp.Identifier, dialect: str) -> str:
    """Name as the database resolves it: DuckDB ignores case; PostgreSQL folds unquoted names only."""
    if dialect == "postgres" and identifier.quoted:
        return str(identifier.name)
    return str(identifier.name).lower()


def _is_visible_cte(node: exp.Table, target: exp.Identifier, dialect: str) -> bool:
    """Whether a CTE of an enclosing WITH that is in scope at ``node`` has the table's name.

    In a CTE's body only the CTEs before it are in scope; the CTE itself only in the recursive term (the right
    side of a top-level UNION) of a WITH RECURSIVE. Elsewhere DuckDB reads the name as a real table, so a CTE
    named like one could otherwise reach it; this rule is stricter than the databases', never looser.
    """
    name = _normalise(target, dialect)
    path: list[exp.Expr] = [node]  # from the table up to ``parent``
    parent = node.parent
    while parent is not None:
        child = path[-1]
        visible: list[exp.Expr] = []
        if isinstance(parent, exp.With):
            ctes = list(parent.expressions)
            position = next((i for i, cte in enumerate(ctes) if cte is child), len(ctes))
            visible = ctes[:position]
            body = path[-2] if len(path) > 1 else None
            if parent.args.get("recursive") and isinstance(body, exp.Union) and len(path) > 2:
                visible += ctes[position : position + 1] if path[-3].arg_key == "expression" else []
        elif isinstance(parent, exp.Query) and child.arg_key != "with_":
            with_ = parent.args.get("with_")
            visible = list(with_.expressions) if with_ else []
        for cte in visible:
            alias = cte.args.get("alias")
            identifier = alias.this if isinstance(alias, exp.TableAlias) else None
            if isinstance(identifier, exp.Identifier) and _normalise(identifier, dialect) == name:
                return True
        path.append(parent)
        parent = parent.parent
    return False
