"""Records → RDF resources, driven by the property table; no rdflib on this hot path.

A *resource* is ``(subject, [(predicate, object), ...])``. Subjects are :class:`IRI` or
:class:`Blank`; objects are those or :class:`Literal`. Writers in :mod:`.writers` turn resources into
Turtle, RDF/XML or JSON-LD text, one resource at a time, so a catalogue of any size streams.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from openingup.exchange.dcat.fields import CLASSES, NODES, Prop
from openingup.exchange.dcat.namespaces import RDF_TYPE, XSD, expand

if TYPE_CHECKING:
    from openingup.exchange.dcat.profiles.base import Profile


class IRI(str):
    __slots__ = ()


class Blank(str):
    __slots__ = ()


@dataclass(frozen=True, slots=True)
class Literal:
    value: str
    lang: str | None = None
    datatype: str | None = None


Term = IRI | Blank | Literal
Resource = tuple[IRI | Blank, list[tuple[str, Term]]]

XSD_DATE = XSD + "date"
XSD_DATETIME = XSD + "dateTime"
XSD_GYEAR = XSD + "gYear"
XSD_GYEARMONTH = XSD + "gYearMonth"
WKT = expand("gsp:wktLiteral")
_SCALAR_TYPES = {
    "integer": XSD + "nonNegativeInteger",
    "decimal": XSD + "decimal",
    "duration": XSD + "duration",
    "wkt": WKT,
    "hex": XSD + "hexBinary",
}
SKOS_PREF_LABEL = expand("skos:prefLabel")
DCT_TITLE = expand("dct:title")
_YEAR = re.compile(r"^-?\d{4}$")
_YEAR_MONTH = re.compile(r"^-?\d{4}-\d{2}$")


def date_datatype(value: str) -> str:
    """The XSD type of an ISO 8601 value as the catalogue stores it."""
    if "T" in value:
        return XSD_DATETIME
    if _YEAR.match(value):
        return XSD_GYEAR
    if _YEAR_MONTH.match(value):
        return XSD_GYEARMONTH
    return XSD_DATE


def _labels(iri: str) -> list[tuple[str, Term]]:
    """skos:prefLabel of a known concept, or dct:title of a known vocabulary (concept scheme)."""
    from openingup.vocabularies import registry

    concept = registry.concept(iri)
    if concept is not None:
        return [(SKOS_PREF_LABEL, Literal(text, lang)) for lang, text in sorted(concept.labels.items())]
    for name in registry.names():
        if registry.vocabulary(name).scheme == iri:
            return [(DCT_TITLE, Literal(name.replace("-", " ").capitalize(), "en"))]
    return []


class BlankNodes:
    """Mints document-unique blank node labels."""

    def __init__(self) -> None:
        self._counter = itertools.count(1)

    def __call__(self) -> Blank:
        return Blank(f"b{next(self._counter)}")


def _objects(prop: Prop, value: Any, blank: Callable[[], Blank], out: list[Resource]) -> Iterator[Term]:
    kind = prop.kind
    if kind == "lang":
        for lang, text in sorted(value.items()):
            if text:
                yield Literal(text, lang or None)
    elif kind == "lang_list":
        for lang, texts in sorted(value.items()):
            for text in texts:
                yield Literal(text, lang or None)
    elif kind == "text":
        yield Literal(str(value))
    elif kind == "text_list":
        for text in value:
            yield Literal(text)
    elif kind in ("iri", "iri_list"):
        cls = prop.class_iri
        for iri in [value] if kind == "iri" else value:
            if cls:
                out.append((IRI(iri), [(RDF_TYPE, IRI(cls)), *(_labels(iri) if prop.labelled else [])]))
            yield IRI(iri)
    elif kind == "date":
        yield Literal(value, None, date_datatype(value))
    elif kind in _SCALAR_TYPES:
        yield Literal(str(value), None, _SCALAR_TYPES[kind])
    elif kind == "node":
        assert prop.node is not None
        for item in value if prop.many else [value]:
            yield node(prop.node, item, blank, out)
    else:  # pragma: no cover - the table is fixed
        raise ValueError(f"unknown property kind {kind!r}")


def describe(
    table: tuple[Prop, ...],
    subject: IRI | Blank,
    cls: str,
    record: Mapping[str, Any],
    blank: Callable[[], Blank],
    out: list[Resource],
) -> Resource:
    """The resource for one record; nested and typing resources are appended to ``out``."""
    pairs: list[tuple[str, Term]] = [(RDF_TYPE, IRI(expand(cls)))]
    for prop in table:
        value = record.get(prop.name)
        if value is None or value == "" or value == [] or value == {}:
            continue
        iri = prop.iri
        pairs.extend((iri, obj) for obj in _objects(prop, value, blank, out))
    return (subject, pairs)


def node(name: str, item: Mapping[str, Any], blank: Callable[[], Blank], out: list[Resource]) -> IRI | Blank:
    """Describe a nested value object; an item with only a "uri" is a plain reference."""
    cls, table = NODES[name]
    subject: IRI | Blank = IRI(item["uri"]) if item.get("uri") else blank()
    if any(item.get(p.name) not in (None, "", [], {}) for p in table) or isinstance(subject, Blank):
        out.append(describe(table, subject, cls, item, blank, out))
    elif subject:
        out.append((subject, [(RDF_TYPE, IRI(expand(cls)))]))
    return subject


def resources(
    kind: str,
    record: Mapping[str, Any],
    blank: Callable[[], Blank] | None = None,
    profile: Profile | None = None,
) -> list[Resource]:
    """Every resource describing one record of ``kind`` (dataset, distribution, data_service, …).

    A dataset record may carry ``"distributions"``: a list of distribution records, linked with
    ``dcat:distribution`` and described after the dataset. A national ``profile`` (see
    :mod:`.profiles`) adjusts the property table and the record first.
    """
    blank = blank or BlankNodes()
    cls, table = CLASSES[kind]
    if profile is not None:
        table = profile.table(kind, table)
        record = profile.record(kind, dict(record))
    out: list[Resource] = []
    main = describe(table, IRI(record["uri"]), cls, record, blank, out)
    result = [main]
    for distribution in record.get("distributions", []) if kind == "dataset" else []:
        main[1].append((expand("dcat:distribution"), IRI(distribution["uri"])))
        result.extend(resources("distribution", distribution, blank, profile))
    return result + _dedupe(out)


def _dedupe(extra: list[Resource]) -> list[Resource]:
    seen: set[tuple[str, str]] = set()
    kept: list[Resource] = []
    for subject, pairs in extra:
        if len(pairs) == 1 and pairs[0][0] == RDF_TYPE:
            key = (subject, str(pairs[0][1]))
            if key in seen:
                continue
            seen.add(key)
        kept.append((subject, pairs))
    return kept
