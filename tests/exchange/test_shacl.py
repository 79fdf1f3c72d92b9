"""The platform's own DCAT-AP 3 / HVD shapes and the plain-words validator.

Unit tests need no database and no reference data.  Tests marked
``conformance`` compare with the official SEMIC shapes and skip when
``OPENINGUP_REFERENCE_DATA`` is not set.
"""

from __future__ import annotations

import re
import time
from pathlib import Path

import pytest
from rdflib import RDF, SH, Graph

from openingup.exchange import shacl
from openingup.exchange.shacl import PROFILES, Problem, ValidationReport, validate

try:
    from tests.conformance_shapes import official_validate, reference_dir
except ImportError:  # pragma: no cover - tests/ run without being a package
    from conformance_shapes import official_validate, reference_dir

EU = "http://publications.europa.eu/resource/authority/"
HVD_ELI = "http://data.europa.eu/eli/reg_impl/2023/138/oj"
SHAPES_DIR = Path(shacl.__file__).resolve().parent / "shapes"

PREFIXES = """\
@prefix dcat:   <http://www.w3.org/ns/dcat#> .
@prefix dct:    <http://purl.org/dc/terms/> .
@prefix dcatap: <http://data.europa.eu/r5r/> .
@prefix adms:   <http://www.w3.org/ns/adms#> .
@prefix eli:    <http://data.europa.eu/eli/ontology#> .
@prefix foaf:   <http://xmlns.com/foaf/0.1/> .
@prefix skos:   <http://www.w3.org/2004/02/skos/core#> .
@prefix spdx:   <http://spdx.org/rdf/terms#> .
@prefix vcard:  <http://www.w3.org/2006/vcard/ns#> .
@prefix xsd:    <http://www.w3.org/2001/XMLSchema#> .
"""


def graph(turtle: str) -> Graph:
    return Graph().parse(data=PREFIXES + turtle, format="turtle")


# A dataset with only the mandatory properties.
MINIMAL = """
<https://x/d/1> a dcat:Dataset ;
    dct:title "Waste collection points"@en ;
    dct:description "Where to bring glass, paper and textiles."@en .
"""

# A high-value dataset that meets the HVD profile.
HVD_DATASET = f"""
<https://x/d/1> a dcat:Dataset ;
    dct:title "Air quality measurements"@en ;
    dct:description "Hourly measurements of the municipal stations."@en ;
    dcatap:applicableLegislation <{HVD_ELI}> ;
    dcatap:hvdCategory <http://data.europa.eu/bna/c_dd313021> ;
    dcat:contactPoint <https://x/contact> ;
    dcat:distribution <https://x/d/1/csv> .
<https://x/d/1/csv> a dcat:Distribution ;
    dcat:accessURL <https://x/files/air.csv> ;
    dct:license <{EU}licence/CC_BY_4_0> ;
    dcatap:applicableLegislation <{HVD_ELI}> .
<https://x/api> a dcat:DataService ;
    dct:title "Air quality API"@en ;
    dcat:endpointURL <https://x/api/v1> ;
    dcat:servesDataset <https://x/d/1> ;
    foaf:page <https://x/api/docs> ;
    dcat:contactPoint <https://x/contact> ;
    dct:license <{EU}licence/CC_BY_4_0> ;
    dcatap:applicableLegislation <{HVD_ELI}> ;
    dcatap:hvdCategory <http://data.europa.eu/bna/c_dd313021> .
<https://x/contact> a vcard:Organization ;
    vcard:hasEmail <mailto:opendata@x.example> .
"""


def _dataset_with(extra: str) -> str:
    return MINIMAL.rstrip().rstrip(".") + f";\n    {extra} .\n"


def _distribution_with(extra: str) -> str:
    return (
        _dataset_with("dcat:distribution <https://x/d/1/csv>")
        + "<https://x/d/1/csv> a dcat:Distribution ;\n"
        + f"    dcat:accessURL <https://x/files/1.csv> ;\n    {extra} .\n"
    )


