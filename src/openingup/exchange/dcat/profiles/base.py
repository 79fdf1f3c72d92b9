"""What a national profile is, and the rules the profiles are written with.

A :class:`Profile` changes what the shared DCAT-AP 3.0.1 writers produce in three small ways, all data
plus a few lines of code, so the writers themselves are never forked:

* ``rows`` - extra rows for the property table of a record kind, or a row replacing the one of the
  same name (``dcat:byteSize`` as ``xsd:decimal``); used by :func:`..triples.resources`;
* ``prepare`` - record rules run before a record is described (fill a required property with a
  value the platform has, map a code to the profile's code list, leave out what the profile cannot
  accept);
* ``describe`` - resource rules run as the document streams (describe the concepts, legislation and
  standards that resources point at, once each).
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from openingup.exchange.dcat.fields import Prop
from openingup.exchange.dcat.namespaces import RDF_TYPE, expand
from openingup.exchange.dcat.triples import IRI, Literal, Resource, Term

Record = dict[str, Any]
RecordRule = Callable[[str, Record], Record]
ResourceRule = Callable[[Resource, set[str]], list[Resource]]

SKOS_IN_SCHEME = expand("skos:inScheme")
SKOS_PREF_LABEL = expand("skos:prefLabel")
SKOS_CONCEPT = expand("skos:Concept")
DCT_TITLE = expand("dct:title")
DCT_TYPE = expand("dct:type")
_STUB_PREDICATES = frozenset({RDF_TYPE, SKOS_PREF_LABEL, DCT_TITLE})


@dataclass(frozen=True)
class Profile:
    code: str
    title: str
    uri: str  # the profile's IRI, for Content-Profile / Link: rel="profile"
    rows: Mapping[str, tuple[Prop, ...]] = field(default_factory=dict)
    prepare: tuple[RecordRule, ...] = ()
    describe: tuple[ResourceRule, ...] = ()
    shape_files: tuple[str, ...] = ()  # the official SHACL files, by name, in a folder given at run time
    notes: tuple[str, ...] = ()  # what the profile changes, in plain words

    def table(self, kind: str, base: tuple[Prop, ...]) -> tuple[Prop, ...]:
        """The property table for ``kind``: ``base`` with this profile's rows replaced or added."""
        extra = {p.name: p for p in self.rows.get(kind, ())}
        if not extra:
            return base
        kept = tuple(extra.pop(p.name, p) for p in base)
        return kept + tuple(extra.values())

    def record(self, kind: str, record: Record) -> Record:
        for rule in self.prepare:
            record = rule(kind, record)
        return record

    def resources(self, resources: Iterable[Resource]) -> Iterator[Resource]:
        """The document's resources with the ``describe`` rules applied (streaming, constant memory
        apart from the set of IRIs already described)."""
        described: set[str] = set()
        for resource in resources:
            out = [resource]
            for rule in self.describe:
                out = [new for old in out for new in rule(old, described)]
            yield from out


# --------------------------------------------------------------------------- record rules


def identifier_from_uri(*kinds: str) -> RecordRule:
    """``dct:identifier``: the resource's own URI when it has no identifier (records of ``kinds``)."""

    def rule(kind: str, record: Record) -> Record:
        if kind in kinds and not record.get("identifier") and record.get("uri"):
            return {**record, "identifier": [str(record["uri"])]}
        return record

    return rule


def creator_from_publisher(*kinds: str) -> RecordRule:
    """``dct:creator``: the publisher when no creator is recorded."""

    def rule(kind: str, record: Record) -> Record:
        if kind in kinds and not record.get("creator") and record.get("publisher"):
            return {**record, "creator": record["publisher"]}
        return record

    return rule


def contact_point_from_publisher(*kinds: str) -> RecordRule:
    """``dcat:contactPoint``: the publisher's name, e-mail address and homepage, when it has an
    e-mail address or homepage and the record names no contact point."""

    def rule(kind: str, record: Record) -> Record:
        agent = record.get("publisher") or {}
        if (
            kind not in kinds
            or record.get("contact_points")
            or not (agent.get("email") or agent.get("homepage"))
        ):
            return record
        contact = {"fn": agent.get("name") or {}, "email": agent.get("email"), "url": agent.get("homepage")}
        return {**record, "contact_points": [{k: v for k, v in contact.items() if v}]}

    return rule


