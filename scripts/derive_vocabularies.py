#!/usr/bin/env python3
"""Derive src/openingup/vocabularies/data/<name>.json from the official reference files.

Usage: derive_vocabularies.py [REFERENCE_DIR]
REFERENCE_DIR defaults to $OPENINGUP_REFERENCE_DATA, then ../shared/data; it holds
vocabularies/eu-op/*.ttl|rdf (EU Publications Office authority tables and the data.europa.eu
extensions), vocabularies/iana/iana_media_types.json and vocabularies/derived/*.csv.

Facts the reference files lack - labels in some of our seven languages, the media types (IANA
registered ones in media_types, common unregistered ones in other_media_types) and file name
extensions of file types, whether a licence is open, ISO 639-1 codes, legacy URIs - are
written down by hand in src/openingup/vocabularies/supplement/<name>.csv (one row per code,
columns named after a language or an extra; a column whose name starts with "#" is a comment).
A non-empty supplement cell wins over the reference file. The output is deterministic.
"""

from __future__ import annotations

import csv
import functools
import json
import os
import sys
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from rdflib import Graph, Literal, Namespace, URIRef
from rdflib.namespace import DC, OWL, SKOS
from rdflib.term import Node

LANGUAGES = ("en", "nl", "fr", "de", "da", "sv", "nb")
PACKAGE = Path(__file__).resolve().parents[1] / "src" / "openingup" / "vocabularies"
AUTH = Namespace("http://publications.europa.eu/ontology/authority/")
EUVOC = Namespace("http://publications.europa.eu/ontology/euvoc#")
OSI_IS_OPEN = URIRef("https://piveau.eu/ns/osi#isOpen")
EDP = Namespace("https://europeandataportal.eu/voc#")
EU = "http://publications.europa.eu/resource/authority/"
IANA = "https://www.iana.org/assignments/media-types/"
HVD_SCHEME = "http://data.europa.eu/bna/asd487ae75"
# Format and licence names are proper names: a language the source and the supplement leave
# empty gets the English name.
PROPER_NAMES = {"file-type", "licence"}
# Creative Commons licence elements as creativecommons.org names them in Norwegian bokmål.
CC_NB = {
    "Attribution": "Navngivelse",
    "NonCommercial": "IkkeKommersiell",
    "NoDerivatives": "IngenBearbeidelse",
    "NoDerivs": "IngenBearbeidelse",
    "ShareAlike": "DelPåSammeVilkår",
    "International": "Internasjonal",
    "Generic": "Generisk",
    "Universal": "Universell",
}

Concept = dict[str, Any]


def clean(text: str) -> str:
    return " ".join(text.split())


def words(cell: str) -> list[str]:
    return cell.split()


@functools.cache
def load_graph(path: Path) -> Graph:
    return Graph().parse(path)


def eu_file(ref: Path, filename: str) -> Path:
    return ref / "vocabularies" / "eu-op" / filename


def labels_of(graph: Graph, subject: Node) -> dict[str, str]:
    found: dict[str, str] = {}
    literals = graph.objects(subject, SKOS.prefLabel)
    for lang, text in sorted(
        (o.language, clean(o)) for o in literals if isinstance(o, Literal) and o.language
    ):
        if text:
            found.setdefault(lang, text)
    if "nb" not in found and "no" in found:  # the EU files tag Norwegian (bokmål) "no"
        found["nb"] = found["no"]
    return {lang: found[lang] for lang in LANGUAGES if lang in found}


def is_deprecated(graph: Graph, subject: Node) -> bool:
    status = graph.value(subject, EUVOC.status)
    return str(graph.value(subject, AUTH.deprecated)) == "true" or str(status).endswith("/DEPRECATED")