# (id, turtle, profile, conforms, path of the expected violation)
CASES = [
    ("minimal dataset", MINIMAL, "dcat-ap-3", True, None),
    ("minimal dataset, hvd profile", MINIMAL, "hvd", True, None),
    (
        "missing title",
        '<https://x/d/1> a dcat:Dataset ; dct:description "d"@en .',
        "dcat-ap-3",
        False,
        "dct:title",
    ),
    (
        "missing description",
        '<https://x/d/1> a dcat:Dataset ; dct:title "t"@en .',
        "dcat-ap-3",
        False,
        "dct:description",
    ),
    (
        "title is a link",
        '<https://x/d/1> a dcat:Dataset ; dct:title <https://x/title> ; dct:description "d"@en .',
        "dcat-ap-3",
        False,
        "dct:title",
    ),
    (
        "theme outside data-theme",
        _dataset_with("dcat:theme <http://example.org/themes/waste>"),
        "dcat-ap-3",
        False,
        "dcat:theme",
    ),
    (
        "extra theme next to a data-theme one",
        _dataset_with(f"dcat:theme <{EU}data-theme/ENVI>, <http://example.org/themes/waste>"),
        "dcat-ap-3",
        True,
        None,
    ),
    ("theme as text", _dataset_with('dcat:theme "ENVI"'), "dcat-ap-3", False, "dcat:theme"),
    (
        "language outside the EU vocabulary",
        _dataset_with("dct:language <http://id.loc.gov/vocabulary/iso639-1/en>"),
        "dcat-ap-3",
        False,
        "dct:language",
    ),
    (
        "frequency outside the EU vocabulary",
        _dataset_with("dct:accrualPeriodicity <http://purl.org/cld/freq/annual>"),
        "dcat-ap-3",
        False,
        "dct:accrualPeriodicity",
    ),
    (
        "two publishers",
        _dataset_with("dct:publisher <https://x/org/a>, <https://x/org/b>"),
        "dcat-ap-3",
        False,
        "dct:publisher",
    ),
    ("issued as plain text", _dataset_with('dct:issued "last spring"'), "dcat-ap-3", False, "dct:issued"),
    (
        "issued is not a date",
        _dataset_with('dct:issued "2023-13-45"^^xsd:date'),
        "dcat-ap-3",
        False,
        "dct:issued",
    ),
    ("issued as a year", _dataset_with('dct:issued "2023"^^xsd:gYear'), "dcat-ap-3", True, None),
    (
        "modified as a date-time",
        _dataset_with('dct:modified "2024-05-01T08:30:00Z"^^xsd:dateTime'),
        "dcat-ap-3",
        True,
        None,
    ),
    (
        "format as text (literal where an IRI is required)",
        _distribution_with('dct:format "CSV"'),
        "dcat-ap-3",
        False,
        "dct:format",
    ),
    (
        "access URL as text",
        _dataset_with("dcat:distribution <https://x/d/1/csv>")
        + '<https://x/d/1/csv> a dcat:Distribution ; dcat:accessURL "https://x/files/1.csv" .',
        "dcat-ap-3",
        False,
        "dcat:accessURL",
    ),
    (
        "distribution without access URL",
        _dataset_with("dcat:distribution <https://x/d/1/csv>") + "<https://x/d/1/csv> a dcat:Distribution .",
        "dcat-ap-3",
        False,
        "dcat:accessURL",
    ),
    (
        "byte size not an integer",
        _distribution_with('dcat:byteSize "12.5"^^xsd:decimal'),
        "dcat-ap-3",
        False,
        "dcat:byteSize",
    ),
    (
        "byte size as plain text",
        _distribution_with('dcat:byteSize "1024"'),
        "dcat-ap-3",
        False,
        "dcat:byteSize",
    ),
    (
        "byte size ok",
        _distribution_with('dcat:byteSize "1024"^^xsd:nonNegativeInteger'),
        "dcat-ap-3",
        True,
        None,
    ),
    (
        "media type outside IANA",
        _distribution_with("dcat:mediaType <http://example.org/csv>"),
        "dcat-ap-3",
        False,
        "dcat:mediaType",
    ),
    (
        "media type from IANA",
        _distribution_with("dcat:mediaType <https://www.iana.org/assignments/media-types/text/csv>"),
        "dcat-ap-3",
        True,
        None,
    ),
    (
        "availability outside the EU vocabulary",
        _distribution_with("dcatap:availability <http://data.europa.eu/r5r/stable>"),
        "dcat-ap-3",
        False,
        "dcatap:availability",
    ),
    (
        "status outside the EU vocabulary",
        _distribution_with("adms:status <http://purl.org/adms/status/Completed>"),
        "dcat-ap-3",
        False,
        "adms:status",
    ),
    (
        "checksum value not hexadecimal",
        _distribution_with(
            "spdx:checksum [ a spdx:Checksum ; spdx:algorithm spdx:checksumAlgorithm_sha1 ; "
            'spdx:checksumValue "not-hex"^^xsd:hexBinary ]'
        ),
        "dcat-ap-3",
        False,
        "spdx:checksumValue",
    ),
    (
        "agent without name",
        _dataset_with("dct:publisher <https://x/org>") + "<https://x/org> a foaf:Organization .",
        "dcat-ap-3",
        False,
        "foaf:name",
    ),
    (
        "catalogue without publisher",
        '<https://x/cat> a dcat:Catalog ; dct:title "c"@en ; dct:description "d"@en .',
        "dcat-ap-3",
        False,
        "dct:publisher",
    ),
    (
        "identifier without notation",
        _dataset_with("adms:identifier [ a adms:Identifier ]"),
        "dcat-ap-3",
        False,
        "skos:notation",
    ),
    (
        "data service without endpoint URL",
        '<https://x/api> a dcat:DataService ; dct:title "API"@en .',
        "dcat-ap-3",
        False,
        "dcat:endpointURL",
    ),
    (
        "series without description",
        '<https://x/s> a dcat:DatasetSeries ; dct:title "s"@en .',
        "dcat-ap-3",
        False,
        "dct:description",
    ),
    (
        "period with a start date typed as text",
        _dataset_with('dct:temporal [ a dct:PeriodOfTime ; dcat:startDate "2020-01-01"^^xsd:string ]'),
        "dcat-ap-3",
        False,
        "dcat:startDate",
    ),
    ("HVD dataset passes the hvd profile", HVD_DATASET, "hvd", True, None),
    (
        "HVD dataset without category, dcat-ap-3 profile",
        HVD_DATASET.replace(
            "dcatap:hvdCategory <http://data.europa.eu/bna/c_dd313021> ;\n    dcat:contactPoint",
            "dcat:contactPoint",
        ),
        "dcat-ap-3",
        True,
        None,
    ),
    (
        "HVD dataset without category, hvd profile",
        HVD_DATASET.replace(
            "dcatap:hvdCategory <http://data.europa.eu/bna/c_dd313021> ;\n    dcat:contactPoint",
            "dcat:contactPoint",
        ),
        "hvd",
        False,
        "dcatap:hvdCategory",
    ),
    (
        "HVD category outside the HVD scheme",
        HVD_DATASET.replace(
            "<http://data.europa.eu/bna/c_dd313021> ;\n    dcat:contactPoint",
            f"<{EU}data-theme/ENVI> ;\n    dcat:contactPoint",
        ),
        "hvd",
        False,
        "dcatap:hvdCategory",
    ),
    (
        "HVD distribution without the regulation",
        HVD_DATASET.replace(
            f"dct:license <{EU}licence/CC_BY_4_0> ;\n    dcatap:applicableLegislation <{HVD_ELI}> .",
            f"dct:license <{EU}licence/CC_BY_4_0> .",
        ),
        "hvd",
        False,
        "dcatap:applicableLegislation",
    ),
    (
        "HVD data service without documentation",
        HVD_DATASET.replace("foaf:page <https://x/api/docs> ;\n", ""),
        "hvd",
        False,
        "foaf:page",
    ),
    (
        "HVD dataset without an API",
        HVD_DATASET.replace("dcat:servesDataset <https://x/d/1> ;\n", ""),
        "hvd",
        False,
        "^dcat:servesDataset|dcat:distribution/dcat:accessService",
    ),
]


