"""DCAT-AP-NO 2.0 (Digdir): where it asks more than, or differs from, DCAT-AP 3.0.1.

From its SHACL (``DCAT-AP-NO-shacl_shapes_2.00.ttl``):

* ``dct:identifier`` is mandatory on the catalogue, datasets and data services - their URI when none
  is recorded;
* ``dct:spatial`` must be an IRI - a location without one is named under its resource
  (``<dataset>#location-1``), keeping its label and bounding box;
* ``dcat:byteSize`` is an ``xsd:decimal``;
* checksums must be SHA-1 - the platform keeps SHA-256, so checksums are left out;
* a dataset series has exactly one ``dcat:first`` (and ``dcat:last``) - its oldest and newest dataset;
* controlled values are checked by ``skos:inScheme`` - concepts of the EU vocabularies are written
  with their scheme and labels, legislation with its ELI resource type and a title, and standards
  named by a well-known IRI (RFC, OpenAPI) with a title;
* contact points are ``vcard:Organization`` (the platform's contact points are organisational).

Publishers are IRIs already (organisation URIs); Norwegian organisation numbers are not required by
the shapes and the platform does not record them.
"""

from __future__ import annotations

from openingup.exchange.dcat.fields import P
from openingup.exchange.dcat.profiles.base import (
    Profile,
    describe_concepts,
    describe_documents,
    identifier_from_uri,
    named_locations,
    series_ends,
    typed,
    without,
)

BYTE_SIZE_DECIMAL = P("byte_size", "dcat:byteSize", "decimal")

PROFILE = Profile(
    code="no",
    title="DCAT-AP-NO 2.0",
    uri="https://data.norge.no/specification/dcat-ap-no",
    rows={
        "catalogue": (P("identifier", "dct:identifier", "text_list"),),
        "distribution": (BYTE_SIZE_DECIMAL,),
        "dataset_series": (P("first", "dcat:first", "iri"), P("last", "dcat:last", "iri")),
    },
    prepare=(
        identifier_from_uri("catalogue", "dataset", "data_service"),
        named_locations,
        without("checksum"),
        series_ends,
    ),
    describe=(describe_concepts, describe_documents, typed({"vcard:Kind": "vcard:Organization"})),
    shape_files=("DCAT-AP-NO-shacl_shapes_2.00.ttl",),
    notes=(
        "dct:identifier of the catalogue, datasets and data services: their URI when none is recorded",
        "dct:spatial as IRIs (#location-N under the resource)",
        "dcat:byteSize as xsd:decimal; SHA-256 checksums left out (SHA-1 only)",
        "dcat:first / dcat:last of dataset series",
        "concepts with skos:inScheme and labels; legislation and standards with a title",
        "contact points typed vcard:Organization",
    ),
)
