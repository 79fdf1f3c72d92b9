"""Validate DCAT-AP 3 metadata with the platform's own SHACL shapes and explain problems in plain words.

Profiles:

* ``"dcat-ap-3"`` - ``shapes/dcat-ap-3.ttl`` (DCAT-AP 3.0.1);
* ``"hvd"`` - the same plus ``shapes/hvd.ttl`` (DCAT-AP HVD 3.0.0), which only
  applies to resources taking part in a high-value-dataset publication;
* ``"nl"``, ``"no"``, ``"dk"`` - the official national SHACL files named by the profile
  (:mod:`openingup.exchange.dcat.profiles`), read from a folder given at run time (``shapes_dir``):
  they are third-party files and are not shipped. DCAT-AP-SE publishes no SHACL.

The shapes graphs are parsed once per process.  Validation runs pyshacl
without inference and with SHACL Advanced Features (the HVD shapes use SPARQL
targets).  A report ``conforms`` when it has no violation; warnings and infos
are advice.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyshacl
from rdflib import RDF, RDFS, SH, BNode, Graph, Literal, URIRef
from rdflib.collection import Collection
from rdflib.term import Node

from openingup.exchange.dcat.namespaces import compact

__all__ = ["NATIONAL", "PROFILES", "Problem", "ValidationReport", "validate"]

PROFILES: tuple[str, ...] = ("dcat-ap-3", "hvd")  # the platform's own shapes
NATIONAL: tuple[str, ...] = ("nl", "no", "dk", "se")  # official national shapes, from a folder

_SHAPES_DIR = Path(__file__).resolve().parent / "shapes"
_PROFILE_FILES: dict[str, tuple[str, ...]] = {
    "dcat-ap-3": ("dcat-ap-3.ttl",),
    "hvd": ("dcat-ap-3.ttl", "hvd.ttl"),
}

_SEVERITY_NAMES: dict[Node, str] = {SH.Violation: "violation", SH.Warning: "warning", SH.Info: "info"}
_SEVERITY_ORDER = {"violation": 0, "warning": 1, "info": 2}

# Human names of classes, used when a shape does not name the class of its focus node.
_CLASS_NAMES: dict[str, str] = {
    "dcat:Catalog": "Catalogue",
    "dcat:Dataset": "Dataset",
    "dcat:DatasetSeries": "Dataset series",
    "dcat:Distribution": "Distribution",
    "dcat:DataService": "Data service",
    "dcat:CatalogRecord": "Catalogue record",
    "dcat:Relationship": "Relationship",
    "foaf:Agent": "Agent",
    "foaf:Organization": "Agent",
    "foaf:Person": "Agent",
    "vcard:Kind": "Contact point",
    "vcard:Organization": "Contact point",
    "vcard:Individual": "Contact point",
    "dct:Location": "Location",
    "dct:PeriodOfTime": "Period of time",
    "dct:LicenseDocument": "Licence document",
    "spdx:Checksum": "Checksum",
    "adms:Identifier": "Identifier",
}

_MAX_VALUE_CHARS = 80


@dataclass(frozen=True)
class Problem:
    """One finding of a validation run.

    ``focus`` is the IRI of the resource concerned (``_:id`` for a blank
    node), ``path`` the property in prefixed form (``dct:title``), ``value``
    the offending value as written in Turtle, ``message`` the explanation from
    the shape.  ``subject`` names the kind of resource ("Dataset"), ``where``
    tells how to find a blank-node focus ("dcat:distribution of <...>").
    """

    severity: str  # "violation" | "warning" | "info"
    focus: str
    path: str | None
    value: str | None
    message: str
    subject: str = "Resource"
    where: str | None = None

    @property
    def focus_text(self) -> str:
        if self.focus.startswith("_:"):
            return f"[{self.where}]" if self.where else "(a resource without IRI)"
        return f"<{self.focus}>"

    def in_plain_words(self) -> str:
        """One line, e.g.

        ``Dataset <https://x/d/1>: the title (dct:title) is missing — every dataset needs a title.``
        """
        text = f"{self.subject} {self.focus_text}: {self.message}"
        if self.value is not None and self.value not in self.message:
            text += f" Found: {self.value}."
        return text


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`: ``conforms`` is True when there is no violation."""

    conforms: bool
    problems: tuple[Problem, ...]
    profile: str = "dcat-ap-3"

    @property
    def violations(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "violation")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "warning")

    @property
    def infos(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "info")

    def summary(self) -> str:
        text = f"{_count(len(self.violations), 'violation')}, {_count(len(self.warnings), 'warning')}"
        if self.infos:
            text += f", {_count(len(self.infos), 'hint')}"
        return text

    def in_plain_words(self) -> str:
        """Problems grouped by resource, violations first, then a summary line."""
        if not self.problems:
            return f"No problems found ({self.profile}).\n{self.summary()}"
        groups: dict[str, list[Problem]] = {}
        for problem in self.problems:
            groups.setdefault(problem.focus, []).append(problem)
        lines: list[str] = []
        for problems in groups.values():
            lines.append(f"{problems[0].subject} {problems[0].focus_text}")
            for problem in problems:
                line = f"  - {problem.severity}: {problem.message}"
                if problem.value is not None and problem.value not in problem.message:
                    line += f" Found: {problem.value}."
                lines.append(line)
        lines.append(self.summary())
        return "\n".join(lines)


