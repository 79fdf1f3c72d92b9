"""National profiles: the demo catalogue written for DCAT-AP-NL, -NO, -DK and -SE passes that profile's
official checks (SHACL from ../shared/data; for SE, which has none, its RDForms bundle), plain DCAT-AP is
unchanged, and the feeds, twins and CLI take the profile.

The demo is loaded once for the module, inside a transaction rolled back at the end.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pyshacl
import pytest
import rdflib
from django.db import transaction
from django.test import override_settings
from rdflib import RDF, SH, XSD, Literal, URIRef
from rdflib.compare import isomorphic

from openingup.catalogue import rdf
from openingup.catalogue.demo.loader import load_demo
from openingup.catalogue.models import DataService, Dataset
from openingup.cli.main import main
from openingup.exchange import shacl
from openingup.exchange.dcat import profiles
from openingup.exchange.dcat.fields import DISTRIBUTION, P
from openingup.exchange.dcat.profiles import base
from tests.exchange.rdforms_check import check as rdforms_check

pytestmark = pytest.mark.django_db

NATIONAL = Path("dcat-ap/national")
SE_BUNDLE = NATIONAL / "se/rdforms/dcat-ap-se-3.0.1-bundle.json"
DCAT = rdflib.Namespace("http://www.w3.org/ns/dcat#")
DCT = rdflib.Namespace("http://purl.org/dc/terms/")
SKOS = rdflib.Namespace("http://www.w3.org/2004/02/skos/core#")
SPDX = rdflib.Namespace("http://spdx.org/rdf/terms#")
VCARD = rdflib.Namespace("http://www.w3.org/2006/vcard/ns#")


@pytest.fixture(scope="module")
def demo(
    django_db_setup: None, django_db_blocker: Any, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[dict[str, Any]]:
    media = tmp_path_factory.mktemp("demo-media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media):
        atomic = transaction.atomic()
        atomic.__enter__()
        try:
            yield load_demo()
        finally:
            transaction.set_rollback(True)
            atomic.__exit__(None, None, None)


def export(code: str | None) -> str:
    return "".join(rdf.catalogue_page("ttl", page=None, profile=profiles.get(code)))


def graph_of(code: str | None) -> rdflib.Graph:
    return rdflib.Graph().parse(data=export(code), format="turtle")


def shapes_dir(reference_data: Path, code: str) -> Path:
    return reference_data / NATIONAL / code / "shapes"


# --------------------------------------------------------------------------- the official checks


@pytest.mark.parametrize("code", ["nl", "no", "dk"])
def test_the_national_export_passes_the_national_shacl(demo: Any, reference_data: Path, code: str) -> None:
    report = shacl.validate(graph_of(code), profile=code, shapes_dir=shapes_dir(reference_data, code))
    assert report.conforms, report.in_plain_words()


@pytest.mark.parametrize("code", ["nl", "no", "dk"])
def test_plain_dcat_ap_does_not_pass_the_national_shacl(demo: Any, reference_data: Path, code: str) -> None:
    """The differences matter: without the profile, each national validator finds violations."""
    report = shacl.validate(graph_of(None), profile=code, shapes_dir=shapes_dir(reference_data, code))
    assert not report.conforms
    assert report.violations


def test_the_danish_export_also_passes_the_strict_shapes(demo: Any, reference_data: Path) -> None:
    strict = rdflib.Graph().parse(
        shapes_dir(reference_data, "dk") / "dcat-ap-dk_2.0.2_shacl_shapes-strict.ttl", format="turtle"
    )
    conforms, results, text = pyshacl.validate(graph_of("dk"), shacl_graph=strict, inference="none")
    violations = list(results.subjects(SH.resultSeverity, SH.Violation))
    assert conforms or not violations, text


def test_the_swedish_export_meets_the_rdforms_bundle(demo: Any, reference_data: Path) -> None:
    bundle = json.loads((reference_data / SE_BUNDLE).read_text(encoding="utf-8"))
    assert rdforms_check(graph_of("se"), bundle) == []
    plain = rdforms_check(graph_of(None), bundle)
    assert any("dcterms:format" in p for p in plain) and any("rdf:type" in p for p in plain)


# --------------------------------------------------------------------------- what each profile changes


def test_plain_export_is_unchanged_by_the_profile_machinery(demo: Any) -> None:
    plain = export(None)
    assert plain == export("")
    graph = rdflib.Graph().parse(data=plain, format="turtle")
    assert not list(graph.subject_objects(DCAT.first))
    assert not list(graph.subjects(RDF.type, VCARD.Organization))
    assert all(o.datatype == XSD.nonNegativeInteger for o in graph.objects(None, DCAT.byteSize))
    assert list(graph.objects(None, SPDX.checksum))


def test_nl_fills_identifier_creator_and_catalogue_contact(demo: Any) -> None:
    graph = graph_of("nl")
    for dataset in graph.subjects(RDF.type, DCAT.Dataset):
        assert graph.value(dataset, DCT.identifier) == Literal(str(dataset))
        assert graph.value(dataset, DCT.creator) == graph.value(dataset, DCT.publisher)
    catalogue = next(graph.subjects(RDF.type, DCAT.Catalog))
    contact = graph.value(catalogue, DCAT.contactPoint)
    assert contact is not None and graph.value(contact, VCARD.fn) is not None


def test_no_writes_iris_decimals_series_ends_and_schemes(demo: Any) -> None:
    graph = graph_of("no")
    assert all(isinstance(o, URIRef) for o in graph.objects(None, DCT.spatial))
    assert all(o.datatype == XSD.decimal for o in graph.objects(None, DCAT.byteSize))
    assert not list(graph.objects(None, SPDX.checksum))
    series = list(graph.subjects(RDF.type, DCAT.DatasetSeries))
    assert series and all((s, DCAT.first, None) in graph and (s, DCAT.last, None) in graph for s in series)
    for s in series:
        assert (graph.value(s, DCAT.first), DCAT.inSeries, s) in graph
    public = URIRef("http://publications.europa.eu/resource/authority/access-right/PUBLIC")
    assert graph.value(public, SKOS.inScheme) == URIRef(
        "http://publications.europa.eu/resource/authority/access-right"
    )
    directive = URIRef("http://data.europa.eu/eli/dir/2008/50/oj")
    assert str(graph.value(directive, DCT.title)) == "Directive 2008/50"
    assert (None, RDF.type, VCARD.Organization) in graph


def test_dk_maps_languages_and_availability(demo: Any) -> None:
    graph = graph_of("dk")
    languages = {str(o) for o in graph.objects(None, DCT.language)}
    dk_language = "http://publications.europa.eu/resource/dataset/language/"
    assert languages and all(lang.startswith(dk_language) for lang in languages)
    availability = {str(o) for o in graph.objects(None, URIRef("http://data.europa.eu/r5r/availability"))}
    assert availability == {"http://data.europa.eu/r5r/availability/stable"}
    for theme in set(graph.objects(None, DCAT.theme)):
        assert graph.value(theme, SKOS.prefLabel) is not None


def test_se_writes_media_types_and_creative_commons(demo: Any) -> None:
    graph = graph_of("se")
    distributions = set(graph.subjects(RDF.type, DCAT.Distribution))
    formats = {o for d in distributions for o in graph.objects(d, DCT["format"])}
    assert Literal("text/csv") in formats and all(isinstance(f, Literal) for f in formats)
    licences = {str(o) for o in graph.objects(None, DCT.license)}
    assert licences and all(lic.startswith("http://creativecommons.org/") for lic in licences)
    for contact in set(graph.objects(None, DCAT.contactPoint)):
        assert list(graph.objects(contact, RDF.type)) == [VCARD.Organization]


# --------------------------------------------------------------------------- the web and the CLI


@pytest.mark.parametrize("code", ["nl", "no", "dk", "se"])
def test_the_feed_takes_the_profile_and_names_it(demo: Any, client: Any, settings: Any, code: str) -> None:
    settings.CATALOGUE_PAGE_SIZE = 10
    response = client.get(f"/catalog.ttl?profile={code}")
    assert response.status_code == 200
    profile = profiles.get(code)
    assert profile is not None
    assert response["Content-Profile"] == f"<{profile.uri}>"
    assert response["Link"] == f'<{profile.uri}>; rel="profile"'
    graph = rdflib.Graph().parse(data=b"".join(response.streaming_content), format="turtle")
    following = next(graph.objects(None, URIRef("http://www.w3.org/ns/hydra/core#next")), None)
    assert following is not None and f"profile={code}" in str(following)


@pytest.mark.parametrize("url", ["/catalog.ttl?profile=xx", "/datasets/{slug}.ttl?profile=fi"])
def test_an_unknown_profile_is_a_clear_400(demo: Any, client: Any, url: str) -> None:
    slug = Dataset.objects.first().slug  # type: ignore[union-attr]
    response = client.get(url.format(slug=slug))
    assert response.status_code == 400
    text = response.content.decode()
    assert "unknown profile" in text and "nl, no, dk, se" in text


def test_the_dataset_and_service_twins_take_the_profile(demo: Any, client: Any) -> None:
    dataset = Dataset.objects.filter(distributions__byte_size__isnull=False).first()
    assert dataset is not None
    response = client.get(f"/datasets/{dataset.slug}.ttl?profile=no")
    assert response.status_code == 200
    assert response["Content-Profile"] == "<https://data.norge.no/specification/dcat-ap-no>"
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert all(o.datatype == XSD.decimal for o in graph.objects(None, DCAT.byteSize))
    plain = client.get(f"/datasets/{dataset.slug}.ttl")
    assert "Content-Profile" not in plain and b"xsd:nonNegativeInteger" in plain.content
    assert client.get(f"/datasets/{dataset.slug}.json?profile=nl").status_code == 400
    service = DataService.objects.get()
    response = client.get(f"/data-services/{service.slug}.ttl?profile=nl")
    assert response.status_code == 200
    graph = rdflib.Graph().parse(data=response.content, format="turtle")
    assert graph.value(next(graph.subjects(RDF.type, DCAT.DataService)), DCT.identifier) is not None


def test_the_cli_exports_and_validates_a_profile(
    demo: Any, reference_data: Path, tmp_path: Path, capsys: Any
) -> None:
    out = tmp_path / "nl.ttl"
    nl_shapes = ["--shapes", str(shapes_dir(reference_data, "nl"))]
    assert main(["export", "--profile", "nl", "--out", str(out)]) == 0
    assert main(["validate", "--profile", "nl", *nl_shapes, str(out)]) == 0
    assert "0 violations" in capsys.readouterr().out
    plain = tmp_path / "plain.ttl"
    assert main(["export", "--out", str(plain)]) == 0
    assert main(["validate", "--profile", "nl", *nl_shapes, str(plain)]) == 1
    assert main(["validate", "--profile", "nl", str(out)]) == 2
    assert "needs the folder" in capsys.readouterr().err
    assert main(["validate", "--profile", "se", "--shapes", str(tmp_path), str(out)]) == 2
    assert "publishes no SHACL" in capsys.readouterr().err
    assert main(["validate", "--profile", "no", "--shapes", str(tmp_path), str(out)]) == 2
    assert "DCAT-AP-NO-shacl_shapes_2.00.ttl" in capsys.readouterr().err
    assert main(["validate", "--profile", "hvd", *nl_shapes, str(out)]) == 2
    assert "--shapes is for the national profiles" in capsys.readouterr().err


# --------------------------------------------------------------------------- the pieces


def test_accept_profile_chooses_a_profile(demo: Any, client: Any) -> None:
    dataset = Dataset.objects.first()
    assert dataset is not None
    header = "<https://example.org/other>, <https://data.gov.dk/model/profile/dcat-ap-dk-2.0.2/>;q=0.5"
    response = client.get(f"/datasets/{dataset.slug}.ttl", HTTP_ACCEPT_PROFILE=header)
    assert response["Content-Profile"] == "<https://data.gov.dk/model/profile/dcat-ap-dk-2.0.2/>"
    assert "Accept-Profile" in response["Vary"]
    response = client.get("/catalog.ttl", HTTP_ACCEPT_PROFILE="<https://example.org/other>")
    assert response.status_code == 200 and "Content-Profile" not in response
    assert "Accept-Profile" in response["Vary"]


def test_accept_profile_ranks_by_quality() -> None:
    nl, no = profiles.PROFILES["nl"].uri, profiles.PROFILES["no"].uri
    assert profiles.from_accept_profile(f"<{nl}>;q=0.2, <{no}>;q=0.8") is profiles.PROFILES["no"]
    assert profiles.from_accept_profile(f"<{nl}>, <{no}>") is profiles.PROFILES["nl"]
    assert profiles.from_accept_profile(f"<{nl}>;q=0") is None
    assert profiles.from_accept_profile("") is None


def test_the_registry() -> None:
    assert profiles.CODES == ("nl", "no", "dk", "se")
    assert profiles.get(None) is None and profiles.get("") is None
    assert profiles.get("NL") is profiles.PROFILES["nl"]
    with pytest.raises(profiles.UnknownProfile, match="known profiles are nl, no, dk, se"):
        profiles.get("fi")


def test_a_profile_row_replaces_or_extends_the_table() -> None:
    profile = base.Profile(
        code="x",
        title="X",
        uri="https://example.org/x",
        rows={"distribution": (P("byte_size", "dcat:byteSize", "decimal"), P("first", "dcat:first", "iri"))},
    )
    table = profile.table("distribution", DISTRIBUTION)
    assert len(table) == len(DISTRIBUTION) + 1
    assert next(p for p in table if p.name == "byte_size").kind == "decimal"
    assert profile.table("dataset", DISTRIBUTION) is DISTRIBUTION


@pytest.mark.parametrize(
    ("iri", "title"),
    [
        ("http://data.europa.eu/eli/dir/2008/50/oj", "Directive 2008/50"),
        ("http://data.europa.eu/eli/reg_impl/2023/138/oj", "Implementing Regulation 2023/138"),
        ("https://www.rfc-editor.org/rfc/rfc4180", "RFC 4180"),
        ("https://spec.openapis.org/oas/v3.1.0", "OpenAPI Specification 3.1.0"),
        ("http://data.europa.eu/eli/xyz/2008/50/oj", None),
        ("https://example.org/standard", None),
    ],
)
def test_standard_titles_come_only_from_well_known_identifiers(iri: str, title: str | None) -> None:
    assert base.standard_title(iri) == title


def test_record_rules_leave_given_values_alone() -> None:
    record = {"uri": "https://x/d", "identifier": ["ABC"], "creator": {"uri": "https://x/c"}, "publisher": {}}
    assert base.identifier_from_uri("dataset")("dataset", record)["identifier"] == ["ABC"]
    assert base.creator_from_publisher("dataset")("dataset", record)["creator"] == {"uri": "https://x/c"}
    spatial = [{"uri": "https://geo/1"}, {"bbox": "P"}]
    named = base.named_locations("dataset", {"uri": "https://x/d", "spatial": spatial})
    assert [item["uri"] for item in named["spatial"]] == ["https://geo/1", "https://x/d#location-2"]
    unreachable = {"publisher": {"name": {"en": "A"}}}
    assert "contact_points" not in base.contact_point_from_publisher("catalogue")("catalogue", unreachable)


def test_the_feeds_page_lists_the_profiles(demo: Any, client: Any) -> None:
    response = client.get("/catalog", HTTP_ACCEPT="text/html")
    assert response.status_code == 200
    page = response.content.decode()
    for profile in profiles.PROFILES.values():
        assert profile.title in page and f"/catalog.ttl?profile={profile.code}" in page


@pytest.mark.parametrize("code", ["nl", "no", "dk"])
def test_every_dataset_twin_passes_the_national_shacl(
    demo: Any, client: Any, reference_data: Path, code: str
) -> None:
    """A twin holds the dataset, its distributions and the services serving it, not the other catalogue
    resources it links to: the NO shapes check the class of every dcat:inSeries value (a
    dcat:DatasetSeries) and NO and DK that of every dcat:servesDataset value (a dcat:Dataset), which only
    the whole catalogue can satisfy. Those results, about resources the twin does not describe, and
    only those, are allowed."""
    for dataset in Dataset.objects.all():
        response = client.get(f"/datasets/{dataset.slug}.ttl?profile={code}")
        graph = rdflib.Graph().parse(data=response.content, format="turtle")
        report = shacl.validate(graph, profile=code, shapes_dir=shapes_dir(reference_data, code))
        others = [
            p
            for p in report.violations
            if not (
                p.path in ("dcat:servesDataset", "dcat:inSeries")
                and p.value
                and (URIRef(p.value.strip("<>")), None, None) not in graph
            )
        ]
        assert not others, (dataset.slug, report.in_plain_words())
        if code == "nl":
            assert report.conforms, (dataset.slug, report.in_plain_words())


@pytest.mark.parametrize(("fmt", "parser"), [("rdf", "xml"), ("jsonld", "json-ld")])
@pytest.mark.parametrize("code", ["no", "se"])
def test_every_format_carries_the_profile(demo: Any, fmt: str, parser: str, code: str) -> None:
    profile = profiles.get(code)
    turtle = rdflib.Graph().parse(data=export(code), format="turtle")
    other = "".join(rdf.catalogue_page(fmt, page=None, profile=profile))
    assert isomorphic(turtle, rdflib.Graph().parse(data=other, format=parser))
