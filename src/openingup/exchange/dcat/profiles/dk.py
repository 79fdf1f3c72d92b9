"""DCAT-AP-DK 2.0.2 (Digitaliseringsstyrelsen): where it differs from DCAT-AP 3.0.1.

From its SHACL (``dcat-ap-dk_2.0.2_shacl_shapes.ttl``; DCAT-AP-DK 3.0.0 ships none) and examples:

* languages are named under ``http://publications.europa.eu/resource/dataset/language/`` (as in
  the DCAT-AP-DK 3.0.0 examples) instead of ``…/resource/authority/language/``;
* availability uses the DCAT-AP 2 vocabulary ``http://data.europa.eu/r5r/availability/…``;
* ``dcat:byteSize`` is an ``xsd:decimal``;
* checksums must be SHA-1 - the platform keeps SHA-256, so checksums are left out;
* every ``skos:Concept`` has a ``skos:prefLabel`` - concepts are written with their labels.
"""

from __future__ import annotations

from openingup.exchange.dcat.profiles.base import Profile, describe_concepts, map_iris, without
from openingup.exchange.dcat.profiles.no import BYTE_SIZE_DECIMAL

EU_LANGUAGE = "http://publications.europa.eu/resource/authority/language/"
DK_LANGUAGE = "http://publications.europa.eu/resource/dataset/language/"
DCAT_AP_2_AVAILABILITY = "http://data.europa.eu/r5r/availability/"


def language(iri: str) -> str:
    return DK_LANGUAGE + iri[len(EU_LANGUAGE) :] if iri.startswith(EU_LANGUAGE) else iri


def availability(iri: str) -> str:
    """The DCAT-AP 2 availability IRI the vocabulary lists as the concept's alias, else ``iri``."""
    from openingup.vocabularies.registry import vocabulary

    concept = vocabulary("planned-availability").get(iri)
    aliases = concept.extra.get("aliases", ()) if concept is not None else ()
    return next((a for a in aliases if a.startswith(DCAT_AP_2_AVAILABILITY)), iri)


PROFILE = Profile(
    code="dk",
    title="DCAT-AP-DK 2.0.2",
    uri="https://data.gov.dk/model/profile/dcat-ap-dk-2.0.2/",
    rows={"distribution": (BYTE_SIZE_DECIMAL,)},
    prepare=(
        map_iris(("language",), language),
        map_iris(("availability",), availability),
        without("checksum"),
    ),
    describe=(describe_concepts,),
    shape_files=("dcat-ap-dk_2.0.2_shacl_shapes.ttl",),
    notes=(
        "languages under http://publications.europa.eu/resource/dataset/language/",
        "availability from the DCAT-AP 2 vocabulary",
        "dcat:byteSize as xsd:decimal; SHA-256 checksums left out (SHA-1 only)",
        "concepts with their labels",
    ),
)