def skos_concepts(graph: Graph, scheme: str) -> tuple[list[Concept], list[str]]:
    """Concepts of `scheme`, without the OP placeholder OP_DATPRO; deprecated ones apart."""
    concepts: list[Concept] = []
    deprecated: list[str] = []
    for uri in sorted(
        {str(s) for s in graph.subjects(SKOS.inScheme, URIRef(scheme)) if isinstance(s, URIRef)}
    ):
        subject = URIRef(uri)
        code = str(graph.value(subject, DC.identifier) or uri.rstrip("/").rsplit("/", 1)[-1])
        if code == "OP_DATPRO":
            continue
        if is_deprecated(graph, subject):
            deprecated.append(uri)
        else:
            concepts.append({"code": code, "uri": uri, "labels": labels_of(graph, subject)})
    return concepts, deprecated


def supplement(name: str) -> dict[str, dict[str, str]]:
    path = PACKAGE / "supplement" / f"{name}.csv"
    if not path.exists():
        return {}
    with path.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    return {
        row["code"]: {k: v.strip() for k, v in row.items() if k != "code" and k[:1] != "#" and v.strip()}
        for row in rows
    }


def complete(
    name: str, concepts: list[Concept], extras: dict[str, Callable[[str], Any]] | None = None
) -> None:
    """Apply the supplement to `concepts` and check every concept has all labels."""
    table = supplement(name)
    unknown = set(table) - {concept["code"] for concept in concepts}
    if unknown:
        raise SystemExit(f"{name}: supplement rows for unknown or deprecated codes {sorted(unknown)}")
    for concept in concepts:
        row = table.get(concept["code"], {})
        labels = concept["labels"] | {lang: row[lang] for lang in LANGUAGES if lang in row}
        if name in PROPER_NAMES and "en" in labels:
            labels = {lang: labels.get(lang, labels["en"]) for lang in LANGUAGES}
        missing = [lang for lang in LANGUAGES if not labels.get(lang)]
        if missing:
            raise SystemExit(f"{name}: {concept['code']} has no label in {missing}")
        concept["labels"] = {lang: labels[lang] for lang in LANGUAGES}
        for column, convert in (extras or {}).items():
            if column in row:
                concept[column] = convert(row[column])


def document(
    name: str, scheme: str, namespace: str, sources: Iterable[str], concepts: list[Concept], **more: Any
) -> dict[str, Any]:
    codes = [concept["code"].casefold() for concept in concepts]
    uris = [concept["uri"] for concept in concepts]
    if len(set(codes)) != len(codes) or len(set(uris)) != len(uris):
        raise SystemExit(f"{name}: duplicate codes or URIs")
    return {
        "name": name,
        "scheme": scheme,
        "namespace": namespace,
        "sources": sorted(sources),
        "concepts": sorted(concepts, key=lambda concept: concept["uri"]),
        "deprecated": sorted(more.pop("deprecated", [])),
        **more,
    }


def version(graph: Graph, scheme: str) -> str | None:
    value = graph.value(URIRef(scheme), OWL.versionInfo)
    return None if value is None else str(value)


def eu_table(
    ref: Path, name: str, filename: str, more_sources: Iterable[str] = (), **extras: Callable[[str], Any]
) -> dict[str, Any]:
    graph = load_graph(eu_file(ref, filename))
    scheme = EU + name
    concepts, deprecated = skos_concepts(graph, scheme)
    for concept in concepts:
        matches = sorted(str(o) for o in graph.objects(URIRef(concept["uri"]), SKOS.exactMatch))
        if matches:
            concept["exact_match"] = matches
    complete(name, concepts, extras)
    sources = [f"eu-op/{filename}", *more_sources]
    return document(
        name, scheme, scheme + "/", sources, concepts, deprecated=deprecated, version=version(graph, scheme)
    )


def iana_media_types(ref: Path) -> dict[str, str]:
    """Registered media types, lower case -> as IANA writes them."""
    path = ref / "vocabularies" / "iana" / "iana_media_types.json"
    values = json.loads(path.read_text(encoding="utf-8"))["values"]
    return {value.lower(): value for value in values}


def media_type(ref: Path) -> dict[str, Any]:
    concepts = [
        {"code": value, "uri": IANA + value, "labels": dict.fromkeys(LANGUAGES, value)}
        for value in iana_media_types(ref).values()
    ]
    return document("media-type", IANA, IANA, ["iana/iana_media_types.json"], concepts)