def validate(data: Graph, *, profile: str = "dcat-ap-3", shapes_dir: Path | None = None) -> ValidationReport:
    """Validate ``data`` against the shapes for ``profile`` (see :data:`PROFILES`, :data:`NATIONAL`).

    A national profile needs ``shapes_dir``, the folder holding its official SHACL files; ValueError
    when it is missing or the profile has no SHACL, FileNotFoundError when a file is not there.
    """
    if profile not in PROFILES + NATIONAL:
        known = ", ".join(PROFILES + NATIONAL)
        raise ValueError(f"unknown SHACL profile {profile!r}; known profiles: {known}")
    if profile in NATIONAL:
        shapes, subjects = _national_shapes(profile, _shapes_folder(profile, shapes_dir))
    else:
        shapes, subjects = _shapes_graph(profile), _shape_subjects(profile)
    _conforms, results, _text = pyshacl.validate(
        data,
        shacl_graph=shapes,
        inference="none",
        advanced=True,  # SPARQL targets in hvd.ttl
        allow_warnings=True,
        allow_infos=True,
        inplace=True,  # no rules and no inference, so the data graph is only read
    )
    if not isinstance(results, Graph):  # pragma: no cover - pyshacl always returns a graph here
        raise TypeError("pyshacl returned no results graph")
    problems = {_problem(data, results, result, subjects) for result in results.objects(None, SH.result)}
    ordered = tuple(
        sorted(problems, key=lambda p: (_SEVERITY_ORDER.get(p.severity, 3), p.focus, p.path or "", p.message))
    )
    return ValidationReport(
        conforms=not any(p.severity == "violation" for p in ordered), problems=ordered, profile=profile
    )


# --------------------------------------------------------------------------- shapes


@functools.cache
def _shapes_graph(profile: str) -> Graph:
    graph = Graph()
    for name in _PROFILE_FILES[profile]:
        graph.parse(_SHAPES_DIR / name, format="turtle")
    return graph


def _shapes_folder(code: str, shapes_dir: Path | None) -> Path:
    from openingup.exchange.dcat import profiles

    profile = profiles.PROFILES[code]
    if not profile.shape_files:
        raise ValueError(
            f"{profile.title} publishes no SHACL shapes, so there is nothing to validate against."
        )
    if shapes_dir is None:
        raise ValueError(
            f"validating against {profile.title} needs the folder holding its official SHACL files "
            f"({', '.join(profile.shape_files)})."
        )
    missing = [name for name in profile.shape_files if not (shapes_dir / name).is_file()]
    if missing:
        raise FileNotFoundError(f"{shapes_dir}: no {', '.join(missing)} (the {profile.title} SHACL files)")
    return shapes_dir.resolve()


@functools.cache
def _national_shapes(code: str, folder: Path) -> tuple[Graph, dict[Node, str]]:
    from openingup.exchange.dcat import profiles

    graph = Graph()
    for name in profiles.PROFILES[code].shape_files:
        graph.parse(folder / name, format="turtle")
    return graph, _subjects_of(graph)


@functools.cache
def _shape_subjects(profile: str) -> dict[Node, str]:
    return _subjects_of(_shapes_graph(profile))