@pytest.mark.parametrize(
    ("turtle", "profile", "conforms", "path"), [c[1:] for c in CASES], ids=[c[0] for c in CASES]
)
def test_snippets(turtle: str, profile: str, conforms: bool, path: str | None) -> None:
    report = validate(graph(turtle), profile=profile)
    assert report.conforms is conforms, report.in_plain_words()
    if path is not None:
        assert path in {p.path for p in report.violations}, report.in_plain_words()
        assert any(path in p.message or path == p.path for p in report.violations)


def test_missing_title_in_plain_words() -> None:
    report = validate(graph('<https://x/d/1> a dcat:Dataset ; dct:description "d"@en .'))
    (problem,) = report.violations
    assert problem == Problem(
        severity="violation",
        focus="https://x/d/1",
        path="dct:title",
        value=None,
        message="the title (dct:title) is missing — every dataset needs a title.",
        subject="Dataset",
    )
    assert problem.in_plain_words() == (
        "Dataset <https://x/d/1>: the title (dct:title) is missing — every dataset needs a title."
    )


def test_report_in_plain_words_groups_by_resource() -> None:
    turtle = _distribution_with('dcat:byteSize "12.5"^^xsd:decimal').replace(
        'dct:title "Waste collection points"@en ;', ""
    )
    report = validate(graph(turtle))
    text = report.in_plain_words()
    assert "Dataset <https://x/d/1>" in text
    assert "dct:title" in text
    assert "Distribution <https://x/d/1/csv>" in text
    assert "dcat:byteSize" in text and '"12.5"^^xsd:decimal' in text
    lines = text.splitlines()
    assert lines[-1] == report.summary()
    assert re.fullmatch(r"2 violations, \d+ warnings", lines[-1])
    # every problem line sits under its resource's heading
    assert sum(1 for line in lines if line.startswith("Dataset <https://x/d/1>")) == 1


