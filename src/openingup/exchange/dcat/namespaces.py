"""The namespaces DCAT-AP 3 uses, with the prefixes written in every serialisation."""

from __future__ import annotations

from functools import lru_cache

PREFIXES: dict[str, str] = {
    "adms": "http://www.w3.org/ns/adms#",
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcatap": "http://data.europa.eu/r5r/",
    "dct": "http://purl.org/dc/terms/",
    "eli": "http://data.europa.eu/eli/ontology#",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "locn": "http://www.w3.org/ns/locn#",
    "odrl": "http://www.w3.org/ns/odrl/2/",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "rdfs": "http://www.w3.org/2000/01/rdf-schema#",
    "skos": "http://www.w3.org/2004/02/skos/core#",
    "spdx": "http://spdx.org/rdf/terms#",
    "time": "http://www.w3.org/2006/time#",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "hydra": "http://www.w3.org/ns/hydra/core#",
    "gsp": "http://www.opengis.net/ont/geosparql#",
    "schema": "http://schema.org/",
}


def expand(curie: str) -> str:
    """``dct:title`` → full IRI; KeyError for an unknown prefix."""
    prefix, local = curie.split(":", 1)
    return PREFIXES[prefix] + local


_BY_NAMESPACE = {ns: prefix for prefix, ns in PREFIXES.items()}


@lru_cache(maxsize=4096)
def _compact_known(namespace: str, local: str) -> str | None:
    prefix = _BY_NAMESPACE.get(namespace)
    if prefix is None or not local or local[0].isdigit():
        return None
    if all(c.isalnum() or c in "_-" for c in local):
        return f"{prefix}:{local}"
    return None


def compact(iri: str) -> str | None:
    """Full IRI → ``prefix:local`` when a known namespace covers it and the local part is safe."""
    cut = max(iri.rfind("#"), iri.rfind("/")) + 1
    if cut == 0 or iri[:cut] not in _BY_NAMESPACE:
        return None
    return _compact_known(iri[:cut], iri[cut:])


RDF_TYPE = expand("rdf:type")
XSD = PREFIXES["xsd"]
HVD_LEGISLATION = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