def named_locations(kind: str, record: Record) -> Record:
    """Locations without an IRI get one under the resource's own URI (``…#location-1``), for
    profiles that want ``dct:spatial`` to be an IRI. The description (bounding box, label) stays."""
    locations = record.get("spatial")
    if not locations or not record.get("uri"):
        return record
    named = [
        item if item.get("uri") else {**item, "uri": f"{record['uri']}#location-{n}"}
        for n, item in enumerate(locations, 1)
    ]
    return {**record, "spatial": named}


def without(*names: str, kinds: tuple[str, ...] = ("distribution",)) -> RecordRule:
    """Leave out properties the profile cannot take in the form the platform has them."""

    def rule(kind: str, record: Record) -> Record:
        if kind not in kinds or not any(record.get(n) for n in names):
            return record
        return {k: v for k, v in record.items() if k not in names}

    return rule


def map_iris(names: tuple[str, ...], mapping: Callable[[str], str]) -> RecordRule:
    """Rewrite the IRIs of properties ``names`` (any record kind) with ``mapping``."""

    def rule(kind: str, record: Record) -> Record:
        changed: dict[str, Any] = {}
        for name in names:
            value = record.get(name)
            if isinstance(value, str) and value:
                changed[name] = mapping(value)
            elif isinstance(value, list) and value and all(isinstance(v, str) for v in value):
                changed[name] = [mapping(v) for v in value]
        return {**record, **changed} if changed else record

    return rule


def series_ends(kind: str, record: Record) -> Record:
    """``dcat:first`` / ``dcat:last`` of a dataset series from its ``members`` (oldest first)."""
    members = record.get("members") or []
    if kind != "dataset_series" or not members:
        return record
    return {**record, "first": members[0], "last": members[-1]}


# --------------------------------------------------------------------------- resource rules


def _is_stub(resource: Resource) -> bool:
    """A typing resource the writers add for a referenced IRI (its type, perhaps its labels)."""
    subject, pairs = resource
    if not isinstance(subject, IRI) or not pairs or pairs[0][0] != RDF_TYPE:
        return False
    return all(p in _STUB_PREDICATES for p, _ in pairs)


def _append_once(resource: Resource, described: set[str], extra: list[tuple[str, Term]]) -> Resource:
    subject, pairs = resource
    if not extra or subject in described:
        return resource
    described.add(subject)
    have = set(pairs)
    return (subject, pairs + [pair for pair in extra if pair not in have])


def _concept_stub(iri: str, scheme: str, described: set[str]) -> list[Resource]:
    if iri in described:
        return []
    described.add(iri)
    return [(IRI(iri), [(RDF_TYPE, IRI(SKOS_CONCEPT)), (SKOS_IN_SCHEME, IRI(scheme))])]


def describe_concepts(resource: Resource, described: set[str]) -> list[Resource]:
    """A referenced concept of a known vocabulary gets its labels, and ``skos:inScheme`` when the
    IRI is the concept's own (not an equivalent such as a DCAT-AP 2 availability IRI)."""
    if not _is_stub(resource):
        return [resource]
    found = _lookup(resource[0])
    if found is None:
        return [resource]
    labels, scheme = found
    extra: list[tuple[str, Term]] = [(SKOS_IN_SCHEME, IRI(scheme))] if scheme else []
    extra += [(SKOS_PREF_LABEL, Literal(text, lang)) for lang, text in labels]
    return [_append_once(resource, described, extra)]


@functools.cache
def _lookup(uri: str) -> tuple[tuple[tuple[str, str], ...], str | None] | None:
    """(labels, scheme) of the concept ``uri`` names; scheme None when ``uri`` is an equivalent."""
    from openingup.vocabularies import registry

    for name in registry.names():
        vocabulary = registry.vocabulary(name)
        concept = vocabulary.resolve(uri)
        if concept is not None:
            own = vocabulary.get(uri) is not None
            return tuple(sorted(concept.labels.items())), vocabulary.scheme if own else None
    return None