def test_report_properties_and_summary() -> None:
    report = validate(graph(MINIMAL))
    assert report.conforms
    assert report.violations == ()
    assert report.warnings and all(p.severity == "warning" for p in report.warnings)
    assert report.summary() == f"0 violations, {len(report.warnings)} warnings"
    assert report.in_plain_words().endswith(report.summary())
    assert isinstance(report, ValidationReport) and report.profile == "dcat-ap-3"


def test_warnings_explain_why() -> None:
    report = validate(graph(MINIMAL))
    publisher = next(p for p in report.warnings if p.path == "dct:publisher")
    assert "responsible" in publisher.message
    assert publisher.in_plain_words().startswith("Dataset <https://x/d/1>: no publisher (dct:publisher)")


def test_blank_node_is_located_by_its_parent() -> None:
    turtle = _dataset_with("dcat:distribution [ a dcat:Distribution ]")
    (problem,) = validate(graph(turtle)).violations
    assert problem.focus.startswith("_:")
    assert problem.where == "dcat:distribution of <https://x/d/1>"
    assert problem.in_plain_words().startswith(
        "Distribution [dcat:distribution of <https://x/d/1>]: the access URL"
    )


def test_value_is_shown() -> None:
    (problem,) = validate(graph(_distribution_with('dct:format "CSV"'))).violations
    assert problem.value == '"CSV"'
    assert problem.in_plain_words().endswith('Found: "CSV".')


def test_unknown_profile() -> None:
    with pytest.raises(ValueError, match="dcat-ap-2"):
        validate(graph(MINIMAL), profile="dcat-ap-2")


def test_profiles() -> None:
    assert PROFILES == ("dcat-ap-3", "hvd")


def test_input_graph_is_not_changed() -> None:
    data = graph(HVD_DATASET)
    before = set(data)
    validate(data, profile="hvd")
    assert set(data) == before


