"""DCAT-AP-NL 3.0 (Geonovum): where it asks more than DCAT-AP 3.0.1.

Its SHACL (``dcat-ap-nl-SHACL.ttl``) makes these mandatory, filled from what the platform knows:

* ``dct:identifier`` of datasets and data services - their URI when no identifier is recorded;
* ``dct:creator`` of datasets - the publisher when no creator is recorded;
* ``dcat:contactPoint`` of the catalogue - its publisher's name, e-mail address and homepage.

DCAT-AP-NL 3.0 uses the EU vocabularies of DCAT-AP (its shapes check classes, not other code lists),
so no values are mapped.
"""

from __future__ import annotations

from openingup.exchange.dcat.fields import P
from openingup.exchange.dcat.profiles.base import (
    Profile,
    contact_point_from_publisher,
    creator_from_publisher,
    identifier_from_uri,
)

PROFILE = Profile(
    code="nl",
    title="DCAT-AP-NL 3.0",
    uri="https://docs.geostandaarden.nl/dcat/dcat-ap-nl30/",
    rows={"catalogue": (P("contact_points", "dcat:contactPoint", "node", node="contact_point", many=True),)},
    prepare=(
        identifier_from_uri("dataset", "data_service"),
        creator_from_publisher("dataset"),
        contact_point_from_publisher("catalogue"),
    ),
    shape_files=(
        "dcat-ap-nl-SHACL.ttl",
        "dcat-ap-nl-SHACL-klassebereik.ttl",
        "dcat-ap-nl-SHACL-klassebereik-codelijsten.ttl",
        "dcat-ap-nl-SHACL-aanbevolen.ttl",
    ),
    notes=(
        "dct:identifier of datasets and data services: their URI when none is recorded",
        "dct:creator of datasets: the publisher when none is recorded",
        "dcat:contactPoint of the catalogue: from its publisher",
    ),
)
