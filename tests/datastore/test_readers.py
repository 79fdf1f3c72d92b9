"""The non-CSV readers: XLSX, ODS, JSON, NDJSON, GeoJSON and Parquet into typed DuckDB tables."""

from __future__ import annotations

import datetime as dt
import json
import os
import zipfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
import xlsxwriter

from openingup.datastore import readers
from openingup.datastore.readers import _base, _jsonstream
from openingup.datastore.report import IngestError, Report

GARBAGE = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8


# --- helpers -----------------------------------------------------------------------------------------


def load(
    path: Path, kind: str, limits: readers.Limits | None = None
) -> tuple[duckdb.DuckDBPyConnection, Report]:
    con = duckdb.connect()
    report = Report()
    readers.load_into(path, kind, con, "raw", report, limits or readers.Limits())
    return con, report


def fail(
    path: Path, kind: str, limits: readers.Limits | None = None
) -> tuple[IngestError, duckdb.DuckDBPyConnection]:
    con = duckdb.connect()
    with pytest.raises(IngestError) as caught:
        readers.load_into(path, kind, con, "raw", Report(), limits or readers.Limits())
    assert caught.value.code == "format-error"
    assert tables(con) == []  # nothing left behind
    return caught.value, con


def tables(con: duckdb.DuckDBPyConnection) -> list[str]:
    return [r[0] for r in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]


def columns(con: duckdb.DuckDBPyConnection) -> list[tuple[str, str]]:
    return [(r[0], r[1]) for r in con.execute("DESCRIBE raw").fetchall()]


def rows(con: duckdb.DuckDBPyConnection, select: str = "*") -> list[tuple[Any, ...]]:
    return con.execute(f"SELECT {select} FROM raw").fetchall()


def codes(report: Report) -> list[tuple[str, int | None, str | None]]:
    return [(p["code"], p["row"], p["field"]) for p in report.problems]


def write_json(path: Path, value: Any) -> Path:
    path.write_text(json.dumps(value, indent=1), encoding="utf-8")
    return path


def ods_cell(value: Any) -> str:
    if value is None:
        return "<table:table-cell/>"
    if isinstance(value, bool):
        return (
            f'<table:table-cell office:value-type="boolean" office:boolean-value="{str(value).lower()}">'
            "<text:p>x</text:p></table:table-cell>"
        )
    if isinstance(value, int | float):
        return (
            f'<table:table-cell office:value-type="float" office:value="{value}">'
            f"<text:p>{value}</text:p></table:table-cell>"
        )
    if isinstance(value, dt.date):
        return (
            f'<table:table-cell office:value-type="date" office:date-value="{value.isoformat()}">'
            "<text:p>x</text:p></table:table-cell>"
        )
    return f'<table:table-cell office:value-type="string"><text:p>{escape(value)}</text:p></table:table-cell>'


def write_ods(path: Path, sheet: Sequence[Sequence[Any] | int]) -> Path:
    """A minimal valid ODS; an int in ``sheet`` is that many empty (repeated) rows."""
    body = []
    for row in sheet:
        if isinstance(row, int):
            body.append(
                f'<table:table-row table:number-rows-repeated="{row}"><table:table-cell/></table:table-row>'
            )
        else:
            body.append("<table:table-row>" + "".join(ods_cell(v) for v in row) + "</table:table-row>")
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="Blad1">'
        + "".join(body)
        + "</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" '
        'manifest:version="1.2"><manifest:file-entry manifest:full-path="/" '
        'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
            compress_type=zipfile.ZIP_STORED,
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return path


def write_xlsx(path: Path, sheet: Sequence[Sequence[Any]], *, empty_first: bool = False) -> Path:
    book = xlsxwriter.Workbook(str(path))
    if empty_first:
        book.add_worksheet("leeg")
    ws = book.add_worksheet("data")
    date = book.add_format({"num_format": "yyyy-mm-dd"})
    stamp = book.add_format({"num_format": "yyyy-mm-dd hh:mm:ss"})
    for r, row in enumerate(sheet):
        for c, value in enumerate(row):
            if isinstance(value, dt.datetime):
                ws.write_datetime(r, c, value, stamp)
            elif isinstance(value, dt.date):
                ws.write_datetime(r, c, value, date)
            elif value is not None:
                ws.write(r, c, value)
    book.close()
    return path


# --- XLSX / ODS --------------------------------------------------------------------------------------