def test_shapes_are_parsed_once() -> None:
    assert shacl._shapes_graph("hvd") is shacl._shapes_graph("hvd")


@pytest.mark.parametrize("name", ["dcat-ap-3.ttl", "hvd.ttl"])
def test_every_shape_speaks_plain_english(name: str) -> None:
    shapes = Graph().parse(SHAPES_DIR / name, format="turtle")
    property_shapes = set(shapes.subjects(RDF.type, SH.PropertyShape))
    assert property_shapes
    for shape in property_shapes:
        names = list(shapes.objects(shape, SH.name))
        messages = list(shapes.objects(shape, SH.message))
        assert names and messages, shape
        assert all(m.language == "en" for m in messages), shape
    # a node shape that reports its own problems (sh:or / sh:node) also has a message
    for shape in set(shapes.subjects(RDF.type, SH.NodeShape)):
        if (shape, SH.severity, None) in shapes:
            assert (shape, SH.message, None) in shapes, shape


@pytest.mark.parametrize("profile", PROFILES)
def test_realistic_catalogue_conforms(profile: str) -> None:
    data = Graph().parse(data=municipal_catalogue(30, hvd=profile == "hvd"), format="turtle")
    report = validate(data, profile=profile)
    assert report.conforms, report.in_plain_words()


# --------------------------------------------------------------------------- conformance

needs_reference = pytest.mark.skipif(reference_dir() is None, reason="OPENINGUP_REFERENCE_DATA is not set")


def _unparseable_upstream(ref: Path) -> dict[str, str]:
    """Files SOURCES.md marks as upstream files that do not parse, with its note."""
    notes: dict[str, str] = {}
    sources = ref / "SOURCES.md"
    if not sources.is_file():
        return notes
    for line in sources.read_text(encoding="utf-8").splitlines():
        cells = [c.strip() for c in line.split("|")]
        if len(cells) < 3 or not cells[1].endswith(".ttl"):
            continue
        note = cells[-2]
        if "NOTE" in note and ("not parse" in note or "invalid" in note.lower()):
            notes[cells[1]] = note
    return notes


def _official_examples() -> list:
    ref = reference_dir()
    if ref is None:
        return [pytest.param(None, id="no-reference-data")]
    broken = _unparseable_upstream(ref)
    params = []
    for folder in ("dcat-ap/3.0.1/examples", "dcat-ap/3.0.0-hvd/examples"):
        for path in sorted((ref / folder).glob("*.ttl")):
            rel = f"{folder}/{path.name}"
            marks = [pytest.mark.skip(reason=f"SOURCES.md: {broken[rel]}")] if rel in broken else []
            params.append(pytest.param(rel, id=rel.removeprefix("dcat-ap/"), marks=marks))
    return params


@pytest.mark.conformance
@needs_reference
@pytest.mark.parametrize("rel", _official_examples())
def test_official_examples_accepted_by_official_shapes_are_accepted_by_ours(rel: str) -> None:
    ref = reference_dir()
    assert ref is not None
    data = Graph().parse(ref / rel, format="turtle")
    ours = validate(data)
    # Two official levels: mandatory + ranges + vocabularies, and the same without ranges.
    for ranges in (True, False):
        official_ok, _ = official_validate(data, ranges=ranges)
        if official_ok:
            assert ours.conforms, (
                f"official (ranges={ranges}) accepts, ours rejects:\n{ours.in_plain_words()}"
            )
    if "3.0.0-hvd" in rel:
        official_ok, _ = official_validate(data, hvd=True)
        if official_ok:
            ours_hvd = validate(data, profile="hvd")
            assert ours_hvd.conforms, ours_hvd.in_plain_words()


@pytest.mark.conformance
@needs_reference
def test_sources_md_notes_on_unparseable_examples_are_right() -> None:
    ref = reference_dir()
    assert ref is not None
    broken = _unparseable_upstream(ref)
    assert broken, "SOURCES.md lists no unparseable examples any more"
    for rel in broken:
        with pytest.raises(Exception, match=r"[Bb]ad syntax"):
            Graph().parse(ref / rel, format="turtle")


