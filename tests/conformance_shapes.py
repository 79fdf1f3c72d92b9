"""Validation with the OFFICIAL SEMIC shapes, for conformance tests.

This is a test helper, not a test module and not shipped code.  The official
artefacts are third-party files; they are read at test time from the
reference-data directory named by ``OPENINGUP_REFERENCE_DATA`` and are never
copied into the repository.

Which official files make up the check
--------------------------------------
DCAT-AP 3.0.1 publishes two SHACL sets.  ``shacl/dcat-ap-SHACL.ttl`` (+
``ranges.ttl``) is generated from the UML model and is what the EU
Interoperability Test Bed (ITB) calls "Full (individual constraints)"; it has
no date/literal-type checks and no controlled-vocabulary checks.  The
hand-maintained modular set in ``html-shacl/`` is what the ITB validator
offers as "Base", "Ranges" and "Controlled Vocabularies":

* ``shapes.ttl`` - mandatory properties, cardinalities, literal/IRI kinds,
  date types ("Base");
* ``range.ttl`` - class ranges (``sh:class``) of every property ("Ranges");
* ``mdr-vocabularies.shape.ttl`` - controlled vocabularies, expressed as
  ``value skos:inScheme <authority table>`` ("Controlled Vocabularies").

``imports.ttl`` and ``mdr_imports.ttl`` are not shapes: they ``owl:import``
the background knowledge the ITB merges into the data before validating - the
base ontologies (DCAT, DCTERMS, FOAF, vCard, ...) and the EU authority tables.
The shapes above only work with that knowledge present in the *data* graph
(``sh:class vcard:Kind`` must see ``vcard:Organization rdfs:subClassOf
vcard:Kind``; the vocabulary shapes must see ``skos:inScheme``).  pyshacl's
``ont_graph`` only copies ontology axioms, not concept instances, so this
helper merges the background into a copy of the data graph itself:

* the EU vocabularies from ``vocabularies/eu-op/*.ttl|*.rdf`` (plus the
  derived access-right / planned-availability / distribution-status CSVs,
  for which no official SKOS file is available), restricted to the concepts
  the data actually mentions (plus their concept schemes) - same result,
  much faster;
* the few class-hierarchy axioms of the imported ontologies that the range
  shapes depend on (written out below, because the ontologies themselves
  would have to be downloaded);
* ``x rdf:type rdfs:Resource`` for every node (an RDFS axiom; the HVD range
  shapes use ``sh:class rdfs:Resource`` and fail on everything otherwise).

``conforms`` means: no ``sh:Violation`` about a resource the data graph
describes (a subject of one of its triples).  Results about vocabulary content
that only the background describes (e.g. the vendored data-theme concept
scheme has no ``dct:title``, which ``CategoryScheme_Shape`` requires) are left
out and counted in the report's summary line.

For the HVD profile the ITB "HVD Full" set is added: ``hvd-SHACL-base.ttl``,
``hvd-SHACL-ranges.ttl`` and ``hvd-SHACL-usagenotes.ttl`` (the latter
``owl:import``\\ s the HVD category scheme, loaded from
``vocabularies/eu-op/hvd-categories.ttl``).  Note that the official HVD
shapes target *every* dataset, distribution and data service in the graph:
they are meant for a graph that contains only HVD resources.
"""

from __future__ import annotations

import csv
import functools
import os
from collections.abc import Iterable
from pathlib import Path

import pyshacl
from rdflib import RDF, RDFS, SH, SKOS, BNode, Graph, Literal, URIRef
from rdflib.term import Node

ENV_VAR = "OPENINGUP_REFERENCE_DATA"

DCAT_AP_301 = Path("dcat-ap/3.0.1")
HVD_300 = Path("dcat-ap/3.0.0-hvd")

_DCAT_AP_BASE = DCAT_AP_301 / "html-shacl/shapes.ttl"
_DCAT_AP_RANGES = DCAT_AP_301 / "html-shacl/range.ttl"
_DCAT_AP_VOCABULARIES = DCAT_AP_301 / "html-shacl/mdr-vocabularies.shape.ttl"
_HVD_SHAPE_FILES = (
    HVD_300 / "shacl/hvd-SHACL-base.ttl",
    HVD_300 / "shacl/hvd-SHACL-ranges.ttl",
    HVD_300 / "shacl/hvd-SHACL-usagenotes.ttl",
)
_VOCABULARY_DIR = Path("vocabularies/eu-op")
_DERIVED_VOCABULARY_DIR = Path("vocabularies/derived")