def test_xlsx_types_names_and_problems(tmp_path: Path) -> None:
    day, moment = dt.date(2024, 1, 2), dt.datetime(2024, 1, 2, 3, 4, 5)
    sheet: list[list[Any]] = [
        ["Bevolking per gemeente, 2024"],  # row 1: preamble
        [],  # row 2
        [
            "naam",
            "aantal",
            "bedrag",
            "datum",
            "tijdstip",
            "ok",
            "gemengd",
            None,
            "Naam",
            2024,
        ],  # row 3: header
        ["Amsterdam", 3, 1.5, day, moment, True, 1, "x", "a", 7],  # row 4
        [],  # row 5: blank
        ["Utrecht", 4, 2, day, moment, False, dt.date(2024, 5, 6), None, "b", 8, "EXTRA"],  # row 6
        ["Zwolle", None, 2.25, None, None, None, "drie", None, "c", 9],  # row 7
        ["Ede", 5, 3, day, moment, True, 2.5, None, None, None],  # row 8
    ]
    con, report = load(write_xlsx(tmp_path / "cijfers.xlsx", sheet, empty_first=True), "xlsx")
    assert columns(con) == [
        ("naam", "VARCHAR"),
        ("aantal", "BIGINT"),
        ("bedrag", "DOUBLE"),
        ("datum", "DATE"),
        ("tijdstip", "TIMESTAMP"),
        ("ok", "BOOLEAN"),
        ("gemengd", "VARCHAR"),
        ("column_8", "VARCHAR"),
        ("Naam_2", "VARCHAR"),
        ("2024", "BIGINT"),
    ]
    assert rows(con) == [
        ("Amsterdam", 3, 1.5, day, moment, True, "1", "x", "a", 7),
        ("Utrecht", 4, 2.0, day, moment, False, "2024-05-06", None, "b", 8),
        ("Zwolle", None, 2.25, None, None, None, "drie", None, "c", 9),
        ("Ede", 5, 3.0, day, moment, True, "2.5", None, None, None),
    ]
    assert codes(report) == [
        ("preamble", 1, None),
        ("blank-header", 1, "column_8"),
        ("duplicate-label", 1, "Naam_2"),
        ("blank-row", 5, None),
        ("extra-cell", 6, None),
    ]
    assert "Bevolking per gemeente, 2024" in report.problems[0]["message"]


def test_xlsx_header_is_first_non_empty_row_and_single_column_sheets_keep_it(tmp_path: Path) -> None:
    con, report = load(write_xlsx(tmp_path / "a.xlsx", [[], [], ["code"], ["A"], ["B"]]), "xlsx")
    assert columns(con) == [("code", "VARCHAR")]
    assert rows(con) == [("A",), ("B",)]
    assert report.problems == []


def test_xlsx_skips_chart_sheets_and_finds_data_far_down(tmp_path: Path) -> None:
    path = tmp_path / "a.xlsx"
    book = xlsxwriter.Workbook(str(path))
    charts = book.add_chartsheet("grafiek")
    data = book.add_worksheet("data")
    chart = book.add_chart({"type": "column"})
    chart.add_series({"values": "=data!$A$62:$A$63"})
    charts.set_chart(chart)
    data.write_row(60, 3, ["a", "b"])  # D61:E61
    data.write_row(61, 3, [1, "x"])
    data.write_row(62, 3, [2, "y"])
    book.close()
    con, report = load(path, "xlsx")
    assert rows(con) == [(1, "x"), (2, "y")]
    assert report.problems == []


def test_xlsx_header_only_gives_empty_typed_table(tmp_path: Path) -> None:
    con, _ = load(write_xlsx(tmp_path / "a.xlsx", [["a", "b"]]), "xlsx")
    assert columns(con) == [("a", "VARCHAR"), ("b", "VARCHAR")]
    assert rows(con) == []