# Documents whose IRI says what they are: pattern → (English title template, resource type code).
_ELI_TYPES = {
    "reg": "Regulation",
    "reg_impl": "Implementing Regulation",
    "reg_del": "Delegated Regulation",
    "dir": "Directive",
    "dir_impl": "Implementing Directive",
    "dir_del": "Delegated Directive",
    "dec": "Decision",
    "dec_impl": "Implementing Decision",
    "dec_del": "Delegated Decision",
}
_ELI = re.compile(
    r"^https?://data\.europa\.eu/eli/(?P<type>[a-z_]+)/(?P<year>\d{4})/(?P<number>\d+)(/oj)?/?$"
)
_NAMED_STANDARDS = (
    (re.compile(r"^https?://www\.rfc-editor\.org/rfc/rfc(?P<n>\d+)(\.\w+)?$"), "RFC {n}"),
    (re.compile(r"^https?://(www\.)?ietf\.org/rfc/rfc(?P<n>\d+)(\.\w+)?$"), "RFC {n}"),
    (re.compile(r"^https?://spec\.openapis\.org/oas/v(?P<v>[\d.]+)/?$"), "OpenAPI Specification {v}"),
    (re.compile(r"^https?://www\.w3\.org/TR/(?P<name>[\w-]+)/?$"), "W3C {name}"),
)
RESOURCE_TYPE = "http://publications.europa.eu/resource/authority/resource-type"


def eli_title(iri: str) -> str | None:
    """``Directive 2008/50`` for ``http://data.europa.eu/eli/dir/2008/50/oj``, else None."""
    match = _ELI.match(iri)
    if match is None or match["type"] not in _ELI_TYPES:
        return None
    return f"{_ELI_TYPES[match['type']]} {match['year']}/{match['number']}"


def standard_title(iri: str) -> str | None:
    """A title read from a well-known identifier pattern (ELI, RFC, OpenAPI, W3C TR), else None."""
    title = eli_title(iri)
    if title:
        return title
    for pattern, template in _NAMED_STANDARDS:
        match = pattern.match(iri)
        if match:
            return template.format(**match.groupdict())
    return None


def describe_documents(resource: Resource, described: set[str]) -> list[Resource]:
    """Legislation and standards named by a well-known IRI get a ``dct:title`` (and legislation
    its ELI resource type, ``dct:type`` in the EU resource-type table)."""
    if not _is_stub(resource) or any(p == DCT_TITLE for p, _ in resource[1]):
        return [resource]
    subject = str(resource[0])
    title = standard_title(subject)
    if title is None:
        return [resource]
    extra: list[tuple[str, Term]] = [(DCT_TITLE, Literal(title, "en"))]
    match = _ELI.match(subject)
    concepts: list[Resource] = []
    if match is not None:
        resource_type = f"{RESOURCE_TYPE}/{match['type'].upper()}"
        extra.append((DCT_TYPE, IRI(resource_type)))
        concepts = _concept_stub(resource_type, RESOURCE_TYPE, described)
    return [_append_once(resource, described, extra), *concepts]


def typed(extra_types: Mapping[str, str], *, replace: bool = False) -> ResourceRule:
    """A more specific class for resources of a class: ``{"vcard:Kind": "vcard:Organization"}``;
    with ``replace`` the specific class takes the general one's place (one ``rdf:type`` only)."""
    pairs = {expand(cls): expand(more) for cls, more in extra_types.items()}

    def rule(resource: Resource, described: set[str]) -> list[Resource]:
        subject, props = resource
        if not any(p == RDF_TYPE and str(o) in pairs for p, o in props):
            return [resource]
        out: list[tuple[str, Term]] = []
        for p, o in props:
            specific = pairs.get(str(o)) if p == RDF_TYPE else None
            if specific is None or not replace:
                out.append((p, o))
            if specific is not None:
                out.append((RDF_TYPE, IRI(specific)))
        return [(subject, out)]

    return rule


__all__ = [
    "Profile",
    "Record",
    "contact_point_from_publisher",
    "creator_from_publisher",
    "describe_concepts",
    "describe_documents",
    "eli_title",
    "identifier_from_uri",
    "map_iris",
    "named_locations",
    "series_ends",
    "standard_title",
    "typed",
    "without",
]