@pytest.mark.conformance
@needs_reference
def test_official_validate_accepts_a_known_good_example_and_rejects_a_broken_one() -> None:
    ref = reference_dir()
    assert ref is not None
    good = Graph().parse(ref / "dcat-ap/3.0.1/examples/example-bee-population.ttl", format="turtle")
    # The example references an undescribed publisher, which the range shapes reject (sh:class
    # foaf:Agent); at the mandatory + vocabulary level it is valid.
    ok, text = official_validate(good, ranges=False)
    assert ok, text
    ok, text = official_validate(good)
    assert not ok and "foaf:Agent" in text

    broken = Graph()
    for triple in good:
        if str(triple[1]) != "http://purl.org/dc/terms/title":
            broken.add(triple)
    ok, text = official_validate(broken, ranges=False)
    assert not ok
    assert "Violation" in text and "title" in text


@pytest.mark.conformance
@needs_reference
@pytest.mark.parametrize("hvd", [False, True], ids=["dcat-ap-3", "hvd"])
def test_realistic_catalogue_passes_the_official_shapes_in_time(hvd: bool) -> None:
    data = Graph().parse(data=municipal_catalogue(30, hvd=hvd), format="turtle")
    official_validate(data, hvd=hvd)  # warm the caches (vocabulary parsing)
    started = time.perf_counter()
    ok, text = official_validate(data, hvd=hvd)
    elapsed = time.perf_counter() - started
    assert ok, text
    assert elapsed < 10, f"official validation of 30 datasets took {elapsed:.1f} s"


@pytest.mark.conformance
@needs_reference
def test_official_hvd_shapes_reject_an_hvd_dataset_without_category() -> None:
    data = Graph().parse(data=municipal_catalogue(3, hvd=True), format="turtle")
    for triple in list(data.triples((None, None, None))):
        if str(triple[1]) == "http://data.europa.eu/r5r/hvdCategory":
            data.remove(triple)
    ok, text = official_validate(data, hvd=True)
    assert not ok and "hvdCategory" in text
    assert not validate(data, profile="hvd").conforms


# --------------------------------------------------------------------------- fixture data


