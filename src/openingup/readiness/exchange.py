"""The benchmark as anonymised open data: export, import, and its DCAT-AP record in the catalogue.

The file format ("openingup-readiness-benchmark", version 1) is documented in docs/readiness.md. An
export holds this instance's own submitted results (origin ``local``) and nothing that names an
organisation: instrument, version, year, country, size band and the scores. :func:`parse_benchmark`
checks a whole file (JSON or CSV) before anything is stored, so an import is all or nothing, and every
problem names the entry and the field. :func:`publish_benchmark` publishes the export as a catalogue
dataset with a JSON and a CSV distribution, the way the reports context publishes its open data.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
import uuid
from datetime import UTC
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from openingup.core.errors import FieldProblem, InvalidInput
from openingup.organisations.models import Organisation
from openingup.readiness.instruments import KEY, all_instruments
from openingup.readiness.models import SIZE_BANDS, BenchmarkEntry

FORMAT = "openingup-readiness-benchmark"
VERSION = 1
LICENCE = "http://publications.europa.eu/resource/authority/licence/CC0"
THEME = "http://publications.europa.eu/resource/authority/data-theme/GOVE"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/IRREG"
ACCESS_RIGHTS = "http://publications.europa.eu/resource/authority/access-right/PUBLIC"
SLUG = "readiness-benchmark"
FIXED_COLUMNS = [
    "entry",
    "instrument_id",
    "instrument_version",
    "year",
    "country",
    "size_band",
    "overall",
    "level",
]
MAX_ENTRIES = 100_000
COUNTRY = re.compile(r"^[A-Z]{2}$")


def _tree_without_answers(tree: dict[str, Any]) -> dict[str, Any]:
    return {"overall": tree.get("overall"), "level": tree.get("level"), "measures": tree.get("measures", [])}


def local_entries(instrument_id: str | None = None) -> list[BenchmarkEntry]:
    rows = BenchmarkEntry.objects.filter(origin=BenchmarkEntry.LOCAL)
    if instrument_id:
        rows = rows.filter(instrument_id=instrument_id)
    return list(rows.order_by("instrument_id", "year", "entry"))


def export_benchmark(instrument_id: str | None = None) -> dict[str, Any]:
    """The local entries (all instruments, or one) as the JSON document of the exchange format.

    ``modified`` is when the newest entry was added (None without entries), so the same entries give
    the same document, byte for byte.
    """
    rows = local_entries(instrument_id)
    newest = max((e.imported_at for e in rows), default=None)
    return {
        "format": FORMAT,
        "version": VERSION,
        "modified": newest.astimezone(UTC).replace(microsecond=0).isoformat() if newest else None,
        "licence": LICENCE,
        "entries": [
            {
                "entry": str(e.entry),
                "instrument_id": e.instrument_id,
                "instrument_version": e.instrument_version,
                "year": e.year,
                "country": e.country,
                "size_band": e.size_band,
                "overall": e.overall,
                "level": e.level,
                "tree": _tree_without_answers(e.tree),
            }
            for e in rows
        ],
    }


def _columns(entries: list[dict[str, Any]]) -> list[str]:
    extra: list[str] = []
    for item in entries:
        for m in item["tree"].get("measures", []):
            names = [f"measure:{m['key']}"]
            for d in m.get("dimensions", []):
                names.append(f"dimension:{m['key']}/{d['key']}")
                names += [f"driver:{m['key']}/{d['key']}/{r['key']}" for r in d.get("drivers", [])]
            extra += [n for n in names if n not in extra]
    return FIXED_COLUMNS + extra


def _number(value: Any) -> str:
    return "" if value is None else repr(float(value))


def export_benchmark_csv(instrument_id: str | None = None) -> str:
    """The same entries as CSV: the fixed columns, then ``measure:<m>``, ``dimension:<m>/<d>`` and
    ``driver:<m>/<d>/<r>`` score columns (empty where an entry has no such score or no such driver)."""
    return entries_csv(export_benchmark(instrument_id)["entries"])


def entries_csv(entries: list[dict[str, Any]]) -> str:
    """Entries of the JSON format (``export_benchmark()["entries"]``) written as the CSV format."""
    columns = _columns(entries)
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for item in entries:
        cells = {k: item[k] for k in FIXED_COLUMNS}
        cells["overall"] = _number(item["overall"])
        for m in item["tree"]["measures"]:
            cells[f"measure:{m['key']}"] = _number(m.get("score"))
            for d in m.get("dimensions", []):
                cells[f"dimension:{m['key']}/{d['key']}"] = _number(d.get("score"))
                for r in d.get("drivers", []):
                    cells[f"driver:{m['key']}/{d['key']}/{r['key']}"] = _number(r.get("score"))
        writer.writerow([cells.get(c, "") for c in columns])
    return out.getvalue()


# --- import ----------------------------------------------------------------------------------------


def check_origin(origin: str) -> str:
    """The instance URL an import comes from (http or https, no trailing slash); InvalidInput otherwise."""
    text = str(origin or "").strip().rstrip("/")
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https") or not parts.netloc or len(text) > 500:
        raise InvalidInput(
            "Invalid origin.", [FieldProblem("origin", "must be the other instance's http(s) URL")]
        )
    return text


def _known_drivers() -> dict[str, set[str]]:
    """Per instrument id, every ``measure/dimension/driver`` of any of its versions."""
    found: dict[str, set[str]] = {}
    for inst in all_instruments(latest_only=False):
        found.setdefault(inst.id, set()).update(path for path, _d in inst.drivers())
    return found


def _score(value: Any) -> float | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise ValueError("not a number")
    number = float(value)
    if not 0 <= number <= 100:
        raise ValueError("not between 0 and 100")
    return number


def _check_tree(tree: Any, drivers: set[str]) -> dict[str, Any]:
    if not isinstance(tree, dict) or not isinstance(tree.get("measures"), list):
        raise ValueError("must be an object with a list of measures")
    measures = []
    for m in tree["measures"]:
        dimensions = []
        for d in m.get("dimensions", []) if isinstance(m, dict) else []:
            found = []
            for r in d.get("drivers", []) if isinstance(d, dict) else []:
                path = f"{m.get('key')}/{d.get('key')}/{r.get('key') if isinstance(r, dict) else None}"
                if path not in drivers:
                    raise ValueError(f"driver {path!r} is not a driver of this instrument")
                found.append({"key": r["key"], "score": _score(r.get("score"))})
            dimensions.append({"key": str(d.get("key")), "score": _score(d.get("score")), "drivers": found})
        if not isinstance(m, dict) or not dimensions:
            raise ValueError("every measure needs its key and dimensions")
        measures.append(
            {
                "key": str(m.get("key")),
                "score": _score(m.get("score")),
                "level": m.get("level"),
                "dimensions": dimensions,
            }
        )
    return {"measures": measures}


def _entry(item: Any, where: str, known: dict[str, set[str]]) -> tuple[dict[str, Any], list[FieldProblem]]:
    problems: list[FieldProblem] = []

    def fail(name: str, problem: str) -> None:
        problems.append(FieldProblem(f"{where}.{name}", problem))

    if not isinstance(item, dict):
        return {}, [FieldProblem(where, "must be an object")]
    clean: dict[str, Any] = {}
    try:
        clean["entry"] = uuid.UUID(str(item.get("entry")))
    except ValueError:
        fail("entry", "must be a UUID")
    ident = item.get("instrument_id")
    if not isinstance(ident, str) or not KEY.match(ident) or ident not in known:
        fail("instrument_id", f"{ident!r} is not an instrument known here")
    version = item.get("instrument_version")
    if not isinstance(version, str) or not re.match(r"^\d+(\.\d+)*$", version):
        fail("instrument_version", 'must be a version like "1.0"')
    try:
        year = int(item.get("year"))  # type: ignore[arg-type]
        if not 2000 <= year <= 2100 or str(item.get("year")).strip() != str(year):
            raise ValueError
        clean["year"] = year
    except (TypeError, ValueError):
        fail("year", "must be a year from 2000 to 2100")
    country = item.get("country") or ""
    if country and (not isinstance(country, str) or not COUNTRY.match(country)):
        fail("country", "must be a two-letter upper-case ISO 3166-1 code or empty")
    band = item.get("size_band") or ""
    if band and band not in SIZE_BANDS:
        fail("size_band", f"must be one of {', '.join(SIZE_BANDS)} or empty")
    try:
        clean["overall"] = _score(item.get("overall"))
    except (TypeError, ValueError) as exc:
        fail("overall", f"must be a number from 0 to 100 ({exc})")
    level = item.get("level") or ""
    if not isinstance(level, str) or len(level) > 50:
        fail("level", "must be a short text")
    if isinstance(ident, str) and ident in known:
        try:
            tree = _check_tree(item.get("tree"), known[ident])
            clean["tree"] = {"overall": clean.get("overall"), "level": level or None, **tree}
        except (TypeError, ValueError, KeyError, AttributeError) as exc:
            fail("tree", str(exc) or "is not a valid score tree")
    clean.update(
        instrument_id=ident, instrument_version=version, country=country, size_band=band, level=level
    )
    return clean, problems


def _rows_from_csv(text: str) -> list[dict[str, Any]]:
    reader = csv.DictReader(io.StringIO(text))
    missing = [c for c in FIXED_COLUMNS if c not in (reader.fieldnames or [])]
    if missing:
        raise InvalidInput(
            "Not a benchmark CSV file.", [FieldProblem("columns", "missing " + ", ".join(missing))]
        )
    items = []
    for row in reader:
        measures: dict[str, dict[str, Any]] = {}
        for column, value in row.items():
            kind, _sep, path = (column or "").partition(":")
            parts = path.split("/")
            if kind == "measure" and len(parts) == 1 and value != "":
                measures.setdefault(parts[0], {"key": parts[0], "dimensions": {}})["score"] = value
            elif kind == "dimension" and len(parts) == 2 and value != "":
                m = measures.setdefault(parts[0], {"key": parts[0], "dimensions": {}})
                m["dimensions"].setdefault(parts[1], {"key": parts[1], "drivers": []})["score"] = value
            elif kind == "driver" and len(parts) == 3 and value != "":
                m = measures.setdefault(parts[0], {"key": parts[0], "dimensions": {}})
                d = m["dimensions"].setdefault(parts[1], {"key": parts[1], "drivers": []})
                d["drivers"].append({"key": parts[2], "score": value})
        tree = {"measures": [{**m, "dimensions": list(m["dimensions"].values())} for m in measures.values()]}
        items.append({**{k: row.get(k) for k in FIXED_COLUMNS}, "tree": tree})
    return items


def parse_benchmark(payload: bytes) -> list[dict[str, Any]]:
    """Every entry of a benchmark file (JSON or CSV), checked; InvalidInput lists all problems.

    Returns dicts with the fields of :class:`BenchmarkEntry` (``entry`` a UUID).
    """
    try:
        text = payload.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InvalidInput("The file is not UTF-8 text.", [FieldProblem("file", str(exc))]) from exc
    if text.lstrip().startswith("{"):
        try:
            document = json.loads(text)
        except json.JSONDecodeError as exc:
            raise InvalidInput("The file is not valid JSON.", [FieldProblem("file", str(exc))]) from exc
        if document.get("format") != FORMAT or document.get("version") != VERSION:
            raise InvalidInput(
                "Not a benchmark file.",
                [FieldProblem("format", f'must be "{FORMAT}" version {VERSION}')],
            )
        items = document.get("entries")
        if not isinstance(items, list):
            raise InvalidInput("Not a benchmark file.", [FieldProblem("entries", "must be a list")])
    elif text.strip():
        items = _rows_from_csv(text)
    else:
        raise InvalidInput("The file is empty.", [FieldProblem("file", "is empty")])
    if len(items) > MAX_ENTRIES:
        raise InvalidInput("Too many entries.", [FieldProblem("entries", f"at most {MAX_ENTRIES:,}")])
    known = _known_drivers()
    problems: list[FieldProblem] = []
    found: list[dict[str, Any]] = []
    seen: set[Any] = set()
    for i, item in enumerate(items):
        clean, trouble = _entry(item, f"entries[{i}]", known)
        if not trouble and clean["entry"] in seen:
            trouble = [FieldProblem(f"entries[{i}].entry", "is used twice in the file")]
        problems += trouble
        if not trouble:
            seen.add(clean["entry"])
            found.append(clean)
    if problems:
        raise InvalidInput(
            f"{len(problems)} problems in the benchmark file; nothing was imported.", problems[:50]
        )
    return found


# --- DCAT-AP record -------------------------------------------------------------------------------

TITLE = _("Readiness benchmark")
DESCRIPTION = _(
    "Anonymised results of readiness self-assessments on social media, e-government and open data: "
    "instrument, year, country, size band and the scores per measure, dimension and driver."
)
FILE_TITLE = _("Readiness benchmark (%(format)s)")


def _per_language(text: Any, **values: str) -> dict[str, str]:
    texts = {}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            texts[code] = str(text) % values if values else str(text)
    return texts


def _upload(name: str, content: bytes, content_type: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def benchmark_dataset() -> Any:
    """The catalogue's benchmark dataset, or None before it was first published."""
    from openingup.catalogue.models import Dataset

    return Dataset.objects.filter(slug=SLUG).select_related("publisher").first()