def test_xlsx_streams_in_chunks_and_reports_progress(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(_base, "CHUNK_ROWS", 7)
    sheet = [["n", "half"]] + [[i, i / 2] for i in range(100)]
    seen: list[float] = []
    con = duckdb.connect()
    readers.load_into(
        write_xlsx(tmp_path / "a.xlsx", sheet), "xlsx", con, "raw", Report(), progress=seen.append
    )
    assert columns(con) == [("n", "BIGINT"), ("half", "DOUBLE")]
    assert rows(con, "count(*), sum(n), sum(half)") == [(100, 4950, 2475.0)]
    assert rows(con, "n")[:3] == [(0,), (1,), (2,)]  # file order
    assert seen == sorted(seen) and seen[-1] == 1.0 and len(seen) > 2


def test_ods_types_and_blank_rows(tmp_path: Path) -> None:
    sheet: list[Sequence[Any] | int] = [
        ["naam", "aantal", "prijs", "datum", "ok", "mix"],
        ["a", 3, 1.5, dt.date(2021, 3, 4), True, 1],
        2,
        ["b", 4, 2, dt.date(2021, 3, 5), False, "twee"],
    ]
    con, report = load(write_ods(tmp_path / "a.ods", sheet), "ods")
    assert columns(con) == [
        ("naam", "VARCHAR"),
        ("aantal", "BIGINT"),
        ("prijs", "DOUBLE"),
        ("datum", "DATE"),
        ("ok", "BOOLEAN"),
        ("mix", "VARCHAR"),
    ]
    assert rows(con) == [
        ("a", 3, 1.5, dt.date(2021, 3, 4), True, "1"),
        ("b", 4, 2.0, dt.date(2021, 3, 5), False, "twee"),
    ]
    assert codes(report) == [("blank-row", 3, None), ("blank-row", 4, None)]


def test_ods_named_xlsx_is_read_by_its_content(tmp_path: Path) -> None:
    con, _ = load(write_ods(tmp_path / "really-ods.xlsx", [["a"], [1]]), "xlsx")
    assert rows(con) == [(1,)]


def test_zip_bomb_is_refused_before_decompressing(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * (50 * 1024**2))
    assert bomb.stat().st_size < 1024**2
    error, _ = fail(bomb, "xlsx")
    assert "looks like a zip bomb: 52,428,800 bytes uncompressed" in str(error)
    assert error.report.problems[-1]["code"] == "format-error"


def test_total_uncompressed_size_is_limited(tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "a.xlsx", [["a"], [1]])
    error, _ = fail(book, "xlsx", readers.Limits(max_uncompressed_bytes=1000))
    assert "looks like a zip bomb" in str(error) and "bytes uncompressed (the limit is 1,000)" in str(error)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (GARBAGE, "not a valid XLSX file: File is not a zip file"),
        (
            b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(500),
            "OLE2 container (an encrypted workbook or an old .xls)",
        ),
        (b"", "not a valid XLSX file"),
    ],
)
def test_not_an_xlsx(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    error, _ = fail(path, "xlsx")
    assert message in str(error)


def test_zip_without_a_workbook(tmp_path: Path) -> None:
    path = tmp_path / "x.ods"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("readme.txt", "hello")
    error, _ = fail(path, "ods")
    assert str(error) == "not a valid ODS file: the zip holds no workbook"


def test_corrupt_workbook_inside_a_valid_zip(tmp_path: Path) -> None:
    path = tmp_path / "x.xlsx"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("xl/workbook.xml", "<not-closed")
    error, _ = fail(path, "xlsx")
    assert str(error).startswith("not a valid XLSX file: ")


def test_workbook_without_data(tmp_path: Path) -> None:
    error, _ = fail(write_xlsx(tmp_path / "a.xlsx", [], empty_first=True), "xlsx")
    assert str(error) == "the XLSX file holds no data: every sheet is empty"


def test_sheet_wider_than_the_limit(tmp_path: Path) -> None:
    book = write_xlsx(tmp_path / "a.xlsx", [["a", "b", "c", "d", "e"], [1, 2, 3, 4, 5]])
    error, _ = fail(book, "xlsx", readers.Limits(max_columns=3))
    assert str(error) == "the file has 5 columns; the limit is 3"


# --- JSON --------------------------------------------------------------------------------------------


def test_json_array_types_nested_and_names(tmp_path: Path) -> None:
    records = [
        {"id": 1, "Naam": "a", "prijs": 1, "ok": True, "dag": "2024-01-02", "nl_dag": "02-01-2024",
         "moment": "2024-01-02T03:04:05", "adres": {"straat": "Dam", "nr": 1}, "tags": ["x", "y"],
         "mix": 1, "": "leeg", "naam": "dup"},
        {"id": 2, "Naam": "b", "prijs": 2.5, "ok": False, "dag": "2024-01-03", "nl_dag": "03-01-2024",
         "moment": None, "adres": None, "tags": [], "mix": "twee", "laat": "later"},
    ]  # fmt: skip
    con, report = load(write_json(tmp_path / "a.json", records), "json")
    assert columns(con) == [
        ("id", "BIGINT"),
        ("Naam", "VARCHAR"),
        ("prijs", "DOUBLE"),
        ("ok", "BOOLEAN"),
        ("dag", "DATE"),
        ("nl_dag", "VARCHAR"),  # only ISO dates are typed here
        ("moment", "TIMESTAMP"),
        ("adres", "VARCHAR"),
        ("tags", "VARCHAR"),
        ("mix", "VARCHAR"),
        ("column_11", "VARCHAR"),
        ("naam_2", "VARCHAR"),
        ("laat", "VARCHAR"),
    ]
    assert rows(con) == [
        (1, "a", 1.0, True, dt.date(2024, 1, 2), "02-01-2024", dt.datetime(2024, 1, 2, 3, 4, 5),
         '{"straat":"Dam","nr":1}', '["x","y"]', "1", "leeg", "dup", None),
        (2, "b", 2.5, False, dt.date(2024, 1, 3), "03-01-2024", None, None, "[]", "twee", None, None,
         "later"),
    ]  # fmt: skip
    assert codes(report) == [("blank-header", 1, "column_11"), ("duplicate-label", 1, "naam_2")]


@pytest.mark.parametrize(
    "document",
    [
        {
            "help": "…",
            "success": True,
            "result": {
                "records": [{"a": 1}, {"a": 2}],
                "fields": [{"id": "a"}, {"id": "b"}, {"id": "c"}],
                "total": 2,
            },
        },
        {"data": [{"a": 1}, {"a": 2}], "meta": {"count": 2}},
        {"_links": {"self": {"href": "x"}}, "_embedded": {"stations": [{"a": 1}, {"a": 2}]}, "page": 1},
        {"response": {"numFound": 2, "docs": [{"a": 1}, {"a": 2}]}, "highlighting": {}},
        {"updated": "2024", "owners": [{"b": 1}], "stations": [{"a": 1}, {"a": 2}]},
    ],
    ids=["ckan", "data", "hal", "solr", "largest"],
)
def test_json_object_wrapping_records(tmp_path: Path, document: dict[str, Any]) -> None:
    con, report = load(write_json(tmp_path / "a.json", document), "json")
    assert columns(con) == [("a", "BIGINT")]
    assert rows(con) == [(1,), (2,)]
    assert report.problems == []


def test_json_single_object_is_one_row(tmp_path: Path) -> None:
    con, _ = load(write_json(tmp_path / "a.json", {"naam": "x", "aantal": 3, "pos": [1, 2]}), "json")
    assert columns(con) == [("naam", "VARCHAR"), ("aantal", "BIGINT"), ("pos", "VARCHAR")]
    assert rows(con) == [("x", 3, "[1,2]")]


def test_json_with_features_is_read_as_geojson(tmp_path: Path) -> None:
    document = {"features": [{"type": "Feature", "properties": {"a": 1}, "geometry": None}]}
    con, _ = load(write_json(tmp_path / "a.json", document), "json")
    assert [c[0] for c in columns(con)] == ["a", "geometry", "__minx", "__miny", "__maxx", "__maxy"]


def test_json_items_that_are_not_objects_are_skipped(tmp_path: Path) -> None:
    con, report = load(write_json(tmp_path / "a.json", [{"a": 1}, 5, None, {"a": 2}]), "json")
    assert rows(con) == [(1,), (2,)]
    assert codes(report) == [("format-error", 3, None), ("format-error", 4, None)]
    assert report.problems[0]["message"] == "Array item 2 is a number, not an object; skipped."


def test_json_array_read_by_duckdb_matches_the_python_path(tmp_path: Path) -> None:
    """A clean array loads through DuckDB directly; wrapped in an object it goes through Python."""
    records = [
        {"nr": 1, "naam": "Dam", "prijs": 1, "sinds": "2024-01-02", "gezien": "2024-01-02T03:04:05Z",
         "lokaal": "2024-01-02 03:04:05", "adres": {"straat": "Dam", "nr": [1, 2]}, "mix": 1, "leeg": None,
         "straße": "é"},
        {"nr": 2, "naam": "Plein", "prijs": 2.5, "sinds": None, "gezien": "2024-01-02T05:04:05+02:00",
         "lokaal": None, "adres": [], "mix": {"a": "b"}, "leeg": None, "straße": None, "later": True},
    ]  # fmt: skip
    expected_columns = [
        ("nr", "BIGINT"),
        ("naam", "VARCHAR"),
        ("prijs", "DOUBLE"),
        ("sinds", "DATE"),
        ("gezien", "TIMESTAMP WITH TIME ZONE"),
        ("lokaal", "TIMESTAMP"),
        ("adres", "VARCHAR"),
        ("mix", "VARCHAR"),
        ("leeg", "VARCHAR"),
        ("straße", "VARCHAR"),
        ("later", "BOOLEAN"),
    ]
    select = "nr, prijs, sinds, epoch(gezien), lokaal, adres, mix, leeg, straße, later"
    expected_rows = [
        (1, 1.0, dt.date(2024, 1, 2), 1704164645.0, dt.datetime(2024, 1, 2, 3, 4, 5),
         '{"straat":"Dam","nr":[1,2]}', "1", None, "é", None),
        (2, 2.5, None, 1704164645.0, None, "[]", '{"a":"b"}', None, None, True),
    ]  # fmt: skip
    for document in (records, {"data": records}):
        con, report = load(write_json(tmp_path / "a.json", document), "json")
        assert columns(con) == expected_columns
        assert rows(con, select) == expected_rows
        assert report.problems == []


@pytest.mark.parametrize("chunk", [1 << 20, 5])
def test_json_array_streams_across_chunks(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int
) -> None:
    monkeypatch.setattr(_jsonstream, "CHUNK", chunk)
    records = [
        {"n": i * 1234567, "s": "é" * (i % 13) + '"\\', "f": i / 7, "t": i % 2 == 0} for i in range(300)
    ]
    path = tmp_path / "a.json"
    # The trailing number sends the array through Python's streaming parser rather than DuckDB.
    path.write_text("\ufeff \n" + json.dumps([*records, 7], ensure_ascii=False) + "\n\n", encoding="utf-8")
    con, report = load(path, "json")
    assert columns(con) == [("n", "BIGINT"), ("s", "VARCHAR"), ("f", "DOUBLE"), ("t", "BOOLEAN")]
    assert rows(con) == [(r["n"], r["s"], r["f"], r["t"]) for r in records]
    assert codes(report) == [("format-error", 302, None)]


@pytest.mark.parametrize("chunk", [1 << 20, 3])
@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[{"a": 1},\n {"a": 2,, "b": 3}]', "invalid JSON at line 2 column 10: Expecting property name"),
        ('[{"a": 1}\n {"a": 2}]', "invalid JSON at line 2 column 2: Expecting ',' delimiter"),
        ('[{"a": 1}]\n\n  x', "invalid JSON at line 3 column 3: Extra data"),
        ('[{"a": "open', "invalid JSON at line 1 column 8: Unterminated string starting at"),
        ('{"a": [1, 2}\n', "invalid JSON at line 1 column 12: Expecting ',' delimiter"),
        ("nope", "invalid JSON at line 1 column 1: Expecting value"),
        ("5", "the JSON holds a number, not objects"),
        ("  \n", "the file is empty"),
        ("[]", "the file holds no JSON objects to make rows of"),
        ("[1, 2]", "the file holds no JSON objects to make rows of"),
        ("[{}, {}]", "the JSON objects have no fields to make columns of"),
    ],
)
def test_json_errors(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, chunk: int, text: str, message: str
) -> None:
    monkeypatch.setattr(_jsonstream, "CHUNK", chunk)
    path = tmp_path / "a.json"
    path.write_text(text, encoding="utf-8")
    error, _ = fail(path, "json")
    assert str(error).startswith(message)


