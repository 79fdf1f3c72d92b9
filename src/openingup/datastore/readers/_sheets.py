"""XLSX and ODS through python-calamine: the first non-empty sheet, typed cell by cell.

Row numbers in problems are the sheet's own (row 1 is the top row), so users find them in their editor.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import duckdb
import python_calamine

from openingup.datastore.names import clean_headers
from openingup.datastore.readers._base import (
    Limits,
    Progress,
    TableWriter,
    check_width,
    column_type,
    scan_kinds,
    scratch,
    text_of,
    tick,
)
from openingup.datastore.report import IngestError, Report

LABELS = {"xlsx": "XLSX", "ods": "ODS"}
HEADER_LOOKAHEAD = 50  # rows searched for the header, from the first non-empty one
MAX_PREAMBLE = 10  # single-cell rows that may precede it
_BIG_MEMBER = 1024**2
_OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def check_container(path: Path, kind: str, limits: Limits, report: Report) -> str:
    """Inspect the zip container before anything decompresses it; returns the kind its content shows
    (an ODS named .xlsx reads as ODS). Raises IngestError (format-error) for non-zips, corrupt zips,
    zips holding no workbook, and zip bombs (total size or a member's compression ratio too high)."""
    label = LABELS[kind]
    with path.open("rb") as fh:
        if fh.read(8) == _OLE2:
            raise IngestError(
                "format-error",
                f"not a valid {label} file: it is an OLE2 container (an encrypted workbook or an old .xls)",
                report,
            )
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            _check_sizes(path, infos, limits, report)
            names = {info.filename for info in infos}
            mimetype = b""
            if "mimetype" in names:
                with archive.open("mimetype") as member:
                    mimetype = member.read(100)
    except (zipfile.BadZipFile, EOFError, ValueError, NotImplementedError, RuntimeError) as exc:
        raise IngestError("format-error", f"not a valid {label} file: {exc}", report) from exc
    if "xl/workbook.xml" in names:
        return "xlsx"
    if "content.xml" in names and b"opendocument.spreadsheet" in mimetype:
        return "ods"
    raise IngestError("format-error", f"not a valid {label} file: the zip holds no workbook", report)


def _check_sizes(path: Path, infos: list[zipfile.ZipInfo], limits: Limits, report: Report) -> None:
    """Zip bombs, by the sizes the archive declares: in total, and per member by compression ratio."""
    total = sum(info.file_size for info in infos)
    if total > limits.max_uncompressed_bytes:
        raise IngestError(
            "format-error",
            f"{path.name} looks like a zip bomb: {total:,} bytes uncompressed "
            f"(the limit is {limits.max_uncompressed_bytes:,})",
            report,
        )
    for info in infos:
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > _BIG_MEMBER and ratio > limits.max_ratio:
            raise IngestError(
                "format-error",
                f"{path.name} looks like a zip bomb: {info.file_size:,} bytes uncompressed from "
                f"{info.compress_size:,} in {info.filename} "
                f"(ratio {ratio:,.0f}; the limit is {limits.max_ratio})",
                report,
            )


def _cell(value: Any) -> Any:
    """Calamine's empty cell is ''; whitespace-only text counts as empty too."""
    if isinstance(value, str) and not value.strip():
        return None
    return value


def _filled(row: list[Any]) -> int:
    return sum(1 for v in row if _cell(v) is not None)


def _find_header(sheet: Any) -> tuple[int, list[Any], list[tuple[int, Any]]] | None:
    """(header row index, header cells, preamble rows as (index, text)) of a sheet; None when empty.

    The header is the first non-empty row — unless the first rows hold one cell each (a title, a source
    line) and a wider row follows within MAX_PREAMBLE rows: that row is the header, those are preamble.
    """
    singles: list[tuple[int, list[Any]]] = []
    looked = 0
    for index, row in enumerate(sheet.iter_rows()):
        filled = _filled(row)
        if not filled and not singles:
            continue  # the empty rows above everything
        looked += 1
        if looked > HEADER_LOOKAHEAD:
            break
        if filled >= 2:
            preamble = [
                (i, next(text_of(_cell(v)) for v in cells if _cell(v) is not None)) for i, cells in singles
            ]
            return index, row, preamble
        if filled == 1:
            singles.append((index, row))
            if len(singles) > MAX_PREAMBLE:
                break
    return (singles[0][0], singles[0][1], []) if singles else None


def _rows(sheet: Any, header: int, width: int, report: Report | None) -> Iterator[list[Any]]:
    """The data rows after the header, cut to ``width``; blank rows are skipped. Problems (blank-row,
    extra-cell) go to ``report`` when given (the first of the two passes)."""
    for index, row in enumerate(sheet.iter_rows()):
        if index <= header:
            continue
        cells = [None if type(v) is str and (not v or v.isspace()) else v for v in row]
        if cells.count(None) == len(cells):
            if report is not None:
                report.add("blank-row", f"Row {index + 1} is empty; it is left out.", row=index + 1)
            continue
        if len(cells) < width:
            cells += [None] * (width - len(cells))
        elif len(cells) > width:
            extra = len(cells) - width - cells[width:].count(None)
            if extra and report is not None:
                message = (
                    f"Row {index + 1} has {extra} value(s) beyond the {width} labelled columns; left out."
                )
                report.add("extra-cell", message, row=index + 1)
            del cells[width:]
        yield cells


def _open(path: Path, kind: str, workdir: str) -> Any:
    """Calamine picks the format by file extension; give it the one matching the content."""
    suffix = "." + kind
    if path.suffix.lower() != suffix and not (kind == "xlsx" and path.suffix.lower() == ".xlsm"):
        link = Path(workdir) / ("book" + suffix)
        link.symlink_to(path.resolve())
        path = link
    return python_calamine.CalamineWorkbook.from_path(str(path))


def load_sheet(
    path: Path,
    kind: str,
    con: duckdb.DuckDBPyConnection,
    table: str,
    report: Report,
    limits: Limits,
    progress: Progress,
) -> None:
    """Load the first non-empty sheet of an XLSX/ODS file into ``table`` (see ``readers.load_into``)."""
    label = LABELS[kind]
    kind = check_container(path, kind, limits, report)
    with scratch("openingup-sheet-") as workdir:
        try:
            book = _open(path, kind, workdir)
            found = None
            for index, meta in enumerate(book.sheets_metadata):
                if meta.typ != python_calamine.SheetTypeEnum.WorkSheet:
                    continue  # chart sheets, dialogs, macros
                sheet = book.get_sheet_by_index(index)
                found = _find_header(sheet)
                if found is not None:
                    break
        except Exception as exc:  # calamine raises many types (CalamineError, XmlError, ZipError, …)
            raise IngestError("format-error", f"not a valid {label} file: {exc}", report) from exc
        if found is None:
            raise IngestError("format-error", f"the {label} file holds no data: every sheet is empty", report)
        header_index, header_row, preamble = found
        for index, text in preamble:
            report.add(
                "preamble", f'Row {index + 1} ("{text}") comes before the header; skipped.', row=index + 1
            )
        labels = [text_of(_cell(v)) for v in header_row]
        while labels and labels[-1] is None:
            labels.pop()
        check_width(len(labels), limits, report)
        names, problems = clean_headers(labels)
        report.extend(problems)
        total = max((sheet.end or (0, 0))[0] + 1, 1)
        data = _rows(sheet, header_index, len(names), report)
        kinds = scan_kinds(data, len(names), lambda n: tick(progress, 0.5 * n / total))
        writer = TableWriter(con, table, names, [column_type(k) for k in kinds])
        writer.write(
            _rows(sheet, header_index, len(names), None), lambda n: tick(progress, 0.5 + 0.5 * n / total)
        )
