"""DCAT-AP 2.x / 3.x RDF (Turtle, RDF/XML, JSON-LD) → records, driven by the property table.

Contract: :func:`parse` never half-succeeds: it raises :class:`RdfError` with a message naming the
problem (syntax error with line, XML entity or DTD, unknown format) or returns every dataset,
data service and series found. Lenient where real catalogues are loose (DCAT-AP 2 property names,
literals where IRIs belong, e-mail without ``mailto:``); each such repair is noted as a warning.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import rdflib
from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring as safe_xml
from rdflib.term import BNode, Node, URIRef
from rdflib.term import Literal as RLiteral

from openingup.exchange.dcat.fields import CLASSES, NODES, Prop, empty
from openingup.exchange.dcat.namespaces import expand

# rdflib logs a traceback for every ill-typed literal; the lexical form is kept and SHACL reports it.
logging.getLogger("rdflib.term").setLevel(logging.ERROR)
WKT_LITERAL = re.compile(
    r"^\s*(<[^>]+>\s*)?(POINT|LINESTRING|POLYGON|MULTI\w+|GEOMETRYCOLLECTION|ENVELOPE)\b", re.I
)

# DCAT-AP 2.x and common variants, read as their DCAT-AP 3 equivalents.
ALIASES: dict[str, tuple[str, ...]] = {
    expand("dcat:version"): (expand("owl:versionInfo"),),
    expand("dcat:hasVersion"): (expand("dct:hasVersion"),),
    expand("dcat:startDate"): (expand("schema:startDate"),),
    expand("dcat:endDate"): (expand("schema:endDate"),),
}
FORMATS = {
    "ttl": "turtle",
    "turtle": "turtle",
    "rdf": "xml",
    "xml": "xml",
    "jsonld": "json-ld",
    "json": "json-ld",
}


class RdfError(ValueError):
    """The input is not DCAT-AP RDF we can read; the message says why."""


@dataclass
class ParseResult:
    catalogue: dict[str, Any] | None = None
    datasets: list[dict[str, Any]] = field(default_factory=list)
    data_services: list[dict[str, Any]] = field(default_factory=list)
    series: list[dict[str, Any]] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)
    graph: rdflib.Graph | None = None

    def warn(self, subject: str, message: str) -> None:
        self.warnings.setdefault(subject, []).append(message)


def guess_format(data: bytes, name: str = "", content_type: str = "") -> str:
    """``ttl``, ``rdf`` or ``jsonld`` from the file name, media type, or first bytes."""
    lowered = name.lower().rsplit("?", 1)[0]
    for ext, fmt in (
        (".ttl", "ttl"),
        (".rdf", "rdf"),
        (".xml", "rdf"),
        (".jsonld", "jsonld"),
        (".json", "jsonld"),
    ):
        if lowered.endswith(ext):
            return fmt
    ct = content_type.split(";")[0].strip().lower()
    by_type = {"text/turtle": "ttl", "application/rdf+xml": "rdf", "application/ld+json": "jsonld"}
    if ct in by_type:
        return by_type[ct]
    head = data.lstrip()[:1]
    return "rdf" if head == b"<" else "jsonld" if head in (b"{", b"[") else "ttl"


def load_graph(data: bytes, fmt: str, base: str = "urn:openingup:import:") -> rdflib.Graph:
    """Parse bytes into a graph safely; RdfError with the parser's message on failure."""
    if fmt not in FORMATS:
        raise RdfError(f"unknown RDF format {fmt!r}; use ttl, rdf or jsonld")
    if FORMATS[fmt] == "xml":
        data = _as_utf8_xml(data)
    _check_encoding(data, fmt)
    if FORMATS[fmt] == "xml":
        try:
            safe_xml(data, forbid_dtd=True)
        except DefusedXmlException as exc:
            raise RdfError(
                f"RDF/XML refused: document type declarations and entities are not accepted ({exc})"
            ) from exc
        except Exception as exc:
            raise RdfError(f"RDF/XML is not well-formed XML: {exc}") from exc
    if FORMATS[fmt] == "json-ld":
        _check_json_ld(data)
    graph = rdflib.Graph()
    # Keep literals' lexical forms ("…Z" stays "…Z"): harvested metadata is passed on without loss.
    # rdflib reads this flag at literal creation; pyshacl flips it globally, so it is set per parse.
    previous, rdflib.NORMALIZE_LITERALS = rdflib.NORMALIZE_LITERALS, False
    try:
        graph.parse(data=data, format=FORMATS[fmt], publicID=base)
    except Exception as exc:
        raise RdfError(f"{fmt} could not be parsed: {exc}") from exc
    finally:
        rdflib.NORMALIZE_LITERALS = previous
    return graph


