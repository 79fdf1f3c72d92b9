"""A small checker for DCAT-AP-SE, which publishes no SHACL but an RDForms template bundle.

Test helper, not shipped code. For the main classes (catalogue, dataset, data service, dataset series,
distribution) and the nodes reached through ``dcat:contactPoint`` and ``dct:publisher`` it reads the
bundle's group templates and checks, per property:

* the cardinality (``min``/``max``), with alternative templates for one property (the "disjoint"
  groups, e.g. licence: a Creative Commons choice or another licence) taken together;
* closed value lists (``choices``) and ``pattern``: a value must fit one of the alternatives.

``rdf:type`` choices need one matching type. A template with ``deps`` (the HVD category: only for
datasets under the HVD regulation) applies only when the node has that property value. The catalogue
licence's fixed value (CC0 for the catalogue's metadata) is not checked: the platform keeps the
licence the publisher chose.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from rdflib import RDF, Graph, URIRef
from rdflib.term import Node

PREFIXES = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dcterms": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "locn": "http://www.w3.org/ns/locn#",
    "odrs": "http://schema.theodi.org/odrs#",
    "owl": "http://www.w3.org/2002/07/owl#",
    "prov": "http://www.w3.org/ns/prov#",
    "rdf": "http://www.w3.org/1999/02/22-rdf-syntax-ns#",
    "schema": "http://schema.org/",
    "vcard": "http://www.w3.org/2006/vcard/ns#",
}
DCAT = PREFIXES["dcat"]
DCT = PREFIXES["dcterms"]
# Bundle group → how its instances are found: by class, or as objects of a property.
GROUPS: dict[str, tuple[str, str]] = {
    "dcat:Catalog": ("class", DCAT + "Catalog"),
    "dcat:Dataset": ("class", DCAT + "Dataset"),
    "dcat:DataService": ("class", DCAT + "DataService"),
    "dcat:DatasetSeries": ("class", DCAT + "DatasetSeries"),
    "dcat:Distribution": ("class", DCAT + "Distribution"),
    "dcat:contactPoint": ("object", DCAT + "contactPoint"),
    "dcat:foaf:Agent": ("object", DCT + "publisher"),
}


def _iri(name: str) -> URIRef:
    if name.startswith(("http://", "https://")):
        return URIRef(name)
    prefix, local = name.split(":", 1)
    return URIRef(PREFIXES[prefix] + local)


@dataclass
class Rule:
    """All templates of one property in one group."""

    minimum: int = 0
    maximum: int | None = 0
    free: bool = False  # some alternative takes any value
    choices: set[str] = field(default_factory=set)
    patterns: list[re.Pattern[str]] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)
    deps: tuple[URIRef, URIRef] | None = None  # only applies when the node has this property value

    def add(self, template: dict[str, Any], cardinality: dict[str, int]) -> None:
        self.minimum = max(self.minimum, cardinality.get("min", 0))
        top = cardinality.get("max")
        self.maximum = None if top is None or self.maximum is None else max(self.maximum, top)
        if template.get("choices"):
            self.choices |= {c["value"] for c in template["choices"]}
        elif template.get("pattern"):
            self.patterns.append(re.compile(template["pattern"]))
        else:
            self.free = True
        self.labels.append(template.get("id") or template.get("property", "?"))
        if template.get("deps"):
            prop, value = template["deps"]
            self.deps = (_iri(prop), URIRef(value))

    def accepts(self, value: Node) -> bool:
        text = str(value)
        return self.free or text in self.choices or any(p.search(text) for p in self.patterns)


class Bundle:
    def __init__(self, data: dict[str, Any]) -> None:
        self.templates = {t["id"]: t for t in data["templates"] if t.get("id")}

    def resolve(self, item: str | dict[str, Any]) -> dict[str, Any]:
        if isinstance(item, str):
            return self.resolve(dict(self.templates[item]))
        if "extends" in item:
            base = dict(self.resolve(item["extends"]))
            base.update({k: v for k, v in item.items() if k != "extends"})
            return base
        return item

    def rules(self, group: str) -> dict[str, Rule]:
        rules: dict[str, Rule] = {}
        for item in self.templates[group]["items"]:
            template = self.resolve(item)
            cardinality = template.get("cardinality", {})
            if template.get("property"):
                rules.setdefault(template["property"], Rule()).add(template, cardinality)
                continue
            # A group without a property: alternatives for one property, cardinality on the group.
            for sub in template.get("items", []):
                sub_template = self.resolve(sub)
                if sub_template.get("property"):
                    rule = rules.setdefault(sub_template["property"], Rule())
                    rule.add(sub_template, {**sub_template.get("cardinality", {}), **cardinality})
        return rules


def check(graph: Graph, data: dict[str, Any]) -> list[str]:
    """Every breach of the bundle's cardinalities and value lists, one line each (empty: conforms)."""
    bundle = Bundle(data)
    problems: list[str] = []
    for group, (how, iri) in GROUPS.items():
        if how == "class":
            nodes = set(graph.subjects(RDF.type, URIRef(iri)))
        else:
            nodes = set(graph.objects(None, URIRef(iri)))
        for name, rule in bundle.rules(group).items():
            path = _iri(name)
            for node in nodes:
                if rule.deps is not None and (node, *rule.deps) not in graph:
                    continue
                values = list(graph.objects(node, path))
                if len(values) < rule.minimum:
                    problems.append(f"{group} {node}: {name} needs {rule.minimum}, has {len(values)}")
                if rule.maximum is not None and len(values) > rule.maximum:
                    problems.append(f"{group} {node}: {name} allows {rule.maximum}, has {len(values)}")
                if path == RDF.type and rule.choices:
                    if not {str(v) for v in values} & rule.choices:
                        problems.append(f"{group} {node}: rdf:type none of {sorted(rule.choices)}")
                    continue
                for value in values:
                    if not rule.accepts(value):
                        problems.append(f"{group} {node}: {name} value {value} not allowed ({rule.labels})")
    return problems