def municipal_catalogue(n_datasets: int = 30, *, hvd: bool = False) -> str:
    """A realistic municipal catalogue that meets our shapes and the official ones.

    The official range shapes check ``sh:class`` of every referenced resource,
    so the catalogue types the EU licence, access right, place, media types,
    documents and legislation it points to.
    """
    base = "https://data.example-municipality.eu"
    themes = ["ENVI", "TRAN", "REGI", "GOVE", "SOCI"]
    formats = [("CSV", "text/csv"), ("JSON", "application/json"), ("GEOJSON", "application/geo+json")]
    datasets = ", ".join(f"<{base}/dataset/{i}>" for i in range(n_datasets))
    hvd_props = (
        f"dcatap:applicableLegislation <{HVD_ELI}> ;\n"
        "    dcatap:hvdCategory <http://data.europa.eu/bna/c_dd313021> ;"
        if hvd
        else ""
    )
    out = [
        PREFIXES,
        f"""
<{base}/catalogue> a dcat:Catalog ;
    dct:title "Open data of Example Municipality"@en ;
    dct:description "Datasets published by the municipality."@en ;
    dct:publisher <{base}/org> ;
    dct:language <{EU}language/ENG> ;
    dct:license <{EU}licence/CC_BY_4_0> ;
    dct:issued "2020-01-15"^^xsd:date ;
    dct:modified "2024-05-01T10:00:00Z"^^xsd:dateTime ;
    foaf:homepage <{base}/> ;
    dcat:themeTaxonomy <{EU}data-theme> ;
    dcat:service <{base}/api> ;
    dcat:dataset {datasets} .

<{base}/org> a foaf:Organization ;
    foaf:name "Example Municipality"@en .
<{base}/contact> a vcard:Organization ;
    vcard:fn "Open data desk"@en ;
    vcard:hasEmail <mailto:opendata@example-municipality.eu> .
<{base}/> a foaf:Document .
<{EU}licence/CC_BY_4_0> a dct:LicenseDocument ;
    skos:exactMatch <https://creativecommons.org/licenses/by/4.0/> .
<{EU}access-right/PUBLIC> a dct:RightsStatement .
<{EU}country/NLD> a dct:Location .
<{HVD_ELI}> a eli:LegalResource .
<{base}/api/openapi.json> a foaf:Document .
<{base}/api/docs> a foaf:Document .

<{base}/api> a dcat:DataService ;
    dct:title "Open data API"@en ;
    dct:description "Query every dataset of the catalogue."@en ;
    dcat:endpointURL <{base}/api/v1> ;
    dcat:endpointDescription <{base}/api/openapi.json> ;
    foaf:page <{base}/api/docs> ;
    dcat:contactPoint <{base}/contact> ;
    dct:publisher <{base}/org> ;
    dct:license <{EU}licence/CC_BY_4_0> ;
    {hvd_props}
    dcat:servesDataset {datasets} .
""",
    ]
    out.extend(
        f"<https://www.iana.org/assignments/media-types/{mt}> a dct:MediaType .\n" for _, mt in formats
    )
    for i in range(n_datasets):
        ds = f"{base}/dataset/{i}"
        distributions = []
        for j, (file_type, media_type) in enumerate(formats[: 1 + i % 3]):
            dist = f"{ds}/distribution/{j}"
            distributions.append(f"<{dist}>")
            hvd_dist = f"dcatap:applicableLegislation <{HVD_ELI}> ;" if hvd else ""
            out.append(f"""
<{dist}> a dcat:Distribution ;
    dct:title "Dataset {i} as {file_type}"@en ;
    dct:description "Full download in {file_type}."@en ;
    dcat:accessURL <{ds}/download.{file_type.lower()}> ;
    dcat:downloadURL <{ds}/download.{file_type.lower()}> ;
    dcat:accessService <{base}/api> ;
    dct:format <{EU}file-type/{file_type}> ;
    dcat:mediaType <https://www.iana.org/assignments/media-types/{media_type}> ;
    dct:license <{EU}licence/CC_BY_4_0> ;
    dcatap:availability <{EU}planned-availability/STABLE> ;
    adms:status <{EU}distribution-status/COMPLETED> ;
    {hvd_dist}
    dcat:byteSize "{1000 + 17 * i}"^^xsd:nonNegativeInteger ;
    dct:issued "2023-0{1 + j}-01"^^xsd:date ;
    dct:modified "2024-04-{10 + j}"^^xsd:date .
""")
        out.append(f"""
<{ds}> a dcat:Dataset ;
    dct:title "Dataset {i}"@en, "Datensatz {i}"@de ;
    dct:description "Municipal dataset number {i}."@en ;
    dct:identifier "{i}" ;
    dcat:keyword "municipality"@en, "open data"@en ;
    dcat:theme <{EU}data-theme/{themes[i % len(themes)]}> ;
    dct:publisher <{base}/org> ;
    dcat:contactPoint <{base}/contact> ;
    dct:language <{EU}language/ENG> ;
    dct:accrualPeriodicity <{EU}frequency/ANNUAL> ;
    dct:accessRights <{EU}access-right/PUBLIC> ;
    dct:spatial <{EU}country/NLD> ;
    dct:temporal [ a dct:PeriodOfTime ;
        dcat:startDate "2020-01-01"^^xsd:date ; dcat:endDate "2023-12-31"^^xsd:date ] ;
    dct:issued "2021"^^xsd:gYear ;
    dct:modified "2024-04-30T12:00:00+02:00"^^xsd:dateTime ;
    dcat:landingPage <{ds}/page> ;
    {hvd_props}
    dcat:distribution {", ".join(distributions)} .
<{ds}/page> a foaf:Document .
""")
    return "".join(out)
