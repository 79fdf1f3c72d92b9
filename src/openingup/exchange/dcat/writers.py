"""Streaming writers: resources in, text chunks out (Turtle, RDF/XML, JSON-LD).

Each writer is a class with ``header()``, ``resource(r)``, and ``footer()``, so a whole catalogue is
written one resource at a time in constant memory. Writers are registered by format name in
:data:`WRITERS` (the extension point for further formats); :func:`serialise` joins a complete
document for small inputs.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, ClassVar, Protocol
from xml.sax.saxutils import escape, quoteattr

from openingup.exchange.dcat.namespaces import PREFIXES, RDF_TYPE, compact
from openingup.exchange.dcat.triples import IRI, Blank, Literal, Resource, Term

if TYPE_CHECKING:
    from openingup.exchange.dcat.profiles.base import Profile

_XSD_STRING = PREFIXES["xsd"] + "string"
_TTL_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})
_IRI_ESCAPES = str.maketrans({c: f"\\u{ord(c):04X}" for c in '<>"{}|^`\\ '})


class Writer(Protocol):
    media_type: ClassVar[str]

    def header(self) -> str: ...
    def resource(self, resource: Resource) -> str: ...
    def footer(self) -> str: ...


def _turtle_iri(iri: str) -> str:
    return compact(iri) or f"<{iri.translate(_IRI_ESCAPES)}>"


class TurtleWriter:
    media_type = "text/turtle"

    def header(self) -> str:
        return "".join(f"@prefix {p}: <{ns}> .\n" for p, ns in PREFIXES.items()) + "\n"

    @staticmethod
    def term(term: Term | str) -> str:
        if isinstance(term, Literal):
            text = f'"{term.value.translate(_TTL_ESCAPES)}"'
            if term.lang:
                return f"{text}@{term.lang}"
            if term.datatype and term.datatype != _XSD_STRING:
                return f"{text}^^{compact(term.datatype) or '<' + term.datatype + '>'}"
            return text
        if isinstance(term, Blank):
            return f"_:{term}"
        return _turtle_iri(term)

    def resource(self, resource: Resource) -> str:
        subject, pairs = resource
        term = self.term
        lines: list[str] = []
        current: str | None = None
        objects: list[str] = []
        for predicate, obj in pairs:
            if predicate != current:
                if current is not None:
                    lines.append(f"{'a' if current == RDF_TYPE else term(current)} {', '.join(objects)}")
                current, objects = predicate, []
            objects.append(term(obj))
        if current is not None:
            lines.append(f"{'a' if current == RDF_TYPE else term(current)} {', '.join(objects)}")
        return f"{term(subject)} " + " ;\n    ".join(lines) + " .\n\n"

    def footer(self) -> str:
        return ""


class RdfXmlWriter:
    media_type = "application/rdf+xml"

    def header(self) -> str:
        ns = "".join(f'\n    xmlns:{p}="{uri}"' for p, uri in PREFIXES.items())
        return f'<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF{ns}>\n'

    def resource(self, resource: Resource) -> str:
        subject, pairs = resource
        if isinstance(subject, Blank):
            about = f"rdf:nodeID={quoteattr(str(subject))}"
        else:
            about = f"rdf:about={quoteattr(str(subject))}"
        parts = [f"  <rdf:Description {about}>\n"]
        for predicate, obj in pairs:
            name = compact(predicate)
            if name is None:  # pragma: no cover - every table predicate has a prefix
                raise ValueError(f"no XML name for predicate {predicate}")
            if isinstance(obj, Literal):
                attrs = ""
                if obj.lang:
                    attrs = f" xml:lang={quoteattr(obj.lang)}"
                elif obj.datatype and obj.datatype != _XSD_STRING:
                    attrs = f" rdf:datatype={quoteattr(obj.datatype)}"
                parts.append(f"    <{name}{attrs}>{escape(obj.value)}</{name}>\n")
            elif isinstance(obj, Blank):
                parts.append(f"    <{name} rdf:nodeID={quoteattr(str(obj))}/>\n")
            else:
                parts.append(f"    <{name} rdf:resource={quoteattr(str(obj))}/>\n")
        parts.append("  </rdf:Description>\n")
        return "".join(parts)

    def footer(self) -> str:
        return "</rdf:RDF>\n"


class JsonLdWriter:
    """Flattened JSON-LD: one node object per resource in ``@graph``, compact IRIs via the context."""

    media_type = "application/ld+json"

    def __init__(self) -> None:
        self._first = True

    def header(self) -> str:
        self._first = True
        return '{"@context": ' + json.dumps(PREFIXES) + ',\n "@graph": [\n'

    @staticmethod
    def _key(iri: str) -> str:
        return compact(iri) or iri

    def _value(self, obj: Term) -> dict[str, str]:
        if isinstance(obj, Literal):
            value = {"@value": obj.value}
            if obj.lang:
                value["@language"] = obj.lang
            elif obj.datatype and obj.datatype != _XSD_STRING:
                value["@type"] = self._key(obj.datatype)
            return value
        if isinstance(obj, Blank):
            return {"@id": f"_:{obj}"}
        return {"@id": str(obj)}

    def resource(self, resource: Resource) -> str:
        subject, pairs = resource
        properties: dict[str, list[dict[str, str]]] = {}
        types: list[str] = []
        for predicate, obj in pairs:
            if predicate == RDF_TYPE and isinstance(obj, IRI):
                types.append(self._key(obj))
            else:
                properties.setdefault(self._key(predicate), []).append(self._value(obj))
        node: dict[str, object] = {"@id": f"_:{subject}" if isinstance(subject, Blank) else str(subject)}
        node.update(properties)
        if types:
            node["@type"] = types
        prefix = "  " if self._first else ",\n  "
        self._first = False
        return prefix + json.dumps(node, ensure_ascii=False)

    def footer(self) -> str:
        return "\n]}\n"


WRITERS: dict[str, type[TurtleWriter] | type[RdfXmlWriter] | type[JsonLdWriter]] = {
    "ttl": TurtleWriter,
    "rdf": RdfXmlWriter,
    "jsonld": JsonLdWriter,
}
MEDIA_TYPES = {name: cls.media_type for name, cls in WRITERS.items()}


def writer(fmt: str) -> TurtleWriter | RdfXmlWriter | JsonLdWriter:
    try:
        return WRITERS[fmt]()
    except KeyError:
        raise ValueError(f"unknown RDF format {fmt!r}; choose one of {', '.join(WRITERS)}") from None


def stream(fmt: str, resources: Iterable[Resource], profile: Profile | None = None) -> Iterator[str]:
    """Text chunks of one complete document; a national ``profile`` describes what resources point
    at as that profile asks (its record rules are applied by :func:`.triples.resources`)."""
    w = writer(fmt)
    if profile is not None:
        resources = profile.resources(resources)
    yield w.header()
    for resource in resources:
        yield w.resource(resource)
    yield w.footer()


def serialise(fmt: str, resources: Iterable[Resource], profile: Profile | None = None) -> str:
    return "".join(stream(fmt, resources, profile))
