"""Pydantic models of the DCAT-AP resources, generated from the property table.

One row of :mod:`openingup.exchange.dcat.fields` is one field here, so the API, its OpenAPI document and
the catalogue cannot drift apart. Each resource gets four models:

``<Name>Create``  POST body: mandatory properties required, the rest optional (``null`` = absent);
``<Name>Update``  PUT body: the full resource; properties left out are cleared;
``<Name>Patch``   PATCH body: only the properties given change; ``null`` clears one;
``<Name>``        the response: a property is absent when it has no value.

The models check structure (types, nesting, unknown fields); values (IRIs, dates, vocabularies, lengths)
are checked by :mod:`openingup.catalogue.validation` inside the services, which name the field at fault.
Nested nodes (contact points, periods …) are lenient in responses, since harvested records may lack a
sub-property that DCAT-AP marks mandatory.
"""

from __future__ import annotations

from functools import cache
from typing import Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, create_model
from pydantic.json_schema import JsonDict, WithJsonSchema

from openingup.catalogue.validation import VOCABULARY_OF
from openingup.exchange.dcat.fields import DATA_SERVICE, DATASET, DISTRIBUTION, NODES, Prop

Mode = Literal["create", "update", "patch", "out"]

Iri = Annotated[str, WithJsonSchema({"type": "string", "format": "iri"})]

KIND_TYPES: dict[str, Any] = {
    "lang": dict[str, str],
    "lang_list": dict[str, list[str]],
    "text": str,
    "text_list": list[str],
    "iri": Iri,
    "iri_list": list[Iri],
    "date": str,
    "integer": Annotated[int, Field(ge=0, strict=True)],
    "decimal": str,
    "duration": str,
    "wkt": str,
    "hex": str,
}

KIND_HELP: dict[str, str] = {
    "lang": 'Text per language code, e.g. {"en": "…", "nl": "…"}; the key "" means no language.',
    "lang_list": 'Texts per language code, e.g. {"en": ["…", "…"]}.',
    "text": "Plain text.",
    "text_list": "A list of plain texts.",
    "iri": "An absolute IRI (http, https, mailto, tel or urn).",
    "iri_list": "A list of absolute IRIs (http, https, mailto, tel or urn).",
    "date": "An ISO 8601 date (2024-05-01), date-time, year (2024) or year-month (2024-05).",
    "integer": "A whole number ≥ 0.",
    "decimal": 'A decimal number written as text, e.g. "12.5".',
    "duration": 'An ISO 8601 duration, e.g. "P1D".',
    "wkt": "A WKT geometry, e.g. POLYGON((…)).",
    "hex": "Hexadecimal text.",
}

# Kinds whose value is structured: in a multipart form they are sent as JSON text.
STRUCTURED_KINDS = frozenset({"lang", "lang_list", "text_list", "iri_list", "integer", "node"})

_NODE_TITLES = {"statement_rights": "RightsStatement", "statement_provenance": "ProvenanceStatement"}


def describe(prop: Prop) -> str:
    """The field's documentation: predicate, value shape, vocabulary and whether it is required."""
    if prop.kind == "node":
        shape = "A list of objects." if prop.many else "An object."
    else:
        shape = KIND_HELP[prop.kind]
    text = f"{prop.predicate} — {shape}"
    vocabulary = VOCABULARY_OF.get(prop.name)
    if vocabulary:
        text += f" Values from the EU {vocabulary} vocabulary."
    if prop.mandatory:
        text += " Required."
    return text


def _camel(key: str) -> str:
    return _NODE_TITLES.get(key) or "".join(part.capitalize() for part in key.split("_"))


@cache
def node_model(key: str, *, output: bool) -> type[BaseModel]:
    """The model of a nested node (``NODES[key]``): strict in requests, lenient in responses."""
    cls, table = NODES[key]
    uri_help = "The node's IRI; without one it is a blank node."
    fields: dict[str, Any] = {"uri": _optional(Iri, uri_help, "out" if output else "patch")}
    for prop in table:
        fields[prop.name] = _field(prop, "out" if output else "patch", required=prop.mandatory and not output)
    name = _camel(key) + ("" if output else "Input")
    config = ConfigDict(extra="ignore" if output else "forbid")
    return create_model(name, __config__=config, __doc__=f"A {cls} (DCAT-AP).", **fields)


