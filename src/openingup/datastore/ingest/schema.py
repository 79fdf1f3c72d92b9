"""Enforcing a Table Schema (https://specs.frictionlessdata.io/table-schema/) given with a distribution.

The schema's types replace inference; every value that does not fit is a ``type-error`` and every
broken constraint a ``constraint-error`` / ``unique-error`` / ``primary-key-error`` with its row. Data
that does not conform is not loaded: the publisher gets the report and the previous version stays.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import duckdb

from openingup.datastore.ingest.infer import Column, _nullable, guess, quote
from openingup.datastore.report import IngestError, Report

EXAMPLES = 20
TYPES = {"string", "integer", "number", "boolean", "date", "datetime", "geopoint", "any", "year", "time"}


def _column(name: str, field: dict[str, Any], inferred: Column) -> Column:
    kind = field.get("type", "string")
    n = _nullable("{c}")
    if kind in {"string", "any"}:
        return Column(name, "string", "VARCHAR")
    if kind == "integer" or kind == "year":
        return Column(name, kind, "BIGINT", f"CAST({n} AS BIGINT)", f"TRY_CAST({n} AS BIGINT)")
    if kind == "number":
        decimal, group = field.get("decimalChar", "."), field.get("groupChar", "")
        expr = n
        if group:
            expr = f"replace({expr}, '{group}', '')"
        if decimal != ".":
            expr = f"replace({expr}, '{decimal}', '.')"
        return Column(name, "number", "DOUBLE", f"CAST({expr} AS DOUBLE)", f"TRY_CAST({expr} AS DOUBLE)")
    if kind == "boolean":
        trues = field.get("trueValues") or ["true", "True", "TRUE", "1"]
        falses = field.get("falseValues") or ["false", "False", "FALSE", "0"]
        t = ", ".join("'" + str(v).replace("'", "''") + "'" for v in trues)
        f = ", ".join("'" + str(v).replace("'", "''") + "'" for v in falses)
        expr = f"CASE WHEN {n} IN ({t}) THEN TRUE WHEN {n} IN ({f}) THEN FALSE END"
        return Column(name, "boolean", "BOOLEAN", expr, expr)
    if kind in {"date", "datetime", "time"}:
        fmt = field.get("format", "default")
        sql_type = {"date": "DATE", "datetime": "TIMESTAMP", "time": "TIME"}[kind]
        if fmt in {"default", "any", ""}:
            return Column(name, kind, sql_type, f"CAST({n} AS {sql_type})", f"TRY_CAST({n} AS {sql_type})")
        fmt = fmt.replace("'", "''")
        return Column(
            name, kind, sql_type, f"CAST(strptime({n}, '{fmt}') AS {sql_type})",
            f"CAST(try_strptime({n}, '{fmt}') AS {sql_type})", fmt,
        )  # fmt: skip
    if kind == "geopoint":
        return guess(name, []) if inferred.type != "geopoint" else inferred
    raise IngestError("schema-error", f'field "{name}" has type "{kind}", which the datastore does not know')


def enforce(
    con: duckdb.DuckDBPyConnection,
    table: str,
    columns: Sequence[Column],
    schema: dict[str, Any],
    report: Report,
) -> list[Column]:
    """The columns typed as ``schema`` says; raises IngestError (with the report) when data breaks it."""
    fields = schema.get("fields")
    if not isinstance(fields, list) or not all(isinstance(f, dict) and f.get("name") for f in fields):
        raise IngestError("schema-error", "the Table Schema has no list of named fields", report)
    by_name = {c.name.lower(): c for c in columns}
    out: list[Column] = []
    for f in fields:
        if f.get("type", "string") not in TYPES:
            raise IngestError(
                "schema-error", f'field "{f["name"]}" has unknown type "{f.get("type")}"', report
            )
        c = by_name.get(str(f["name"]).lower())
        if c is None:
            report.add("missing-label", f'The Table Schema requires a column "{f["name"]}".', field=f["name"])
            continue
        out.append(_column(c.name, f, c))
    declared = {str(f["name"]).lower() for f in fields}
    for c in columns:
        if c.name.lower() not in declared:
            report.add("extra-label", f'Column "{c.name}" is not in the Table Schema.', field=c.name)
            out.append(c)
    t = quote(table)
    for col, f in zip(out, fields, strict=False):
        _check_values(con, t, col, f, report)
    keys = schema.get("primaryKey") or []
    keys = [keys] if isinstance(keys, str) else keys
    if keys:
        cols = ", ".join(quote(by_name[k.lower()].name) for k in keys if k.lower() in by_name)
        if cols:
            dupes = con.execute(
                f"SELECT min(rowid) + 2 FROM {t} GROUP BY {cols} HAVING count(*) > 1 "
                f"ORDER BY 1 LIMIT {EXAMPLES}"
            ).fetchall()
            for (row,) in dupes:
                report.add("primary-key-error", f"Primary key ({', '.join(keys)}) repeats a value.", row=row)
    errors = [p for p in report.problems if p["code"] not in {"preamble", "blank-row"}]
    if errors:
        first = errors[0]
        raise IngestError(
            first["code"],
            f"the data does not conform to its Table Schema ({len(errors)} problem(s)); "
            f"first: {first['message']}",
            report,
        )
    return out


def _check_values(
    con: duckdb.DuckDBPyConnection, t: str, col: Column, f: dict[str, Any], report: Report
) -> None:
    q = quote(col.name)
    raw = _nullable(q)
    value = col.attempt.format(c=q)
    checks: list[tuple[str, str, str]] = []
    if col.attempt != "{c}":
        checks.append(
            ("type-error", f"({raw}) IS NOT NULL AND ({value}) IS NULL", f"is not a valid {col.type}")
        )
    constraints = f.get("constraints") or {}
    if constraints.get("required"):
        checks.append(("constraint-error", f"({raw}) IS NULL", "is required but empty"))
    for key, op in (("minimum", "<"), ("maximum", ">")):
        if key in constraints:
            lit = str(constraints[key]).replace("'", "''")
            checks.append(("constraint-error", f"({value}) {op} '{lit}'", f"breaks {key} {constraints[key]}"))
    for key, op in (("minLength", "<"), ("maxLength", ">")):
        if key in constraints:
            checks.append(
                ("constraint-error", f"length({raw}) {op} {int(constraints[key])}", f"breaks {key}")
            )
    if "pattern" in constraints:
        pat = str(constraints["pattern"]).replace("'", "''")
        checks.append(
            ("constraint-error", f"NOT regexp_full_match({raw}, '{pat}')", "does not match the pattern")
        )
    if "enum" in constraints:
        values = ", ".join("'" + str(v).replace("'", "''") + "'" for v in constraints["enum"])
        checks.append(("constraint-error", f"({raw}) NOT IN ({values})", "is not one of the allowed values"))
    for code, where, problem in checks:
        rows = con.execute(f"SELECT rowid + 2, {q} FROM {t} WHERE {where} ORDER BY rowid LIMIT {EXAMPLES}")
        for row, cell in rows.fetchall():
            report.add(code, f'"{cell}" {problem}.', row=row, field=col.name)
    if constraints.get("unique"):
        dupes = con.execute(
            f"SELECT min(rowid) + 2, {q} FROM {t} WHERE {q} IS NOT NULL GROUP BY {q} HAVING count(*) > 1 "
            f"ORDER BY 1 LIMIT {EXAMPLES}"
        ).fetchall()
        for row, cell in dupes:
            report.add("unique-error", f'"{cell}" appears more than once.', row=row, field=col.name)
