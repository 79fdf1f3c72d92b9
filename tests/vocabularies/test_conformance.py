"""The committed vocabulary data against the official files in ``OPENINGUP_REFERENCE_DATA``."""

from __future__ import annotations

import csv
import importlib.util
import json
import os
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from rdflib import URIRef

from openingup.vocabularies.registry import PROJECT_WRITTEN, names

pytestmark = pytest.mark.conformance

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "derive_vocabularies.py"
DATA = Path(__file__).resolve().parents[2] / "src" / "openingup" / "vocabularies" / "data"
# The reference files each vocabulary's URIs must appear in.
SOURCES = {
    "data-theme": ["eu-op/data-theme.ttl"],
    "file-type": ["eu-op/file-type.ttl"],
    "language": ["eu-op/language.ttl"],
    "licence": ["eu-op/licences-skos.rdf", "eu-op/edp-licences-skos.rdf"],
    "frequency": ["eu-op/frequency.ttl"],
    "access-right": ["derived/access-right_en-sv_from-dcat-ap-se.csv"],
    "planned-availability": ["derived/planned-availability_en-sv_from-dcat-ap-se.csv"],
    "distribution-status": ["derived/distribution-status_en-sv_from-dcat-ap-se.csv"],
    "hvd-category": ["eu-op/hvd-categories.ttl"],
}


@pytest.fixture(scope="module")
def reference() -> Path:
    value = os.environ.get("OPENINGUP_REFERENCE_DATA")
    if not value:
        pytest.skip("OPENINGUP_REFERENCE_DATA is not set")
    path = Path(value)
    if not (path / "vocabularies").is_dir():
        pytest.skip(f"no vocabularies/ in OPENINGUP_REFERENCE_DATA={value}")
    return path / "vocabularies"


@pytest.fixture(scope="module")
def script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("derive_vocabularies", SCRIPT)
    assert spec and spec.loader
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def derived(reference: Path, script: ModuleType) -> dict[str, dict[str, Any]]:
    return script.derive_all(reference.parent)


@pytest.mark.parametrize("name", [n for n in names() if n not in PROJECT_WRITTEN])
def test_committed_data_equals_a_fresh_derivation(
    name: str, derived: dict[str, dict[str, Any]], script: ModuleType
) -> None:
    committed = (DATA / f"{name}.json").read_text(encoding="utf-8")
    assert committed == script.dump(derived[name]), f"run scripts/derive_vocabularies.py: {name} drifted"


def _uris_in(reference: Path, relative: str, script: ModuleType) -> set[str]:
    path = reference / relative
    if path.suffix == ".csv":
        with path.open(encoding="utf-8", newline="") as handle:
            return {row["uri"] for row in csv.DictReader(handle)}
    graph = script.load_graph(path)
    return {str(s) for s in graph.subjects() if isinstance(s, URIRef)}


@pytest.mark.parametrize("name", sorted(SOURCES))
def test_every_uri_exists_in_the_official_files(name: str, reference: Path, script: ModuleType) -> None:
    official = set().union(*(_uris_in(reference, relative, script) for relative in SOURCES[name]))
    data = json.loads((DATA / f"{name}.json").read_text(encoding="utf-8"))
    ours = {c["uri"] for c in data["concepts"]} | set(data["deprecated"])
    ours |= {data["namespace"] + code for code in data.get("unlabelled", [])}
    assert ours - official == set()


def test_every_media_type_is_registered(reference: Path) -> None:
    registered = json.loads((reference / "iana" / "iana_media_types.json").read_text(encoding="utf-8"))[
        "values"
    ]
    data = json.loads((DATA / "media-type.json").read_text(encoding="utf-8"))
    assert {c["code"] for c in data["concepts"]} == set(registered)


def test_hvd_categories_match_the_flat_table(reference: Path) -> None:
    with (reference / "eu-op" / "hvd-categories.csv").open(encoding="utf-8", newline="") as handle:
        ids = {row["concept_id"] for row in csv.DictReader(handle)}
    data = json.loads((DATA / "hvd-category.json").read_text(encoding="utf-8"))
    assert {c["code"] for c in data["concepts"]} == ids