def _annotation(prop: Prop, mode: Mode) -> Any:
    if prop.kind != "node":
        return KIND_TYPES[prop.kind]
    model = node_model(prop.node or "", output=mode == "out")
    return list[model] if prop.many else model  # type: ignore[valid-type]


def _field(prop: Prop, mode: Mode, *, required: bool) -> tuple[Any, Any]:
    annotation = _annotation(prop, mode)
    if required:
        return annotation, Field(
            ..., description=describe(prop), json_schema_extra={"x-rdf-property": prop.iri}
        )
    return _optional(annotation, describe(prop), mode, rdf=prop.iri)


def _optional(annotation: Any, description: str, mode: Mode, *, rdf: str = "") -> tuple[Any, Any]:
    """An optional field: nullable in requests (null = no value), simply absent in responses."""
    extra: JsonDict = {"x-rdf-property": rdf} if rdf else {}

    def schema_extra(schema: dict[str, Any]) -> None:
        schema.pop("default", None)
        schema.update(extra)

    if mode == "out":
        return annotation, Field(None, description=description, json_schema_extra=schema_extra)
    return annotation | None, Field(None, description=description, json_schema_extra=extra or None)


def resource_model(
    table: tuple[Prop, ...],
    mode: Mode,
    *,
    exclude: frozenset[str] = frozenset(),
    extra: dict[str, Any] | None = None,
) -> type[BaseModel]:
    """A base model with one field per property of ``table`` (minus ``exclude``) and the ``extra`` fields
    (first in responses, last in requests); subclass it to name and document it."""
    fields: dict[str, Any] = dict(extra or {}) if mode == "out" else {}
    for prop in table:
        if prop.name not in exclude:
            fields[prop.name] = _field(prop, mode, required=prop.mandatory and mode != "patch")
    if mode != "out":
        fields.update(extra or {})
    config = ConfigDict(extra="ignore" if mode == "out" else "forbid")
    return create_model(f"_{mode.capitalize()}Base", __config__=config, **fields)


def multipart_schema(table: tuple[Prop, ...], *, exclude: frozenset[str] = frozenset()) -> dict[str, Any]:
    """The OpenAPI schema of a multipart upload: ``file`` plus one form field per property."""
    properties: dict[str, Any] = {"file": {"type": "string", "format": "binary", "description": "The file."}}
    for prop in table:
        if prop.name in exclude:
            continue
        how = " Send as JSON text." if prop.kind in STRUCTURED_KINDS else ""
        properties[prop.name] = {"type": "string", "description": describe(prop) + how}
    return {"type": "object", "required": ["file"], "properties": properties, "additionalProperties": False}


_UUID = Field(
    ..., description="The identifier of this resource in this API.", json_schema_extra={"format": "uuid"}
)
_URI = Field(
    ..., description="The resource's IRI in the catalogue (minted from the base URL when it had none)."
)
_SLUG = Field(..., description="The identifier in URLs of this API and of the website.")
_STATUS = Field(..., description="Lifecycle: draft (members only), published, archived (still public).")
_PUBLISHER = Field(
    ..., description="The slug of the publishing organisation (dct:publisher); null when none."
)
Status = Literal["draft", "published", "archived"]


class DatasetLinks(BaseModel):
    """Where the dataset is shown and serialised."""

    html: str = Field(..., description="The dataset's web page.")
    ttl: str = Field(..., description="DCAT-AP as Turtle.")
    jsonld: str = Field(..., description="DCAT-AP as JSON-LD.")
    rdf: str = Field(..., description="DCAT-AP as RDF/XML.")