def file_type(ref: Path) -> dict[str, Any]:
    registered = iana_media_types(ref)

    def media_types(cell: str) -> list[str]:
        unknown = [value for value in words(cell) if value.lower() not in registered]
        if unknown:
            raise SystemExit(f"file-type: media types not in the IANA registry: {unknown}")
        return [registered[value.lower()] for value in words(cell)]

    flags = {
        "machine_readable": ("edp-machine-readable-format.rdf", EDP.isMachineReadable),
        "non_proprietary": ("edp-non-proprietary-format.rdf", EDP.isNonProprietary),
    }
    lists = {"media_types": media_types, "other_media_types": words, "extensions": words}
    flag_sources = [f"eu-op/{filename}" for filename, _ in flags.values()]
    doc = eu_table(ref, "file-type", "file-type.ttl", flag_sources, **lists)
    for concept in doc["concepts"]:
        for extra in lists:
            concept.setdefault(extra, [])
        for extra, (filename, flag) in flags.items():
            value = load_graph(eu_file(ref, filename)).value(URIRef(concept["uri"]), flag)
            concept[extra] = str(value) == "true"
    for kind in (("media_types", "other_media_types"), ("extensions",)):
        claimed = [value.lower() for concept in doc["concepts"] for extra in kind for value in concept[extra]]
        if len(set(claimed)) != len(claimed):
            raise SystemExit(f"file-type: a value of {kind} is given twice")
    return doc


def language(ref: Path) -> dict[str, Any]:
    """The curated languages of the supplement (the source has labels for ENG and DEU only)."""
    graph = load_graph(eu_file(ref, "language.ttl"))
    scheme = EU + "language"
    known = {str(s) for s in graph.subjects(SKOS.inScheme, URIRef(scheme))}
    concepts = []
    for code in supplement("language"):
        uri = f"{scheme}/{code}"
        if uri not in known:
            raise SystemExit(f"language: {code} is not in language.ttl")
        concept: Concept = {"code": code, "uri": uri, "labels": labels_of(graph, URIRef(uri))}
        for notation in graph.objects(URIRef(uri), SKOS.notation):
            if getattr(notation, "datatype", None) == EUVOC.ISO_639_1:
                concept["iso_639_1"] = str(notation)
        concepts.append(concept)
    complete("language", concepts, {"iso_639_1": str})
    # The other codes of the table are valid too; they have no labels here (nor in the source).
    unlabelled = {uri.rsplit("/", 1)[-1] for uri in known} - {c["code"] for c in concepts} - {"OP_DATPRO"}
    return document(
        "language", scheme, scheme + "/", ["eu-op/language.ttl"], concepts,
        version=version(graph, scheme), unlabelled=sorted(unlabelled),
    )  # fmt: skip


def cc_nb(name: str) -> str:
    """The bokmål name of a Creative Commons licence, from its English name."""
    return "–".join(" ".join(CC_NB.get(word, word) for word in part.split()) for part in name.split("–"))


def licence(ref: Path) -> dict[str, Any]:
    scheme = EU + "licence"
    concepts: list[Concept] = []
    deprecated: list[str] = []
    for filename, edp in (("licences-skos.rdf", False), ("edp-licences-skos.rdf", True)):
        graph = load_graph(eu_file(ref, filename))
        found, gone = skos_concepts(graph, scheme)
        deprecated += gone
        for concept in found:
            subject = URIRef(concept["uri"])
            concept["edp"] = edp
            concept["exact_match"] = sorted(str(o) for o in graph.objects(subject, SKOS.exactMatch))
            concept["aliases"] = sorted(str(o) for o in graph.objects(subject, OWL.sameAs))
            if graph.value(subject, OSI_IS_OPEN) is not None:
                concept["open"] = str(graph.value(subject, OSI_IS_OPEN)) == "true"
            if (
                concept["code"].startswith("CC")
                and "en" in concept["labels"]
                and "nb" not in concept["labels"]
            ):
                concept["labels"]["nb"] = cc_nb(concept["labels"]["en"])
        concepts += found
    complete("licence", concepts, {"open": lambda cell: cell == "true"})
    undecided = [concept["code"] for concept in concepts if "open" not in concept]
    if undecided:
        raise SystemExit(f"licence: say in the supplement whether these are open: {undecided}")
    sources = ["eu-op/licences-skos.rdf", "eu-op/edp-licences-skos.rdf"]
    version_ = version(load_graph(eu_file(ref, "licences-skos.rdf")), scheme)
    return document(
        "licence", scheme, scheme + "/", sources, concepts, deprecated=deprecated, version=version_
    )


