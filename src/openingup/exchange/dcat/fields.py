"""The DCAT-AP 3.0.1 property table: one row per property, shared by every serialiser and the parser.

A *record* is a plain dict: ``{"uri": ..., <field name>: value, ...}``. Each :class:`Prop` says how a
field's value maps to RDF:

========== ============================== ===========================================
kind       Python value                   RDF
========== ============================== ===========================================
lang       ``{"nl": "…", "en": "…"}``      one literal per language (``""`` = no tag)
lang_list  ``{"nl": ["…", …]}``            many literals per language
text       ``"…"``                         plain literal
text_list  ``["…"]``                       plain literals
iri        ``"https://…"``                 IRI (typed with ``cls`` when given)
iri_list   ``["https://…"]``               IRIs (typed with ``cls`` when given)
date       ``"2024-05-01"`` / ``"…T…"``    xsd:date, xsd:dateTime, xsd:gYear, xsd:gYearMonth
integer    ``123``                         xsd:nonNegativeInteger
decimal    ``"12.5"``                      xsd:decimal
duration   ``"P1D"``                       xsd:duration
wkt        ``"POLYGON((…))"``              gsp:wktLiteral
hex        ``"9f86d0…"``                   xsd:hexBinary
node       ``{…}`` / ``[{…}]``             nested resource per ``node`` (blank unless it has "uri")
========== ============================== ===========================================

Links to other catalogue resources (series, sources, services, versions) carry no ``cls``: those
resources are described in full where they live, never as bare typed stubs.

Field names are the catalogue's column names, so a model instance converts to a record with
``getattr`` per row. Adding a property is one row here plus one column in the catalogue.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from openingup.exchange.dcat.namespaces import expand


@dataclass(frozen=True)
class Prop:
    name: str
    predicate: str
    kind: str
    cls: str | None = None
    node: str | None = None
    many: bool = False
    mandatory: bool = False
    labelled: bool = (
        False  # describe the IRI with its vocabulary labels (for consumers without that vocabulary)
    )

    @property
    def iri(self) -> str:
        return expand(self.predicate)

    @property
    def class_iri(self) -> str | None:
        return expand(self.cls) if self.cls else None


def P(name: str, predicate: str, kind: str, cls: str | None = None, **kw: object) -> Prop:
    return Prop(name, predicate, kind, cls, **kw)  # type: ignore[arg-type]


# Nested resources (value objects): their own small tables.
NODES: dict[str, tuple[str, tuple[Prop, ...]]] = {
    "contact_point": (
        "vcard:Kind",
        (
            P("fn", "vcard:fn", "lang"),
            P("organisation_name", "vcard:organization-name", "lang"),
            P("email", "vcard:hasEmail", "iri"),
            P("url", "vcard:hasURL", "iri"),
            P("telephone", "vcard:hasTelephone", "iri"),
        ),
    ),
    "agent": (
        "foaf:Agent",
        (
            P("name", "foaf:name", "lang", mandatory=True),
            P("type", "dct:type", "iri", "skos:Concept", labelled=True),
            P("email", "foaf:mbox", "iri"),
            P("homepage", "foaf:homepage", "iri", "foaf:Document"),
        ),
    ),
    "period": (
        "dct:PeriodOfTime",
        (
            P("start", "dcat:startDate", "date"),
            P("end", "dcat:endDate", "date"),
        ),
    ),
    "location": (
        "dct:Location",
        (
            P("label", "skos:prefLabel", "lang"),
            P("bbox", "dcat:bbox", "wkt"),
            P("centroid", "dcat:centroid", "wkt"),
            P("geometry", "locn:geometry", "wkt"),
        ),
    ),
    "checksum": (
        "spdx:Checksum",
        (
            P("algorithm", "spdx:algorithm", "iri", "spdx:ChecksumAlgorithm", mandatory=True),
            P("value", "spdx:checksumValue", "hex", mandatory=True),
        ),
    ),
    "relationship": (
        "dcat:Relationship",
        (
            P("relation", "dct:relation", "iri", mandatory=True),
            P("role", "dcat:hadRole", "iri", "dcat:Role", mandatory=True),
        ),
    ),
    "attribution": (
        "prov:Attribution",
        (
            P("agent", "prov:agent", "iri", "foaf:Agent", mandatory=True),
            P("role", "dcat:hadRole", "iri", "dcat:Role", mandatory=True),
        ),
    ),
    "identifier": (
        "adms:Identifier",
        (
            P("notation", "skos:notation", "text", mandatory=True),
            P("schema_agency", "adms:schemaAgency", "text"),
        ),
    ),
    "statement_rights": ("dct:RightsStatement", (P("label", "rdfs:label", "lang"),)),
    "statement_provenance": ("dct:ProvenanceStatement", (P("label", "rdfs:label", "lang"),)),
}

_COMMON = (
    P("title", "dct:title", "lang", mandatory=True),
    P("description", "dct:description", "lang"),
)

DATASET: tuple[Prop, ...] = (
    *_COMMON,
    P("keywords", "dcat:keyword", "lang_list"),
    P("themes", "dcat:theme", "iri_list", "skos:Concept"),
    P("identifier", "dct:identifier", "text_list"),
    P("other_identifiers", "adms:identifier", "node", node="identifier", many=True),
    P("issued", "dct:issued", "date"),
    P("modified", "dct:modified", "date"),
    P("language", "dct:language", "iri_list", "dct:LinguisticSystem"),
    P("contact_points", "dcat:contactPoint", "node", node="contact_point", many=True),
    P("publisher", "dct:publisher", "node", node="agent"),
    P("creator", "dct:creator", "node", node="agent"),
    P("spatial", "dct:spatial", "node", node="location", many=True),
    P("temporal", "dct:temporal", "node", node="period", many=True),
    P("frequency", "dct:accrualPeriodicity", "iri", "dct:Frequency"),
    P("access_rights", "dct:accessRights", "iri", "dct:RightsStatement"),
    P("conforms_to", "dct:conformsTo", "iri_list", "dct:Standard"),
    P("landing_page", "dcat:landingPage", "iri_list", "foaf:Document"),
    P("documentation", "foaf:page", "iri_list", "foaf:Document"),
    P("version", "dcat:version", "text"),
    P("version_notes", "adms:versionNotes", "lang"),
    P("type", "dct:type", "iri", "skos:Concept"),
    P("provenance", "dct:provenance", "node", node="statement_provenance", many=True),
    P("relations", "dct:relation", "iri_list"),
    P("qualified_relations", "dcat:qualifiedRelation", "node", node="relationship", many=True),
    P("qualified_attributions", "prov:qualifiedAttribution", "node", node="attribution", many=True),
    P("sources", "dct:source", "iri_list"),
    P("has_version", "dcat:hasVersion", "iri_list"),
    P("is_version_of", "dct:isVersionOf", "iri_list"),
    P("is_referenced_by", "dct:isReferencedBy", "iri_list"),
    P("samples", "adms:sample", "iri_list"),
    P("was_generated_by", "prov:wasGeneratedBy", "iri_list", "prov:Activity"),
    P("spatial_resolution", "dcat:spatialResolutionInMeters", "decimal"),
    P("temporal_resolution", "dcat:temporalResolution", "duration"),
    P("applicable_legislation", "dcatap:applicableLegislation", "iri_list", "eli:LegalResource"),
    P("hvd_categories", "dcatap:hvdCategory", "iri_list", "skos:Concept"),
    P("in_series", "dcat:inSeries", "iri_list"),
)

DISTRIBUTION: tuple[Prop, ...] = (
    P("title", "dct:title", "lang"),
    P("description", "dct:description", "lang"),
    P("access_url", "dcat:accessURL", "iri_list", mandatory=True),
    P("download_url", "dcat:downloadURL", "iri_list"),
    P("format", "dct:format", "iri", "dct:MediaTypeOrExtent"),
    P("media_type", "dcat:mediaType", "iri", "dct:MediaType"),
    P("compress_format", "dcat:compressFormat", "iri", "dct:MediaType"),
    P("package_format", "dcat:packageFormat", "iri", "dct:MediaType"),
    P("licence", "dct:license", "iri", "dct:LicenseDocument"),
    P("rights", "dct:rights", "node", node="statement_rights"),
    P("availability", "dcatap:availability", "iri", "skos:Concept"),
    P("status", "adms:status", "iri", "skos:Concept"),
    P("byte_size", "dcat:byteSize", "integer"),
    P("checksum", "spdx:checksum", "node", node="checksum"),
    P("issued", "dct:issued", "date"),
    P("modified", "dct:modified", "date"),
    P("language", "dct:language", "iri_list", "dct:LinguisticSystem"),
    P("conforms_to", "dct:conformsTo", "iri_list", "dct:Standard"),
    P("documentation", "foaf:page", "iri_list", "foaf:Document"),
    P("access_services", "dcat:accessService", "iri_list"),
    P("spatial_resolution", "dcat:spatialResolutionInMeters", "decimal"),
    P("temporal_resolution", "dcat:temporalResolution", "duration"),
    P("applicable_legislation", "dcatap:applicableLegislation", "iri_list", "eli:LegalResource"),
)

DATA_SERVICE: tuple[Prop, ...] = (
    *_COMMON,
    P("endpoint_url", "dcat:endpointURL", "iri_list", "rdfs:Resource", mandatory=True),
    P("endpoint_description", "dcat:endpointDescription", "iri_list", "rdfs:Resource"),
    P("serves_dataset", "dcat:servesDataset", "iri_list"),
    P("keywords", "dcat:keyword", "lang_list"),
    P("themes", "dcat:theme", "iri_list", "skos:Concept"),
    P("identifier", "dct:identifier", "text_list"),
    P("publisher", "dct:publisher", "node", node="agent"),
    P("contact_points", "dcat:contactPoint", "node", node="contact_point", many=True),
    P("licence", "dct:license", "iri", "dct:LicenseDocument"),
    P("access_rights", "dct:accessRights", "iri", "dct:RightsStatement"),
    P("conforms_to", "dct:conformsTo", "iri_list", "dct:Standard"),
    P("landing_page", "dcat:landingPage", "iri_list", "foaf:Document"),
    P("documentation", "foaf:page", "iri_list", "foaf:Document"),
    P("format", "dct:format", "iri_list", "dct:MediaTypeOrExtent"),
    P("applicable_legislation", "dcatap:applicableLegislation", "iri_list", "eli:LegalResource"),
    P("hvd_categories", "dcatap:hvdCategory", "iri_list", "skos:Concept"),
)

DATASET_SERIES: tuple[Prop, ...] = (
    *_COMMON,
    P("publisher", "dct:publisher", "node", node="agent"),
    P("contact_points", "dcat:contactPoint", "node", node="contact_point", many=True),
    P("frequency", "dct:accrualPeriodicity", "iri", "dct:Frequency"),
    P("spatial", "dct:spatial", "node", node="location", many=True),
    P("temporal", "dct:temporal", "node", node="period", many=True),
    P("issued", "dct:issued", "date"),
    P("modified", "dct:modified", "date"),
    P("applicable_legislation", "dcatap:applicableLegislation", "iri_list", "eli:LegalResource"),
)

CATALOGUE: tuple[Prop, ...] = (
    *_COMMON,
    P("publisher", "dct:publisher", "node", node="agent", mandatory=True),
    P("homepage", "foaf:homepage", "iri", "foaf:Document"),
    P("language", "dct:language", "iri_list", "dct:LinguisticSystem"),
    P("licence", "dct:license", "iri", "dct:LicenseDocument"),
    P("issued", "dct:issued", "date"),
    P("modified", "dct:modified", "date"),
    P("spatial", "dct:spatial", "node", node="location", many=True),
    P("theme_taxonomy", "dcat:themeTaxonomy", "iri_list", "skos:ConceptScheme", labelled=True),
)

CLASSES = {
    "dataset": ("dcat:Dataset", DATASET),
    "distribution": ("dcat:Distribution", DISTRIBUTION),
    "data_service": ("dcat:DataService", DATA_SERVICE),
    "dataset_series": ("dcat:DatasetSeries", DATASET_SERIES),
    "catalogue": ("dcat:Catalog", CATALOGUE),
}


def canonical(table: tuple[Prop, ...], record: dict[str, Any]) -> dict[str, Any]:
    """The record with absent values dropped and unordered lists sorted (RDF has no order)."""
    out: dict[str, Any] = {k: v for k, v in record.items() if k not in {p.name for p in table}}
    for prop in table:
        value = record.get(prop.name)
        if value in (None, "", [], {}):
            continue
        if prop.kind == "lang_list":
            value = {lang: sorted(set(texts)) for lang, texts in value.items() if texts}
        elif prop.kind in ("text_list", "iri_list"):
            value = sorted(set(value))
        elif prop.kind == "lang":
            value = {lang: text for lang, text in value.items() if text}
        elif prop.kind == "node":
            _, node_table = NODES[prop.node or ""]
            if prop.many:
                items = [canonical(node_table, item) for item in value]
                value = sorted(items, key=lambda i: json.dumps(i, sort_keys=True))
            else:
                value = canonical(node_table, value)
        if value not in (None, "", [], {}):
            out[prop.name] = value
    return out


def empty(prop: Prop) -> object:
    """The value a record holds when the property is absent."""
    if prop.kind in ("lang", "lang_list"):
        return {}
    if prop.kind in ("text_list", "iri_list") or (prop.kind == "node" and prop.many):
        return []
    if prop.kind in ("text", "iri", "date", "decimal", "duration", "wkt", "hex"):
        return ""
    return None