@transaction.atomic
def publish_benchmark(*, publisher: Organisation) -> Any:
    """Publish the local benchmark in the catalogue: make the dataset (slug ``readiness-benchmark``)
    the first time, then replace each distribution's file when its content changed. Returns the dataset.
    """
    from openingup.catalogue import services as catalogue

    files = {
        "json": (
            json.dumps(export_benchmark(), ensure_ascii=False, indent=1).encode("utf-8"),
            "application/json",
        ),
        "csv": (export_benchmark_csv().encode("utf-8"), "text/csv"),
    }
    dataset = benchmark_dataset()
    created = dataset is None
    if dataset is None:
        dataset = catalogue.create_dataset(
            actor=None,
            publisher=publisher,
            data={
                "title": _per_language(TITLE),
                "description": _per_language(DESCRIPTION),
                "themes": [THEME],
                "frequency": FREQUENCY,
                "access_rights": ACCESS_RIGHTS,
            },
            slug=SLUG,
        )
    existing = {(d.file.name or "").rsplit(".", 1)[-1]: d for d in dataset.distributions.all()}
    for suffix, (content, content_type) in files.items():
        upload = _upload(f"{SLUG}.{suffix}", content, content_type)
        distribution = existing.get(suffix)
        if distribution is None:
            catalogue.add_distribution(
                actor=None,
                dataset=dataset,
                data={"title": _per_language(FILE_TITLE, format=suffix.upper()), "licence": LICENCE},
                upload=upload,
            )
        elif (distribution.checksum or {}).get("value") != hashlib.sha256(content).hexdigest():
            old = distribution.file.name or ""
            catalogue.update_distribution(actor=None, distribution=distribution, data={}, upload=upload)
            _delete_after_commit(distribution.file.storage, old, distribution.file.name or "")
    if created:
        catalogue.publish_dataset(actor=None, dataset=dataset)
    return dataset


def _delete_after_commit(storage: Any, old: str, new: str) -> None:
    """The replaced file goes once the new one is committed (a rollback keeps it)."""
    if old and old != new:
        transaction.on_commit(lambda: storage.delete(old))