# Class-hierarchy axioms from the ontologies that html-shacl/imports.ttl imports
# (dcat2.ttl, dublin_core_terms.ttl, foaf, vcard).  Only what the range shapes
# need; written from the published ontologies, not copied.  DCAT's
# "dcat:Catalog rdfs:subClassOf dcat:Dataset" is left out on purpose: DCAT-AP
# gives catalogues their own shapes, and with that axiom every catalogue would
# also be checked as a dataset (and, with hvd=True, as a high-value dataset).
_ONTOLOGY_AXIOMS = """
@prefix rdfs:  <http://www.w3.org/2000/01/rdf-schema#> .
@prefix dcat:  <http://www.w3.org/ns/dcat#> .
@prefix dct:   <http://purl.org/dc/terms/> .
@prefix foaf:  <http://xmlns.com/foaf/0.1/> .
@prefix vcard: <http://www.w3.org/2006/vcard/ns#> .

dcat:Dataset      rdfs:subClassOf dcat:Resource .
dcat:DataService  rdfs:subClassOf dcat:Resource .

dct:LicenseDocument rdfs:subClassOf dct:RightsStatement .
dct:FileFormat      rdfs:subClassOf dct:MediaType .
dct:MediaType       rdfs:subClassOf dct:MediaTypeOrExtent .
dct:SizeOrDuration  rdfs:subClassOf dct:MediaTypeOrExtent .
dct:PhysicalMedium  rdfs:subClassOf dct:MediaType .

foaf:Person       rdfs:subClassOf foaf:Agent .
foaf:Organization rdfs:subClassOf foaf:Agent .
foaf:Group        rdfs:subClassOf foaf:Agent .
foaf:PersonalProfileDocument rdfs:subClassOf foaf:Document .

vcard:Individual   rdfs:subClassOf vcard:Kind .
vcard:Organization rdfs:subClassOf vcard:Kind .
vcard:Group        rdfs:subClassOf vcard:Kind .
vcard:Location     rdfs:subClassOf vcard:Kind .
"""


def reference_dir() -> Path | None:
    """The reference-data directory, or None when the env var is unset/invalid."""
    value = os.environ.get(ENV_VAR, "").strip()
    if not value:
        return None
    path = Path(value).expanduser()
    if not (path / DCAT_AP_301).is_dir():
        return None
    return path


def _require_reference_dir() -> Path:
    ref = reference_dir()
    if ref is None:
        raise RuntimeError(f"{ENV_VAR} is not set to a directory containing {DCAT_AP_301}")
    return ref


@functools.cache
def _official_shapes(ref: Path, hvd: bool, ranges: bool) -> Graph:
    shapes = Graph()
    files = (_DCAT_AP_BASE, *((_DCAT_AP_RANGES,) if ranges else ()), _DCAT_AP_VOCABULARIES)
    if hvd:
        files += _HVD_SHAPE_FILES
    for rel in files:
        shapes.parse(ref / rel, format="turtle")
    return shapes


def _derived_vocabulary(path: Path) -> Iterable[tuple[Node, Node, Node]]:
    """SKOS triples for a derived ``uri,label_en,...`` CSV of EU authority concepts."""
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.DictReader(handle):
            concept = URIRef(row["uri"].strip())
            scheme = URIRef(str(concept).rsplit("/", 1)[0])
            yield concept, RDF.type, SKOS.Concept
            yield concept, SKOS.inScheme, scheme
            if row.get("label_en"):
                yield concept, SKOS.prefLabel, Literal(row["label_en"], lang="en")
            yield scheme, RDF.type, SKOS.ConceptScheme


@functools.cache
def _background(ref: Path) -> dict[Node, tuple[tuple[Node, Node], ...]]:
    """Background knowledge indexed by subject: EU vocabularies (+ derived ones)."""
    graph = Graph()
    vocab_dir = ref / _VOCABULARY_DIR
    for path in sorted(vocab_dir.glob("*.ttl")) + sorted(vocab_dir.glob("*.rdf")):
        graph.parse(path, format="turtle" if path.suffix == ".ttl" else "xml")
    derived_dir = ref / _DERIVED_VOCABULARY_DIR
    if derived_dir.is_dir():
        for path in sorted(derived_dir.glob("*.csv")):
            for triple in _derived_vocabulary(path):
                graph.add(triple)
    index: dict[Node, list[tuple[Node, Node]]] = {}
    for s, p, o in graph:
        if isinstance(s, URIRef):  # blank-node structures of the vocabularies are not needed
            index.setdefault(s, []).append((p, o))
    return {s: tuple(po) for s, po in index.items()}