def derived_csv(ref: Path, name: str, **extras: Callable[[str], Any]) -> dict[str, Any]:
    """Tables the reference holds only as URI + en/sv label CSV (from the DCAT-AP-SE bundle)."""
    scheme = EU + name
    filename = f"{name}_en-sv_from-dcat-ap-se.csv"
    with (ref / "vocabularies" / "derived" / filename).open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    concepts = [
        {
            "code": row["uri"].rsplit("/", 1)[-1],
            "uri": row["uri"],
            "labels": {"en": clean(row["label_en"]), "sv": clean(row["label_sv"])},
        }
        for row in rows
    ]
    complete(name, concepts, extras)
    return document(name, scheme, scheme + "/", [f"derived/{filename}"], concepts)


def hvd_category(ref: Path) -> dict[str, Any]:
    graph = load_graph(eu_file(ref, "hvd-categories.ttl"))
    concepts, deprecated = skos_concepts(graph, HVD_SCHEME)
    for concept in concepts:
        subject = URIRef(concept["uri"])
        broader = graph.value(subject, SKOS.broader)
        concept["broader"] = None if broader is None else str(broader)
        concept["order"] = str(graph.value(subject, EUVOC.order) or "")
        if (broader is None) != ((subject, SKOS.topConceptOf, URIRef(HVD_SCHEME)) in graph):
            raise SystemExit(f"hvd-category: {concept['code']} has broader and is top concept, or neither")
    complete("hvd-category", concepts)
    sources = ["eu-op/hvd-categories.ttl"]
    return document(
        "hvd-category", HVD_SCHEME, "http://data.europa.eu/bna/", sources, concepts,
        deprecated=deprecated, version=version(graph, HVD_SCHEME),
    )  # fmt: skip


BUILDERS: dict[str, Callable[[Path], dict[str, Any]]] = {
    "data-theme": lambda ref: eu_table(ref, "data-theme", "data-theme.ttl"),
    "file-type": file_type,
    "media-type": media_type,
    "language": language,
    "licence": licence,
    "frequency": lambda ref: eu_table(ref, "frequency", "frequency.ttl"),
    "access-right": lambda ref: derived_csv(ref, "access-right"),
    "planned-availability": lambda ref: derived_csv(ref, "planned-availability", aliases=words),
    "distribution-status": lambda ref: derived_csv(ref, "distribution-status"),
    "hvd-category": hvd_category,
}


def derive_all(ref: Path) -> dict[str, dict[str, Any]]:
    return {name: build(ref) for name, build in BUILDERS.items()}


def dump(doc: dict[str, Any]) -> str:
    return json.dumps(doc, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def reference_dir(argv: list[str]) -> Path:
    return Path(argv[1] if len(argv) > 1 else os.environ.get("OPENINGUP_REFERENCE_DATA", "../shared/data"))


def main(argv: list[str]) -> int:
    ref = reference_dir(argv)
    if not (ref / "vocabularies").is_dir():
        print(f"no reference data in {ref} (give a path or set OPENINGUP_REFERENCE_DATA)", file=sys.stderr)
        return 2
    out = PACKAGE / "data"
    out.mkdir(exist_ok=True)
    for name, doc in derive_all(ref).items():
        path = out / f"{name}.json"
        path.write_text(dump(doc), encoding="utf-8")
        print(f"{name}: {len(doc['concepts'])} concepts, {path.stat().st_size} bytes")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
