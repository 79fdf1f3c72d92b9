"""Checks on catalogue input before anything is written, driven by the property table.

:func:`check` returns the problems of a record (field, problem) — empty when it is fine. Structural
problems (wrong type, too long, malformed IRI or date) are always errors. Values outside the EU
vocabularies are errors for people typing them (``strict=True``) and warnings for imports, which
must not lose what a neighbouring catalogue says.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Any

from openingup.core.errors import FieldProblem
from openingup.exchange.dcat.fields import NODES, Prop
from openingup.vocabularies.registry import vocabulary

MAX_TITLE = 1000
MAX_TEXT = 50_000
MAX_KEYWORD = 200
LANG_CODE = re.compile(r"^([a-z]{2,3}(-[A-Za-z0-9]{2,8})*)?$")
IRI = re.compile(r"^(https?|mailto|tel|urn):[^\s<>\"{}|\\^`]+$")
DURATION = re.compile(r"^-?P(?=\d|T\d)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$")
DECIMAL = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)$")
HEX = re.compile(r"^([0-9a-fA-F]{2})*$")

VOCABULARY_OF = {
    "themes": "data-theme",
    "language": "language",
    "frequency": "frequency",
    "access_rights": "access-right",
    "licence": "licence",
    "format": "file-type",
    "media_type": "media-type",
    "compress_format": "media-type",
    "package_format": "media-type",
    "availability": "planned-availability",
    "status": "distribution-status",
    "hvd_categories": "hvd-category",
}


def _is_date(value: str) -> bool:
    if re.fullmatch(r"-?\d{4}(-\d{2})?", value):
        return True
    try:
        if "T" in value:
            datetime.fromisoformat(value.replace("Z", "+00:00"))
        else:
            date.fromisoformat(value)
    except ValueError:
        return False
    return True


def _texts(prop: Prop, value: Any, limit: int) -> list[str]:
    if not isinstance(value, dict):
        return [f"must be an object of language → text, got {type(value).__name__}"]
    problems = []
    for lang, texts in value.items():
        if not isinstance(lang, str) or not LANG_CODE.match(lang):
            problems.append(f"{lang!r} is not a language code")
            continue
        items = texts if prop.kind == "lang_list" else [texts]
        if not isinstance(items, list) or not all(isinstance(t, str) for t in items):
            problems.append(f"({lang}) must be {'a list of texts' if prop.kind == 'lang_list' else 'text'}")
            continue
        for text in items:
            if len(text) > limit:
                problems.append(f"({lang}) is {len(text):,} characters long; the limit is {limit:,}")
            if "\x00" in text:
                problems.append(f"({lang}) contains a NUL character")
    return problems


def _value_problems(prop: Prop, value: Any) -> list[str]:
    kind = prop.kind
    if kind in ("lang", "lang_list"):
        limit = MAX_TITLE if prop.name == "title" else MAX_KEYWORD if kind == "lang_list" else MAX_TEXT
        return _texts(prop, value, limit)
    if kind in ("iri_list", "text_list"):
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            return ["must be a list of texts"]
        items = value
    elif kind == "node":
        return _node_problems(prop, value)
    elif kind == "integer":
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            return ["must be a whole number ≥ 0"]
        return []
    elif not isinstance(value, str):
        return [f"must be text, got {type(value).__name__}"]
    else:
        items = [value]
    problems = []
    for item in items:
        if len(item) > 2000:
            problems.append(f"is {len(item):,} characters long; the limit is 2,000")
        elif kind in ("iri", "iri_list") and not IRI.match(item):
            problems.append(f"{item[:100]!r} is not an absolute http(s), mailto or tel IRI")
        elif kind == "date" and not _is_date(item):
            problems.append(f"{item!r} is not an ISO 8601 date or date-time")
        elif kind == "duration" and not DURATION.match(item):
            problems.append(f"{item!r} is not an ISO 8601 duration such as P1D")
        elif kind == "decimal" and not DECIMAL.match(item):
            problems.append(f"{item!r} is not a decimal number")
        elif kind == "hex" and not HEX.match(item):
            problems.append(f"{item!r} is not hexadecimal")
    return problems


def _node_problems(prop: Prop, value: Any) -> list[str]:
    _, table = NODES[prop.node or ""]
    items = value if prop.many else [value]
    if prop.many and not isinstance(value, list):
        return ["must be a list of objects"]
    problems = []
    for item in items:
        if not isinstance(item, dict):
            problems.append("must be an object")
            continue
        known = {p.name for p in table} | {"uri"}
        problems += [f"{k!r} is not a property here (use {sorted(known)})" for k in item if k not in known]
        if item.get("uri") and not IRI.match(str(item["uri"])):
            problems.append(f"uri {str(item['uri'])[:100]!r} is not an absolute IRI")
        reference_only = set(item) == {"uri"}  # a link to a resource described elsewhere
        for sub in table:
            if item.get(sub.name) not in (None, "", [], {}):
                problems += [f"{sub.name} {p}" for p in _value_problems(sub, item[sub.name])]
            elif sub.mandatory and not reference_only:
                problems.append(f"{sub.name} is required ({sub.predicate})")
    return problems


def _vocabulary_problems(prop: Prop, value: Any) -> list[str]:
    name = VOCABULARY_OF.get(prop.name)
    if not name:
        return []
    vocab = vocabulary(name)
    values = value if isinstance(value, list) else [value]
    return [
        f"{v!r} is not in the EU {name} vocabulary"
        for v in values
        if isinstance(v, str) and v and v not in vocab
    ]


def check(
    table: tuple[Prop, ...], record: dict[str, Any], *, strict: bool = True, partial: bool = False
) -> tuple[list[FieldProblem], list[FieldProblem]]:
    """(errors, warnings) for a record; ``partial`` skips mandatory checks for fields not given."""
    errors: list[FieldProblem] = []
    warnings: list[FieldProblem] = []
    names = {p.name for p in table}
    for key in record:
        if key not in names and key not in ("uri", "distributions"):
            errors.append(FieldProblem(key, "is not a DCAT-AP property this platform knows"))
    for prop in table:
        value = record.get(prop.name)
        if value in (None, "", [], {}):
            if prop.mandatory and not (partial and prop.name not in record):
                errors.append(FieldProblem(prop.name, f"is required ({prop.predicate})"))
            continue
        structural = _value_problems(prop, value)
        errors += [FieldProblem(prop.name, p) for p in structural]
        if not structural:
            vocab = [FieldProblem(prop.name, p) for p in _vocabulary_problems(prop, value)]
            (errors if strict else warnings).extend(vocab)
    return errors, warnings