@functools.cache
def _ontology_axioms() -> tuple[tuple[Node, Node, Node], ...]:
    return tuple(Graph().parse(data=_ONTOLOGY_AXIOMS, format="turtle"))


def _with_background(data: Graph, ref: Path) -> tuple[Graph, set[Node]]:
    """Copy of ``data`` plus the background knowledge relevant to its nodes.

    Also returns the nodes ``data`` describes (its subjects): results about
    any other node concern vocabulary content, not the data.
    """
    merged = Graph()
    data_nodes: set[Node] = set()
    for s, p, o in data:
        merged.add((s, p, o))
        data_nodes.add(s)
        if not isinstance(o, Literal):
            data_nodes.add(o)
    described = set(data.subjects())
    background = _background(ref)
    frontier: set[Node] = {n for n in data_nodes if isinstance(n, URIRef)}
    seen: set[Node] = set()
    for _depth in range(2):  # concept, then its scheme
        next_frontier: set[Node] = set()
        for node in frontier - seen:
            seen.add(node)
            for p, o in background.get(node, ()):
                merged.add((node, p, o))
                if isinstance(o, URIRef) and p in (SKOS.inScheme, RDF.type):
                    next_frontier.add(o)
        frontier = next_frontier
    for triple in _ontology_axioms():
        merged.add(triple)
    for data_node in data_nodes:
        merged.add((data_node, RDF.type, RDFS.Resource))
    return merged, described


def _describe(graph: Graph, node: Node | None) -> str:
    if node is None:
        return "-"
    if isinstance(node, URIRef):
        try:
            return graph.namespace_manager.normalizeUri(node)
        except Exception:  # pragma: no cover - defensive, normalizeUri is picky
            return f"<{node}>"
    if isinstance(node, BNode):
        return f"_:{node}"
    return repr(str(node))


def official_validate(graph: Graph, *, hvd: bool = False, ranges: bool = True) -> tuple[bool, str]:
    """Validate ``graph`` with the official DCAT-AP 3.0.1 (+ HVD 3.0.0) shapes.

    Mandatory (``shapes.ttl``) + ranges (``range.ttl``) + controlled
    vocabularies (``mdr-vocabularies.shape.ttl``), and with ``hvd=True`` the
    HVD base, range and usage-note shapes.  ``ranges=False`` leaves out
    ``range.ttl`` (the ITB "Base" + "Controlled Vocabularies" level), whose
    ``sh:class`` checks require every referenced resource to be typed.

    Returns ``(conforms, report)``: ``conforms`` is True when there is no
    ``sh:Violation`` about a node of ``graph`` (warnings are allowed);
    ``report`` lists every result, violations first.
    """
    ref = _require_reference_dir()
    shapes = _official_shapes(ref, hvd, ranges)
    merged, described = _with_background(graph, ref)
    _conforms, results, _text = pyshacl.validate(
        merged,
        shacl_graph=shapes,
        inference="none",
        allow_warnings=True,
        allow_infos=True,
        inplace=True,
    )
    assert isinstance(results, Graph)
    lines: list[tuple[int, str]] = []
    ignored = 0
    violations = 0
    # top-level results only: nested sh:detail results repeat what their parent says
    for result in results.objects(None, SH.result):
        focus = results.value(result, SH.focusNode)
        if focus not in described:
            ignored += 1
            continue
        severity = results.value(result, SH.resultSeverity)
        is_violation = severity == SH.Violation
        violations += is_violation
        path = results.value(result, SH.resultPath)
        value = results.value(result, SH.value)
        message = results.value(result, SH.resultMessage)
        component = results.value(result, SH.sourceConstraintComponent)
        label = str(severity).rsplit("#", 1)[-1]
        lines.append(
            (
                0 if is_violation else 1,
                f"{label}: focus={_describe(merged, focus)} path={_describe(merged, path)} "
                f"value={_describe(merged, value)} "
                f"[{_describe(results, component)}] {message or ''}".rstrip(),
            )
        )
    lines.sort()
    summary = (
        f"official DCAT-AP 3.0.1{'' if ranges else ' (without ranges)'}{' + HVD 3.0.0' if hvd else ''}: "
        f"{violations} violation(s), {len(lines) - violations} other result(s)"
    )
    if ignored:
        summary += f"; {ignored} result(s) about background vocabulary content ignored"
    text = "\n".join([summary, *(line for _, line in lines)])
    return violations == 0, text