def _subjects_of(graph: Graph) -> dict[Node, str]:
    """Shape → human name of the class it checks (rdfs:label of the node shape)."""
    names: dict[Node, str] = {}
    for node_shape in set(graph.subjects(RDF.type, SH.NodeShape)):
        label = graph.value(node_shape, RDFS.label)
        if label is None:
            continue
        names[node_shape] = str(label)
        for prop in graph.objects(node_shape, SH.property):
            names.setdefault(prop, str(label))
    return names


# --------------------------------------------------------------------------- results


def _problem(data: Graph, results: Graph, result: Node, subjects: dict[Node, str]) -> Problem:
    focus = results.value(result, SH.focusNode)
    path = results.value(result, SH.resultPath)
    value = results.value(result, SH.value)
    severity = _SEVERITY_NAMES.get(results.value(result, SH.resultSeverity) or SH.Violation, "violation")
    shape = results.value(result, SH.sourceShape)
    subject = subjects.get(shape) if shape is not None else None
    if subject is None:
        subject = _class_name(data, focus)
    if value is not None and value == focus and path is None:
        value = None  # node-level results repeat the focus node as value
    return Problem(
        severity=severity,
        focus=_node_id(focus),
        path=_path_text(results, path) if path is not None else None,
        value=_value_text(value) if value is not None else None,
        message=_message(results, result),
        subject=subject,
        where=_where(data, focus) if isinstance(focus, BNode) else None,
    )


def _message(results: Graph, result: Node) -> str:
    messages = [m for m in results.objects(result, SH.resultMessage) if isinstance(m, Literal)]
    for message in messages:
        if message.language in (None, "en"):
            return str(message)
    return str(messages[0]) if messages else "the value does not meet the profile."


def _class_name(data: Graph, focus: Node | None) -> str:
    if focus is None:
        return "Resource"
    for cls in data.objects(focus, RDF.type):
        name = _CLASS_NAMES.get(_compact(cls))
        if name:
            return name
    return "Resource"


def _where(data: Graph, node: Node, depth: int = 0) -> str | None:
    """How a blank node is reached from a named resource, e.g. ``dcat:distribution of <https://…>``."""
    for subject, predicate in data.subject_predicates(node):
        if isinstance(subject, URIRef):
            return f"{_compact(predicate)} of <{subject}>"
        if depth < 3 and isinstance(subject, BNode):
            outer = _where(data, subject, depth + 1)
            if outer:
                return f"{_compact(predicate)} of {outer}"
    return None


def _node_id(node: Node | None) -> str:
    if isinstance(node, BNode):
        return f"_:{node}"
    return str(node) if node is not None else ""


def _compact(node: Node) -> str:
    iri = str(node)
    return compact(iri) or f"<{iri}>"


def _path_text(results: Graph, path: Node) -> str:
    """A SHACL property path in the prefixed form SPARQL uses (``^dcat:inSeries``, ``a/b``, ``a|b``)."""
    if isinstance(path, URIRef):
        return _compact(path)
    inverse = results.value(path, SH.inversePath)
    if inverse is not None:
        return f"^{_path_text(results, inverse)}"
    alternatives = results.value(path, SH.alternativePath)
    if alternatives is not None:
        return "|".join(_path_text(results, p) for p in _list(results, alternatives))
    for modifier, suffix in ((SH.zeroOrMorePath, "*"), (SH.oneOrMorePath, "+"), (SH.zeroOrOnePath, "?")):
        inner = results.value(path, modifier)
        if inner is not None:
            return f"({_path_text(results, inner)}){suffix}"
    if (path, RDF.first, None) in results:
        return "/".join(_path_text(results, p) for p in _list(results, path))
    return str(path)


def _list(graph: Graph, head: Node) -> Iterable[Node]:
    return list(Collection(graph, head))


def _value_text(value: Node) -> str:
    if isinstance(value, URIRef):
        return _compact(value)
    if isinstance(value, BNode):
        return "a blank node"
    if isinstance(value, Literal):
        lexical = str(value)
        if len(lexical) > _MAX_VALUE_CHARS:
            lexical = lexical[: _MAX_VALUE_CHARS - 1] + "…"
        text = '"' + lexical.replace('"', '\\"') + '"'
        if value.language:
            return f"{text}@{value.language}"
        if value.datatype is not None:
            return f"{text}^^{_compact(value.datatype)}"
        return text
    return str(value)


def _count(n: int, noun: str) -> str:
    return f"{n} {noun}{'' if n == 1 else 's'}"