_XML_ENCODING = re.compile(rb"""^(\s*<\?xml[^>]*encoding=["'])([A-Za-z0-9._-]+)(["'])""", re.I)


def _as_utf8_xml(data: bytes) -> bytes:
    """RDF/XML that declares another encoding, re-encoded as UTF-8 (rdflib reads bytes as UTF-8)."""
    found = _XML_ENCODING.match(data[:200])
    if not found or found.group(2).lower().replace(b"_", b"-") in (b"utf-8", b"utf8"):
        return data
    try:
        text = data.decode(found.group(2).decode("ascii"))
    except (LookupError, UnicodeDecodeError) as exc:
        raise RdfError(
            f"RDF/XML declares the encoding {found.group(2).decode()!r} but cannot be read in it"
        ) from exc
    return _XML_ENCODING.sub(rb"\1utf-8\3", text.encode("utf-8"), count=1)


def _check_encoding(data: bytes, fmt: str) -> None:
    """Turtle and JSON-LD are UTF-8 by definition; RDF/XML is UTF-8 once re-encoded from its declaration."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        byte = data[exc.start : exc.start + 1].hex()
        raise RdfError(
            f"{fmt} must be UTF-8 encoded, but byte 0x{byte} at position {exc.start} is not UTF-8 "
            "(was the file saved as Latin-1 or Windows-1252? save it as UTF-8 and try again)"
        ) from exc


def _remote_contexts(value: Any) -> Iterable[str]:
    if isinstance(value, str):
        yield value
    elif isinstance(value, list):
        for item in value:
            yield from _remote_contexts(item)
    elif isinstance(value, dict) and isinstance(value.get("@import"), str):
        yield value["@import"]


def _check_json_ld(data: bytes) -> None:
    """Refuse JSON that is not JSON-LD we can read offline: no remote @context is ever fetched."""
    try:
        document = json.loads(data)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise RdfError(f"JSON-LD is not valid JSON: {exc}") from exc
    stack = [document]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            for url in _remote_contexts(node.get("@context")):
                hint = " (this is a DCAT-US data.json, not DCAT-AP RDF)" if "project-open-data" in url else ""
                raise RdfError(f"JSON-LD refers to the remote context {url}, which is not fetched{hint}")
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)


def parse(data: bytes, fmt: str) -> ParseResult:
    graph = load_graph(data, fmt)
    return parse_graph(graph)


def parse_graph(graph: rdflib.Graph) -> ParseResult:
    result = ParseResult(graph=graph)
    reader = _Reader(graph, result)
    for kind, target in (
        ("dataset", result.datasets),
        ("data_service", result.data_services),
        ("dataset_series", result.series),
    ):
        cls = URIRef(expand(CLASSES[kind][0]))
        for subject in sorted(set(graph.subjects(rdflib.RDF.type, cls)), key=str):
            if _is_stub(graph, subject):
                continue
            record = reader.record(kind, subject)
            if kind == "dataset":
                record["distributions"] = [
                    reader.record("distribution", d)
                    for d in sorted(graph.objects(subject, URIRef(expand("dcat:distribution"))), key=str)
                ]
            target.append(record)
    catalogues = sorted(set(graph.subjects(rdflib.RDF.type, URIRef(expand("dcat:Catalog")))), key=str)
    if catalogues:
        result.catalogue = reader.record("catalogue", catalogues[0])
    return result


def _concept_for_text(predicate: str, text: str) -> str | None:
    """Map a code written as text ("CSV", "text/csv", "es", "TRAN") to its EU vocabulary IRI."""
    from openingup.vocabularies import registry

    found = None
    if predicate == "dct:format":
        found = registry.file_type_for_media_type(text) if "/" in text else None
        found = found or registry.vocabulary("file-type").by_code(text.split("/")[-1])
    elif predicate == "dct:language":
        code = text.lower().split("-")[0]
        vocab = registry.vocabulary("language")
        found = next((c for c in vocab if c.extra.get("iso_639_1") == code), None) or vocab.by_code(code)
    elif predicate == "dcat:theme":
        found = registry.vocabulary("data-theme").by_code(text)
    return found.uri if found else None


def _is_stub(graph: rdflib.Graph, subject: Node) -> bool:
    """A subject known only by its type is a reference to a resource described elsewhere."""
    return all(p == rdflib.RDF.type for p in graph.predicates(subject, None))


class _Reader:
    def __init__(self, graph: rdflib.Graph, result: ParseResult) -> None:
        self.graph = graph
        self.result = result

    @staticmethod
    def objects(by_predicate: dict[str, list[Node]], prop: Prop) -> list[Node]:
        """The subject's values of ``prop`` (and its aliases), in a stable order."""
        found = list(by_predicate.get(prop.iri, ()))
        for alias in ALIASES.get(prop.iri, ()):
            found.extend(by_predicate.get(alias, ()))
        return sorted(found, key=lambda n: (str(n), getattr(n, "language", None) or ""))

    def record(self, kind: str, subject: Node) -> dict[str, Any]:
        _, table = CLASSES[kind]
        record = self.fields(table, subject)
        record["uri"] = str(subject) if isinstance(subject, URIRef) else ""
        return record

    def fields(self, table: Iterable[Prop], subject: Node) -> dict[str, Any]:
        record: dict[str, Any] = {}
        by_predicate: dict[str, list[Node]] = {}
        for predicate, obj in self.graph.predicate_objects(subject):  # one pass, not one per property
            by_predicate.setdefault(str(predicate), []).append(obj)
        for prop in table:
            value = self.value(prop, subject, self.objects(by_predicate, prop))
            if value not in (None, "", [], {}):
                record[prop.name] = value
        return record

    def value(self, prop: Prop, subject: Node, objs: list[Node]) -> Any:
        if not objs:
            return empty(prop)
        kind = prop.kind
        if kind == "lang":
            texts: dict[str, str] = {}
            for o in objs:
                if isinstance(o, RLiteral):
                    texts.setdefault(o.language or "", str(o))
            return texts
        if kind == "lang_list":
            lists: dict[str, list[str]] = {}
            for o in objs:
                if isinstance(o, RLiteral):
                    lists.setdefault(o.language or "", []).append(str(o))
            return lists
        if kind == "text_list":
            return [str(o) for o in objs if not isinstance(o, BNode)]
        if kind == "iri_list":
            return [iri for o in objs if (iri := self.iri(prop, subject, o))]
        if kind == "node":
            items = [self.node(prop, o) for o in objs]
            return items if prop.many else items[0]
        first = objs[0]
        if kind == "wkt":
            first = next((o for o in objs if WKT_LITERAL.match(str(o))), first)
        if len({str(o) for o in objs}) > 1:
            self.result.warn(str(subject), f"{prop.predicate} has {len(objs)} values; kept {first}")
        if kind == "iri":
            return self.iri(prop, subject, first) or ""
        if kind == "integer":
            try:
                return int(str(first).split(".")[0])
            except ValueError:
                self.result.warn(str(subject), f"{prop.predicate} is not a whole number: {first!s}")
                return None
        return str(first)

    def iri(self, prop: Prop, subject: Node, node: Node) -> str | None:
        if isinstance(node, URIRef):
            return str(node)
        if isinstance(node, RLiteral):
            text = str(node).strip()
            if prop.predicate in ("vcard:hasEmail", "foaf:mbox") and "@" in text and ":" not in text:
                return f"mailto:{text}"
            concept = _concept_for_text(prop.predicate, text)
            if concept:
                return concept
            if (
                prop.predicate in ("dcat:mediaType", "dcat:compressFormat", "dcat:packageFormat")
                and "/" in text
            ):
                return f"https://www.iana.org/assignments/media-types/{text}"
            if text.startswith(("http://", "https://", "mailto:", "tel:")):
                return text
            self.result.warn(
                str(subject), f"{prop.predicate}: {text!r} is text where an IRI is expected; left out"
            )
            return None
        for label in self.graph.objects(node, rdflib.RDFS.label):
            self.result.warn(
                str(subject), f"{prop.predicate}: blank node ({label}) where an IRI is expected; left out"
            )
            break
        return None

    def node(self, prop: Prop, obj: Node) -> dict[str, Any]:
        assert prop.node is not None
        _, table = NODES[prop.node]
        item = self.fields(table, obj)
        if isinstance(obj, URIRef):
            item["uri"] = str(obj)
        elif isinstance(obj, RLiteral):
            if prop.node.startswith("statement_"):
                item["label"] = {obj.language or "": str(obj)}
            elif prop.node == "agent":
                item["name"] = {obj.language or "": str(obj)}
        return item
