"""Ingest: types, names and reports for real and local-format files; hostile input fails cleanly."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from openingup.datastore import reading, sources
from openingup.datastore.models import Table
from openingup.datastore.query import Query

from .conftest import Loader


def _types(table: Table) -> dict[str, str]:
    return {f["name"]: f["type"] for f in table.fields}


def _rows(table: Table, **params: str) -> list[dict[str, Any]]:
    q = reading.parse(table, {k: [v] for k, v in params.items()})
    a = reading.answer(table, q)
    return [dict(zip(a.columns, r, strict=True)) for r in a.rows]


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"a;b\n1,5;x\n1.234,56;y\n", {"a": "number"}),
        (b"a,b\n1,234.50,x\n", None),  # ambiguous: comma delimiter wins; handled by quoting below
        (b'a,b\n"1,234.50",x\n"12.00",y\n', {"a": "number"}),
        (b"d,x\n31-12-2024,1\n01-02-2023,2\n", {"d": "date", "x": "integer"}),
        (b"d,x\n31/12/2024,1\n", {"d": "date"}),
        (b"d,x\n31.12.2024,1\n", {"d": "date"}),
        (b"d,x\n12/31/2024,1\n01/02/2024,1\n", {"d": "date"}),
        (b"t,x\n2024-01-02T10:00:00Z,1\n", {"t": "datetime"}),
        (b"t,x\n31-12-2024 23:59,1\n", {"t": "datetime"}),
        (b"b,x\nja,1\nnee,2\n", {"b": "boolean"}),
        (b"code,x\n0101,1\n0202,2\n", {"code": "string"}),
        (b"p,x\nPOINT(4.9 52.3),1\n", {"p": "geopoint"}),
        (b"n,x\n1,a\nNA,b\n3,c\n", {"n": "integer"}),
        (b"n,x\n1,a\nabc,b\n", {"n": "string"}),
    ],
)
def test_local_formats_are_typed(load: Loader, content: bytes, expected: dict[str, str] | None) -> None:
    table = load("local.csv", content)
    assert table.status == Table.Status.READY, table.report
    if expected:
        for name, kind in expected.items():
            assert _types(table)[name] == kind


def test_decimal_comma_values_are_numbers(load: Loader) -> None:
    table = load("bedragen.csv", "bedrag;omschrijving\n1.234,56;één\n3,5;twee\n".encode())
    rows = _rows(table, sort="bedrag")
    assert [r["bedrag"] for r in rows] == [3.5, 1234.56]
    assert rows[1]["omschrijving"] == "één"


def test_latin1_file_is_decoded(load: Loader) -> None:
    table = load("plaatsen.csv", "naam;inwoners\nCittà di Castello;40000\nMünster;300000\n".encode("cp1252"))
    assert [r["naam"] for r in _rows(table)] == ["Città di Castello", "Münster"]
    assert table.dialect["encoding"] == "cp1252"


def test_preamble_blank_rows_and_ragged_rows_are_reported(load: Loader) -> None:
    content = b"Spending report\nGenerated 2024\n\nid,amount,note\n1,10.5,a\n\n2,3\n3,4,x,extra\n"
    table = load("report.csv", content)
    assert table.status == Table.Status.READY
    codes = {(p["code"], p["row"]) for p in table.report["errors"]}
    assert ("preamble", 1) in codes
    assert any(code == "missing-cell" for code, _ in codes)
    assert any(code == "extra-cell" for code, _ in codes)
    assert table.row_count == 3
    assert _types(table) == {"id": "integer", "amount": "number", "note": "string"}


@pytest.mark.parametrize("direct", [False, True])
def test_quoted_newlines_stay_inside_their_cell(
    load: Loader, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    """Both routes (the normalised one for small files, DuckDB's own reader for large ones), with the
    CRLF line ends and LF inside quotes that spreadsheet exports write."""
    from openingup.datastore.ingest import csvload

    if direct:
        monkeypatch.setattr(csvload, "FAST_ROUTE_BYTES", 0)
    content = b'id,note\r\n1,"line one\nline two"\r\n2,plain\r\n3,"a ""quoted"" word,\r\nand more"\r\n'
    table = load("notes.csv", content)
    assert table.status == Table.Status.READY, table.report
    assert table.dialect["route"] == ("direct" if direct else "normalised")
    notes = [r["note"] for r in _rows(table)]
    assert notes == ["line one\nline two", "plain", 'a "quoted" word,\r\nand more']


def test_duplicate_and_blank_headers_get_readable_names(load: Loader) -> None:
    table = load("h.csv", b"name,name,,_id\na,b,c,d\n")
    assert [f["name"] for f in table.fields] == ["name", "name_2", "column_3", "id_4"]
    assert {"duplicate-label", "blank-header"} <= {p["code"] for p in table.report["errors"]}


def test_profile_has_nulls_distinct_range_top_and_histogram(load: Loader) -> None:
    lines = (
        ["cat,amount,day"]
        + [f"{'ab'[i % 2]},{i},2024-01-{1 + i % 28:02d}" for i in range(100)]
        + [",,2024-01-01"]
    )
    table = load("p.csv", "\n".join(lines).encode())
    amount = table.profile["fields"]["amount"]
    assert amount["nulls"] == 1 and amount["min"] == 0 and amount["max"] == 99
    assert sum(b["count"] for b in amount["histogram"]) == 100
    assert table.profile["fields"]["cat"]["top"][0]["count"] == 50
    assert table.profile["fields"]["day"]["min"] == "2024-01-01"


@pytest.mark.parametrize(
    ("name", "content", "code"),
    [
        ("garbage.csv", bytes(range(256)) * 64, "format-error"),
        (
            "wide.csv",
            (",".join(f"c{i}" for i in range(100_000)) + "\n" + ",".join("1" * 100_000) + "\n").encode(),
            "format-error",
        ),
        ("empty.csv", b"", "source-error"),
        ("bomb.xlsx", b"PK\x03\x04" + b"\x00" * 100, "format-error"),
        ("broken.json", b'{"a": [1, 2', "format-error"),
    ],
)
def test_hostile_files_fail_cleanly_and_keep_the_previous_version(
    load: Loader, name: str, content: bytes, code: str
) -> None:
    ext = name.rsplit(".", 1)[1]
    good = {"csv": b"a,b\n1,2\n", "xlsx": None, "json": b'[{"a": 1}]'}[ext]
    first = load("good." + ("csv" if good is None else ext), good or b"a,b\n1,2\n")
    assert first.status == Table.Status.READY
    failed = load(name, content, distribution=first.distribution)
    assert failed.status == Table.Status.FAILED
    assert failed.report["errors"][-1]["code"] == code
    assert failed.report["errors"][-1]["message"]
    current = reading.answer(first, Query())
    assert current.total == 1
    assert Table.objects.filter(distribution=first.distribution, status="ready").get().pk == first.pk


def test_private_url_is_refused_without_a_request(dataset: Any, editor: Any) -> None:
    from openingup.catalogue import services as catalogue
    from openingup.datastore import services

    calls: list[Any] = []
    sources.TRANSPORT = httpx.MockTransport(lambda r: calls.append(r) or httpx.Response(200, text="a\n1\n"))
    try:
        d = catalogue.add_distribution(
            actor=editor,
            dataset=dataset,
            data={"access_url": ["http://127.0.0.1:5432/data.csv"]},
            strict=False,
        )
        table = services.ingest_distribution(d)
    finally:
        sources.TRANSPORT = None
    assert table is not None and table.status == Table.Status.FAILED
    assert "private address" in table.report["errors"][-1]["message"]
    assert calls == []


def test_url_distribution_is_fetched_and_records_size_and_checksum(
    dataset: Any, editor: Any, settings: Any
) -> None:
    from openingup.catalogue import services as catalogue
    from openingup.datastore import services

    settings_allow = os.environ.get("OPENINGUP_ALLOW_PRIVATE_HOSTS")
    body = b"a,b\n1,x\n2,y\n"
    sources.TRANSPORT = httpx.MockTransport(lambda r: httpx.Response(200, content=body))
    try:
        d = catalogue.add_distribution(
            actor=editor,
            dataset=dataset,
            data={"access_url": ["https://data.example.org/x.csv"]},
            strict=False,
        )
        import openingup.core.http as http

        original = http._addresses
        http._addresses = lambda host: [__import__("ipaddress").ip_address("93.184.216.34")]  # type: ignore[assignment]
        try:
            table = services.ingest_distribution(d)
        finally:
            http._addresses = original
    finally:
        sources.TRANSPORT = None
    assert settings_allow is None or settings_allow is not None
    assert table is not None and table.status == Table.Status.READY and table.row_count == 2
    d.refresh_from_db()
    assert d.byte_size == len(body) and d.checksum["value"] == table.source_sha256
    assert d.modified


def test_table_schema_is_enforced(dataset: Any, editor: Any, load: Loader) -> None:
    from openingup.datastore.ingest.pipeline import stage
    from openingup.datastore.report import IngestError

    schema = {
        "fields": [
            {"name": "id", "type": "integer", "constraints": {"required": True, "unique": True}},
            {"name": "kind", "type": "string", "constraints": {"enum": ["tree", "bush"]}},
            {"name": "height", "type": "number", "constraints": {"minimum": 0}},
        ],
        "primaryKey": "id",
    }
    good = Path(os.environ.get("TMPDIR", "/tmp")) / f"ok-{os.getpid()}.csv"
    good.write_text("id,kind,height\n1,tree,3.5\n2,bush,1\n")
    bad = good.with_name(f"bad-{os.getpid()}.csv")
    bad.write_text("id,kind,height\n1,tree,3.5\n1,rock,-2\nx,bush,1\n")
    out = good.with_suffix(".duckdb")
    try:
        staged = stage(good, "csv", out, table_schema=schema)
        assert [f["type"] for f in staged.fields] == ["integer", "string", "number"]
        with pytest.raises(IngestError) as caught:
            stage(bad, "csv", out, table_schema=schema)
        found = {(p["code"], p["row"], p["field"]) for p in caught.value.report.problems}
        assert ("type-error", 4, "id") in found
        assert ("constraint-error", 3, "kind") in found
        assert ("constraint-error", 3, "height") in found
        assert not out.exists()
    finally:
        for p in (good, bad, out):
            p.unlink(missing_ok=True)


def _reference(name: str) -> Path:
    root = os.environ.get("OPENINGUP_REFERENCE_DATA")
    if not root:
        pytest.skip("OPENINGUP_REFERENCE_DATA is not set")
    return Path(root) / "tabular" / name


@pytest.mark.conformance
def test_adur_spend_file(load: Loader) -> None:
    table = load("adur.csv", _reference("adur-district-council_spend_2009-04.csv").read_bytes())
    assert table.status == Table.Status.READY
    assert _types(table) == {
        "Body Name": "string", "Date": "date", "Transaction Number": "integer", "Amount": "number",
        "Supplier": "string", "Expense Area": "string",
    }  # fmt: skip
    assert table.row_count == 564
    assert {(p["code"], p["row"]) for p in table.report["errors"]} == {("missing-cell", 10)}
    first = _rows(table, limit="1")[0]
    assert first["Date"] == "2009-04-01" and first["Amount"] == 2840.5


@pytest.mark.conformance
def test_istat_file_in_cp1252_with_multiline_headers(load: Loader) -> None:
    table = load("istat.csv", _reference("istat_elenco-comuni-italiani.csv").read_bytes())
    assert table.status == Table.Status.READY
    names = [f["name"] for f in table.fields]
    assert "Codice dell'Unità territoriale sovracomunale (valida a fini statistici)" in names
    assert table.row_count == 7904
    assert _types(table)["Codice Comune formato alfanumerico"] == "string"  # leading zeros kept
    assert _rows(table, limit="1")[0]["Codice Comune formato alfanumerico"].startswith("0")


@pytest.mark.conformance
def test_fiksgatami_file_with_comment_preamble_and_no_header(load: Loader) -> None:
    table = load("kommuner.csv", _reference("fiksgatami-no_kommune-contact-addresses.csv").read_bytes())
    assert table.status == Table.Status.READY
    codes = [r["column_1"] for r in _rows(table, limit="3")]
    assert codes[1] == "0101"
    assert {"preamble", "missing-label"} <= {p["code"] for p in table.report["errors"]}
    assert any("Tromsø" in str(r) or "ø" in str(r) for r in _rows(table, limit="500"))


@pytest.mark.conformance
def test_amsterdam_geojson_gets_a_bbox_geometry(load: Loader) -> None:
    table = load("bos.geojson", _reference("amsterdam_amsterdamse-bos.geojson").read_bytes())
    assert table.status == Table.Status.READY
    assert table.geometry["kind"] == "bbox" and _types(table)["geometry"] == "geojson"
    inside = reading.answer(table, reading.parse(table, {"bbox": ["4.80,52.28,4.86,52.33"]}))
    outside = reading.answer(table, reading.parse(table, {"bbox": ["5.5,52.0,5.6,52.1"]}))
    assert inside.total == 1 and outside.total == 0


@pytest.mark.parametrize("direct", [False, True], ids=["normalised", "direct"])
def test_whole_column_proof_catches_values_after_the_sample(
    load: Loader, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    """On the direct route the file is first read once, typed, with the proof built in; the late
    values stop that read and the two-pass route keeps the columns as text."""
    from openingup.datastore.ingest import csvload
    from openingup.datastore.ingest.infer import SAMPLE_ROWS

    if direct:
        monkeypatch.setattr(csvload, "FAST_ROUTE_BYTES", 0)

    n = SAMPLE_ROWS + 50
    lines = ["num,code,amount,day"] + [f"{i},{i + 100},{i}.5,2024-01-02" for i in range(n)]
    lines.append("abc,0101,1.125,not a date")  # every column breaks its sampled type on the last row
    lines.append("NA,7,-,")
    table = load("late.csv", "\n".join(lines).encode())
    assert {f["name"]: f["type"] for f in table.fields} == {
        "num": "string",
        "code": "string",
        "amount": "string",
        "day": "string",
    }
    last = _rows(table, sort="-_id", limit="2")
    assert last[1]["code"] == "0101" and last[1]["amount"] == "1.125"
    assert table.dialect["route"] == ("direct" if direct else "normalised")
    assert "read_write" not in table.timings and "write" in table.timings  # two passes
    assert table.row_count == n + 2


@pytest.mark.parametrize("direct", [False, True], ids=["normalised", "direct"])
def test_null_tokens_do_not_break_the_proof(
    load: Loader, monkeypatch: pytest.MonkeyPatch, direct: bool
) -> None:
    from openingup.datastore.ingest import csvload
    from openingup.datastore.ingest.infer import SAMPLE_ROWS

    if direct:
        monkeypatch.setattr(csvload, "FAST_ROUTE_BYTES", 0)

    lines = ["num,amount"] + [f"{i},{i}.25" for i in range(SAMPLE_ROWS + 10)] + ["NA,n/a", "-,-"]
    table = load("tokens.csv", "\n".join(lines).encode())
    assert {f["name"]: f["type"] for f in table.fields} == {"num": "integer", "amount": "number"}
    assert table.profile["fields"]["num"]["nulls"] == 2
    # The direct route read the file once (typed, proven on the way); the other read it as text first.
    assert ("read_write" in table.timings) is direct and ("write" in table.timings) is not direct
    rows = _rows(table, sort="-_id", limit="3")
    assert [(r["num"], r["amount"]) for r in rows] == [
        (None, None),
        (None, None),
        (SAMPLE_ROWS + 9, 20009.25),
    ]


def test_upload_is_hashed_while_copied_and_the_ingest_hashes_what_it_reads(dataset: Any, editor: Any) -> None:
    """An upload read from an open file is hashed while it is copied (as ``datastore load`` gives it);
    the ingest hashes the file it reads itself, never trusting the recorded checksum (an editable field),
    so a file replaced behind the catalogue's back is still seen as changed."""
    import hashlib
    import tempfile

    from django.core.files import File

    from openingup.catalogue import services as catalogue
    from openingup.datastore import services

    content = b"id,name\n" + b"".join(b"%d,row %d\n" % (i, i) for i in range(200_000))
    with tempfile.NamedTemporaryFile(suffix=".csv") as fh:
        fh.write(content)
        fh.flush()
        fh.seek(0)
        d = catalogue.add_distribution(
            actor=editor,
            dataset=dataset,
            data={},
            upload=File(fh, name="rows.csv"),  # type: ignore[arg-type]
        )
    expected = hashlib.sha256(content).hexdigest()
    assert d.byte_size == len(content) and d.checksum["value"] == expected
    assert Path(d.file.path).read_bytes() == content
    table = services.ingest_distribution(d)
    assert table is not None and table.status == Table.Status.READY and table.source_sha256 == expected
    assert table.row_count == 200_000

    Path(d.file.path).write_bytes(content + b"200000,row 200000\n")  # replaced behind its back
    with sources.materialise(d) as source:
        assert source is not None
        assert source.sha256 == hashlib.sha256(content + b"200000,row 200000\n").hexdigest()


def test_direct_route_with_a_late_non_utf8_byte_falls_back_and_decodes(
    load: Loader, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The one-pass read takes UTF-8 from the sniffed first MB and lets DuckDB's reader check the rest;
    a cp1252 byte beyond it stops that read, and the file is decoded as cp1252 after all."""
    from openingup.datastore.ingest import csvload, sniff

    monkeypatch.setattr(csvload, "FAST_ROUTE_BYTES", 0)
    head = "id,name\n" + "".join(f"{i},name {i}\n" for i in range(120_000))
    assert len(head) > sniff.SAMPLE_BYTES
    table = load("late.csv", head.encode() + "120000,Münster\n".encode("cp1252"))
    assert table.status == Table.Status.READY, table.report
    assert table.dialect["encoding"] == "cp1252" and table.row_count == 120_001
    assert _rows(table, sort="-_id", limit="1")[0]["name"] == "Münster"
    assert _types(table) == {"id": "integer", "name": "string"}


@pytest.mark.django_db(transaction=True)
def test_datastore_load_command_reads_a_large_file_once(
    dataset: Any, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """``openingup datastore load`` on a file of the direct route: typed in one read, its own lines say
    so, the upload's checksum is the file's, and its last line is the new distribution's id."""
    import hashlib

    from openingup.catalogue.models import Distribution
    from openingup.cli.main import main
    from openingup.datastore.ingest import csvload

    monkeypatch.setattr(csvload, "FAST_ROUTE_BYTES", 0)
    content = b"id,amount,day,note\n" + b"".join(
        b"%d,%d.50,2024-01-%02d,word%d\n" % (i, i, 1 + i % 28, i % 7) for i in range(30_000)
    )
    path = tmp_path / "rows.csv"
    path.write_bytes(content)
    assert main(["datastore", "load", str(path), "--dataset", dataset.slug]) == 0
    out = capsys.readouterr().out.splitlines()
    distribution = Distribution.objects.get(pk=out[-1])
    assert distribution.checksum["value"] == hashlib.sha256(content).hexdigest()
    assert any(line.startswith("read and typed write done after") for line in out)
    assert any(line.startswith("text index ready after") for line in out)
    table = Table.objects.get(distribution=distribution)
    assert table.status == Table.Status.READY and table.row_count == 30_000
    assert _types(table) == {"id": "integer", "amount": "number", "day": "date", "note": "string"}
    assert table.source_sha256 == distribution.checksum["value"]


def test_mostly_distinct_text_is_stored_uncompressed(load: Loader) -> None:
    """Free text (values mostly distinct) skips DuckDB's costly dictionary + FSST analysis; a column of
    repeats keeps DuckDB's choice. Types, values and search are the same either way."""
    import duckdb

    from openingup.datastore.backends import backend

    lines = ["id,category,note"] + [
        f"{i},{('roads', 'parks', 'waste')[i % 3]},note number {i}" for i in range(3000)
    ]
    table = load("notes.csv", "\n".join(lines).encode())
    assert _types(table) == {"id": "integer", "category": "string", "note": "string"}
    assert [r["note"] for r in _rows(table, q="2999")] == ["note number 2999"]
    if table.backend != "duckdb":
        pytest.skip("the compression choice is the embedded backend's")
    con = duckdb.connect(str(backend("duckdb").path(table.location)), read_only=True)  # type: ignore[attr-defined]
    try:
        found = dict(
            con.execute(
                "SELECT column_name, string_agg(DISTINCT compression, ',') FROM pragma_storage_info('data') "
                "WHERE segment_type = 'VARCHAR' GROUP BY column_name"
            ).fetchall()
        )
    finally:
        con.close()
    assert found["note"] == "Uncompressed" and found["category"] != "Uncompressed"


def test_a_digest_is_taken_in_the_background_or_when_asked(tmp_path: Path) -> None:
    import hashlib

    path = tmp_path / "rows.csv"
    path.write_bytes(b"a,b\n1,2\n" * 1000)
    expected = hashlib.sha256(path.read_bytes()).hexdigest()
    started = sources.Digest(path)
    started.start()
    assert started.value() == expected == sources.Digest(path).value()
    assert sources.Digest(value="abc").value() == "abc"
    with pytest.raises(FileNotFoundError):
        sources.Digest(tmp_path / "gone.csv").value()