def test_json_binary_garbage(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_bytes(GARBAGE)
    error, _ = fail(path, "json")
    assert str(error) == "invalid JSON: the file is not UTF-8 text (invalid start byte)"


def test_json_wider_than_the_limit(tmp_path: Path) -> None:
    path = write_json(tmp_path / "wide.json", [{f"k{i}": i for i in range(3000)}])
    error, _ = fail(path, "json")
    assert str(error) == "the file has 3,000 columns; the limit is 2,000"


def test_json_object_larger_than_the_limit(tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", {"data": [{"a": i} for i in range(100)]})
    error, _ = fail(path, "json", readers.Limits(max_uncompressed_bytes=100))
    assert "too large to read" in str(error)


# --- NDJSON ------------------------------------------------------------------------------------------


def test_ndjson_skips_broken_lines_with_their_number(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_bytes(
        b'\xef\xbb\xbf{"a": 1, "b": "x"}\n{"a": 2, "b": \n\n[1, 2]\n{"a": 3, "c": {"d": 1}}\n{"a": "\xff"}\n'
    )
    con, report = load(path, "ndjson")
    assert columns(con) == [("a", "BIGINT"), ("b", "VARCHAR"), ("c", "VARCHAR")]
    assert rows(con) == [(1, "x", None), (3, None, '{"d":1}')]
    assert codes(report) == [("format-error", 2, None), ("format-error", 4, None), ("format-error", 6, None)]
    assert (
        report.problems[0]["message"] == "Line 2 is not valid JSON (Expecting value at column 15); skipped."
    )
    assert report.problems[1]["message"] == "Line 4 is an array, not an object; skipped."
    assert "not UTF-8" in report.problems[2]["message"]


def test_ndjson_keys_duckdb_cannot_take_as_they_are(tmp_path: Path) -> None:
    path = tmp_path / "a.ndjson"
    path.write_text('{"Naam": "a", "naam": "b", "x": 1}\n{"x": 2, "x": 3}\n', encoding="utf-8")
    con, report = load(path, "ndjson")
    assert columns(con) == [("Naam", "VARCHAR"), ("naam_2", "VARCHAR"), ("x", "BIGINT")]
    assert rows(con) == [("a", "b", 1), (None, None, 3)]
    assert codes(report) == [("duplicate-label", 1, "naam_2")]
    path.write_text('{"x": 1}\n{"x": 2, "x": 3}\n', encoding="utf-8")  # safe keys, but DuckDB refuses
    con, report = load(path, "ndjson")
    assert rows(con) == [(1,), (3,)]


def test_ndjson_with_every_line_broken_fails(tmp_path: Path) -> None:
    path = tmp_path / "a.jsonl"
    path.write_text("{oops\nnope\n", encoding="utf-8")
    error, _ = fail(path, "ndjson")
    assert str(error) == "the file holds no JSON objects to make rows of"
    assert codes(error.report)[:2] == [("format-error", 1, None), ("format-error", 2, None)]


# --- GeoJSON -----------------------------------------------------------------------------------------


def feature(geom: dict[str, Any] | None, fid: Any = None, **props: Any) -> dict[str, Any]:
    out: dict[str, Any] = {"type": "Feature", "properties": props, "geometry": geom}
    if fid is not None:
        out["id"] = fid
    return out


def test_geojson_features(tmp_path: Path) -> None:
    square = {"type": "Polygon", "coordinates": [[[4.0, 52.0], [5.0, 52.0], [5.0, 53.0], [4.0, 52.0]]]}
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:OGC:1.3:CRS84"}},
        "features": [
            feature({"type": "Point", "coordinates": [4.9, 52.37]}, "a1", naam="Dam", aantal=3),
            feature(square, "a2", naam="Vak", aantal=4.5, extra={"x": [1]}),
            feature(None, None, naam="Nergens", geometry="eigen"),
            feature({"type": "Point", "coordinates": [155000, 463000]}, 7, naam="RD"),
            "not a feature",
        ],
    }
    con, report = load(write_json(tmp_path / "a.geojson", document), "geojson")
    assert columns(con) == [
        ("id", "VARCHAR"),
        ("naam", "VARCHAR"),
        ("aantal", "DOUBLE"),
        ("extra", "VARCHAR"),
        ("geometry_2", "VARCHAR"),
        ("geometry", "VARCHAR"),
        ("__minx", "DOUBLE"),
        ("__miny", "DOUBLE"),
        ("__maxx", "DOUBLE"),
        ("__maxy", "DOUBLE"),
    ]
    point = '{"type":"Point","coordinates":[4.9,52.37]}'
    polygon = json.dumps(square, separators=(",", ":"))
    rd = '{"type":"Point","coordinates":[155000,463000]}'
    assert rows(con) == [
        ("a1", "Dam", 3.0, None, None, point, 4.9, 52.37, 4.9, 52.37),
        ("a2", "Vak", 4.5, '{"x":[1]}', None, polygon, 4.0, 52.0, 5.0, 53.0),
        (None, "Nergens", None, None, "eigen", None, None, None, None, None),
        ("7", "RD", None, None, None, rd, 155000, 463000, 155000, 463000),
    ]
    assert codes(report) == [
        ("duplicate-label", 1, "geometry_2"),
        ("constraint-error", 5, "geometry"),
        ("format-error", 6, None),
    ]
    assert "outside WGS84 lon/lat" in report.problems[1]["message"]


def test_geojson_keeps_an_id_property_instead_of_feature_ids(tmp_path: Path) -> None:
    document = {"type": "FeatureCollection", "features": [feature(None, 99, ID=1)]}
    con, _ = load(write_json(tmp_path / "a.geojson", document), "geojson")
    assert rows(con, "ID") == [(1,)]
    assert [c[0] for c in columns(con)][:2] == ["ID", "geometry"]


def test_geojson_single_feature_and_bare_geometry(tmp_path: Path) -> None:
    line = {"type": "LineString", "coordinates": [[1, 2], [3, -4]]}
    con, _ = load(write_json(tmp_path / "a.geojson", feature(line, naam="lijn")), "geojson")
    assert rows(con, "naam, __minx, __miny, __maxx, __maxy") == [("lijn", 1, -4, 3, 2)]
    con, _ = load(write_json(tmp_path / "b.geojson", line), "geojson")
    assert [c[0] for c in columns(con)] == ["geometry", "__minx", "__miny", "__maxx", "__maxy"]
    assert rows(con, "__maxx") == [(3.0,)]


def test_geojson_invalid_geometry_is_kept_with_a_problem(tmp_path: Path) -> None:
    document = {
        "type": "FeatureCollection",
        "features": [feature({"type": "Point", "coordinates": ["x", 1]})],
    }
    con, report = load(write_json(tmp_path / "a.geojson", document), "geojson")
    assert rows(con, "geometry, __minx") == [('{"type":"Point","coordinates":["x",1]}', None)]
    assert codes(report) == [("constraint-error", 2, "geometry")]


def test_geojson_in_another_crs_is_refused(tmp_path: Path) -> None:
    document = {
        "type": "FeatureCollection",
        "crs": {"type": "name", "properties": {"name": "urn:ogc:def:crs:EPSG::28992"}},
        "features": [],
    }
    error, _ = fail(write_json(tmp_path / "a.geojson", document), "geojson")
    assert str(error) == "coordinates are in urn:ogc:def:crs:EPSG::28992; only WGS84 lon/lat is supported"


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"[1, 2]", "not GeoJSON: expected a FeatureCollection, Feature or geometry"),
        (b'{"type": "Feature",', "invalid JSON at line 1 column 20"),
        (GARBAGE, "invalid JSON: the file is not UTF-8 text"),
    ],
)
def test_not_geojson(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "a.geojson"
    path.write_bytes(content)
    error, _ = fail(path, "geojson")
    assert str(error).startswith(message)


# --- Parquet -----------------------------------------------------------------------------------------


def test_parquet_keeps_its_types(tmp_path: Path) -> None:
    table = pa.table(
        {
            "n": pa.array([1, 2], pa.int32()),
            "x": pa.array([0.5, None], pa.float64()),
            "s": ["a", "b"],
            "d": pa.array([dt.date(2024, 1, 2), None], pa.date32()),
            "t": pa.array([dt.datetime(2024, 1, 2, 3, 4), None], pa.timestamp("us")),
            "l": pa.array([[1, 2], []], pa.list_(pa.int64())),
            " ": ["blank", "label"],
        }
    )
    pq.write_table(table, tmp_path / "a.parquet")
    con, report = load(tmp_path / "a.parquet", "parquet")
    assert columns(con) == [
        ("n", "INTEGER"),
        ("x", "DOUBLE"),
        ("s", "VARCHAR"),
        ("d", "DATE"),
        ("t", "TIMESTAMP"),
        ("l", "BIGINT[]"),
        ("column_7", "VARCHAR"),
    ]
    assert rows(con, "n, s, l") == [(1, "a", [1, 2]), (2, "b", [])]
    assert codes(report) == [("blank-header", 1, "column_7")]


def test_parquet_wider_than_the_limit(tmp_path: Path) -> None:
    pq.write_table(pa.table({f"c{i}": [i] for i in range(5)}), tmp_path / "a.parquet")
    error, _ = fail(tmp_path / "a.parquet", "parquet", readers.Limits(max_columns=4))
    assert str(error) == "the file has 5 columns; the limit is 4"


def test_corrupt_parquet(tmp_path: Path) -> None:
    path = tmp_path / "a.parquet"
    path.write_bytes(GARBAGE)
    error, _ = fail(path, "parquet")
    assert str(error).startswith("not a valid Parquet file: ")
    pq.write_table(pa.table({"a": list(range(1000))}), path)
    path.write_bytes(path.read_bytes()[:200] + path.read_bytes()[-100:])
    error, _ = fail(path, "parquet")
    assert str(error).startswith("not a valid Parquet file: ")


# --- dispatch ----------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("filename", "media_type", "kind"),
    [
        ("data.xlsx", "", "xlsx"),
        ("Data.XLSM", "", "xlsx"),
        ("a.ods", "", "ods"),
        ("a.json", "", "json"),
        ("a.ndjson", "", "ndjson"),
        ("a.jsonl", "", "ndjson"),
        ("a.geojson", "", "geojson"),
        ("a.parquet", "", "parquet"),
        ("https://example.org/dl/a.geojson?format=raw#x", "", "geojson"),
        ("a.geojson", "application/json", "geojson"),
        ("download", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", "xlsx"),
        ("download", "application/vnd.oasis.opendocument.spreadsheet", "ods"),
        ("download", "application/json; charset=utf-8", "json"),
        ("download", "application/x-ndjson", "ndjson"),
        ("download", "application/geo+json", "geojson"),
        ("download", "application/vnd.apache.parquet", "parquet"),
        ("download", "https://www.iana.org/assignments/media-types/application/json", "json"),
        ("download", "http://www.iana.org/assignments/media-types/application/geo+json", "geojson"),
        ("download", "http://publications.europa.eu/resource/authority/file-type/XLSX", "xlsx"),
        ("a.csv", "", None),
        ("a.tsv", "text/tab-separated-values", None),
        ("download", "text/csv", None),
        ("a.csv", "application/json", None),
        ("download", "GeoJSON", "geojson"),
        ("download", "XLSX", "xlsx"),
        ("download", "CSV", None),
        ("a.xls", "", None),
        ("", "", None),
    ],
)
def test_kind_for(filename: str, media_type: str, kind: str | None) -> None:
    assert readers.kind_for(filename, media_type) == kind


def test_every_kind_has_a_reader() -> None:
    assert readers.KINDS == ("xlsx", "ods", "json", "ndjson", "geojson", "parquet")


def test_bad_arguments(tmp_path: Path) -> None:
    path = write_json(tmp_path / "a.json", [{"a": 1}])
    con = duckdb.connect()
    with pytest.raises(ValueError, match="unknown kind"):
        readers.load_into(path, "csv", con, "raw", Report())
    with pytest.raises(ValueError, match="plain identifier"):
        readers.load_into(path, "json", con, 'raw"; DROP TABLE x; --', Report())
    con.execute("CREATE TABLE raw (keep INTEGER)")
    with pytest.raises(ValueError, match="already exists"):
        readers.load_into(path, "json", con, "raw", Report())
    assert columns(con) == [("keep", "INTEGER")]


# --- reference files (OPENINGUP_REFERENCE_DATA) ------------------------------------------------------


def reference(name: str) -> Path:
    root = os.environ.get("OPENINGUP_REFERENCE_DATA")
    if not root:
        pytest.skip("OPENINGUP_REFERENCE_DATA is not set")
    path = Path(root) / "tabular" / name
    if not path.exists():
        pytest.skip(f"{path} is missing")
    return path


def test_reference_geojson_amsterdamse_bos() -> None:
    con, report = load(reference("amsterdam_amsterdamse-bos.geojson"), "geojson")
    assert [c[0] for c in columns(con)] == ["id", "Naam", "geometry", "__minx", "__miny", "__maxx", "__maxy"]
    ((naam, kind, minx, miny, maxx, maxy),) = rows(
        con, "Naam, geometry::JSON->>'type', __minx, __miny, __maxx, __maxy"
    )
    assert (naam, kind) == ("Het Amsterdamse Bos", "MultiPolygon")
    assert 4.7 < minx < maxx < 4.9 and 52.2 < miny < maxy < 52.4
    assert report.problems == []


def test_reference_hal_object_is_one_row() -> None:
    con, report = load(reference("amsterdam_gebieden_stadsdeel-centrum.json"), "json")
    types = dict(columns(con))
    assert (
        types["naam"] == "VARCHAR" and types["begin_geldigheid"] == "DATE" and types["geometrie"] == "VARCHAR"
    )
    ((naam, code, begin, geometrie, gemeente),) = rows(
        con, "naam, code, begin_geldigheid, geometrie::JSON->>'type', gemeente::JSON->>'naam'"
    )
    assert (naam, code, begin, geometrie, gemeente) == (
        "Centrum",
        "A",
        dt.date(2015, 1, 1),
        "MultiPolygon",
        "Amsterdam",
    )
    assert report.problems == []


def test_reference_solr_response_docs() -> None:
    con, report = load(reference("pdok_locatieserver_amsterdam.json"), "json")
    types = dict(columns(con))
    assert len(types) == 38 and types["huisnummer"] == "BIGINT" and types["postcode"] == "VARCHAR"
    assert rows(con, "weergavenaam, huisnummer, suggest::JSON->>0") == [
        ("Nieuwe Achtergracht 72, 1018XZ Amsterdam", 72, "Nieuwe Achtergracht 72, 1018XZ Amsterdam"),
        ("Achtergracht 72, 1381BP Weesp", 72, "Achtergracht 72, 1381BP Weesp"),
    ]
    assert report.problems == []