_NEW_URI = (
    Iri | None,
    Field(None, description="The resource's original IRI, kept when it has one; minted otherwise."),
)
_NEW_SLUG = (
    str | None,
    Field(
        None, max_length=100, description="Preferred slug; made from the title (and made unique) when absent."
    ),
)
_PUBLISHER_SLUG = (str, Field(..., max_length=100, description="The slug of the publishing organisation."))

_NO_PUBLISHER = frozenset({"publisher"})
_CREATE_EXTRA = {"publisher": _PUBLISHER_SLUG, "slug": _NEW_SLUG, "uri": _NEW_URI}
_IDENTITY = {"id": (str, _UUID), "slug": (str, _SLUG), "status": (Status, _STATUS)}
_OWNER = {"publisher": (str | None, _PUBLISHER), "uri": (str, _URI)}

# mypy cannot see through create_model, hence the ignores on the dynamic base classes.


class DistributionCreate(resource_model(DISTRIBUTION, "create", extra={"uri": _NEW_URI})):  # type: ignore[misc]
    """A new dcat:Distribution given by URL: ``access_url`` is required."""


class DistributionUpdate(resource_model(DISTRIBUTION, "update")):  # type: ignore[misc]
    """A dcat:Distribution in full; properties left out are cleared."""


class DistributionPatch(resource_model(DISTRIBUTION, "patch")):  # type: ignore[misc]
    """Changes to a dcat:Distribution: only the properties given; null clears one."""


_DISTRIBUTION_OUT = {
    "id": (str, _UUID),
    "dataset": (str, Field(..., description="The slug of the dataset it belongs to.")),
    "uri": (str, _URI),
}


class Distribution(resource_model(DISTRIBUTION, "out", extra=_DISTRIBUTION_OUT)):  # type: ignore[misc]
    """A dcat:Distribution: one way to get the data (a file or an access URL)."""


class DatasetCreate(resource_model(DATASET, "create", exclude=_NO_PUBLISHER, extra=_CREATE_EXTRA)):  # type: ignore[misc]
    """A new dcat:Dataset for the organisation ``publisher``; it starts as a draft."""


class DatasetUpdate(resource_model(DATASET, "update", exclude=_NO_PUBLISHER)):  # type: ignore[misc]
    """A dcat:Dataset in full; properties left out are cleared."""


class DatasetPatch(resource_model(DATASET, "patch", exclude=_NO_PUBLISHER)):  # type: ignore[misc]
    """Changes to a dcat:Dataset: only the properties given; null clears one."""


_DATASET_OUT = {
    **_IDENTITY,
    **_OWNER,
    "links": (DatasetLinks, Field(..., description="The dataset's page and its DCAT-AP serialisations.")),
    "distributions": (list[Distribution], Field(..., description="dcat:distribution — its distributions.")),
}


class Dataset(resource_model(DATASET, "out", exclude=_NO_PUBLISHER, extra=_DATASET_OUT)):  # type: ignore[misc]
    """A dcat:Dataset (DCAT-AP 3.0.1) with its distributions; properties without a value are absent."""


class DataServiceCreate(resource_model(DATA_SERVICE, "create", exclude=_NO_PUBLISHER, extra=_CREATE_EXTRA)):  # type: ignore[misc]
    """A new dcat:DataService for the organisation ``publisher``; it is public at once."""


class DataServiceUpdate(resource_model(DATA_SERVICE, "update", exclude=_NO_PUBLISHER)):  # type: ignore[misc]
    """A dcat:DataService in full; properties left out are cleared."""


class DataServicePatch(resource_model(DATA_SERVICE, "patch", exclude=_NO_PUBLISHER)):  # type: ignore[misc]
    """Changes to a dcat:DataService: only the properties given; null clears one."""


class DataService(resource_model(DATA_SERVICE, "out", exclude=_NO_PUBLISHER, extra={**_IDENTITY, **_OWNER})):  # type: ignore[misc]
    """A dcat:DataService: an API or endpoint that serves data; properties without a value are absent."""
