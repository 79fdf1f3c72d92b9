"""Importing DCAT-AP: real catalogue exports, and hostile input that must change nothing."""

from __future__ import annotations

from pathlib import Path

import pytest

from openingup.catalogue.importer import import_rdf
from openingup.catalogue.models import Dataset, Distribution
from openingup.exchange.dcat.parser import RdfError, guess_format, parse

pytestmark = pytest.mark.django_db

GOOD_TTL = b"""
@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
@prefix foaf: <http://xmlns.com/foaf/0.1/> .
<https://neighbour.test/ds/1> a dcat:Dataset ; dct:title "Fietstellingen"@nl, "Bicycle counts"@en ;
  dct:description "Tellingen"@nl ; dct:publisher <https://neighbour.test/org> ;
  dcat:distribution <https://neighbour.test/dist/1> .
<https://neighbour.test/org> a foaf:Agent ; foaf:name "Buurgemeente"@nl .
<https://neighbour.test/dist/1> a dcat:Distribution ; dcat:accessURL <https://neighbour.test/f.csv> .
<https://neighbour.test/ds/2> a dcat:Dataset ; dct:description "no title here"@en .
"""


def test_import_creates_updates_and_reports_per_dataset() -> None:
    report = import_rdf(actor=None, data=GOOD_TTL, fmt="ttl")
    assert report.created == ["https://neighbour.test/ds/1"]
    assert [uri for uri, _ in report.failed] == ["https://neighbour.test/ds/2"]
    assert "title" in report.failed[0][1]
    dataset = Dataset.objects.get(uri="https://neighbour.test/ds/1")
    assert dataset.title == {"nl": "Fietstellingen", "en": "Bicycle counts"}
    assert dataset.publisher is not None and dataset.publisher.uri == "https://neighbour.test/org"
    assert dataset.distributions.get().access_url == ["https://neighbour.test/f.csv"]
    again = import_rdf(actor=None, data=GOOD_TTL, fmt="ttl")
    assert again.updated == ["https://neighbour.test/ds/1"]
    assert Dataset.objects.filter(uri="https://neighbour.test/ds/1").count() == 1
    assert Distribution.objects.filter(dataset=dataset).count() == 1


XXE = b"""<?xml version="1.0"?>
<!DOCTYPE rdf:RDF [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/"
  xmlns:dcat="http://www.w3.org/ns/dcat#">
  <dcat:Dataset rdf:about="https://evil.test/ds"><dct:title>&xxe;</dct:title></dcat:Dataset>
</rdf:RDF>"""
LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
<!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>
<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" xmlns:dct="http://purl.org/dc/terms/"
  xmlns:dcat="http://www.w3.org/ns/dcat#">
  <dcat:Dataset rdf:about="https://evil.test/ds"><dct:title>&lol3;</dct:title></dcat:Dataset>
</rdf:RDF>"""


@pytest.mark.parametrize(
    ("data", "fmt", "message"),
    [
        (
            b"@prefix dct: <http://purl.org/dc/terms/> .\n<a> dct:title 'x' ;;; .",
            "ttl",
            "could not be parsed",
        ),
        (XXE, "rdf", "document type declarations"),
        (LAUGHS, "rdf", "document type declarations"),
        (b"<rdf:RDF", "rdf", "not well-formed"),
        (b'{"@context": "https://evil.test/ctx.jsonld", "@id": "x"}', "jsonld", "remote context"),
        (b"{not json", "jsonld", "not valid JSON"),
        (b"", "nt", "unknown RDF format"),
        ('<https://x.test/d> <http://purl.org/dc/terms/title> "Caf\xe9" .'.encode("latin-1"), "ttl", "UTF-8"),
        (
            '{"@id": "https://x.test/d", "http://purl.org/dc/terms/title": "Caf\xe9"}'.encode("cp1252"),
            "jsonld",
            "UTF-8",
        ),
    ],
)
def test_hostile_documents_are_refused_and_change_nothing(data: bytes, fmt: str, message: str) -> None:
    import_rdf(actor=None, data=GOOD_TTL, fmt="ttl")
    before = list(Dataset.objects.values_list("uri", "title", "updated_at"))
    with pytest.raises(RdfError, match=message):
        import_rdf(actor=None, data=data, fmt=fmt)
    assert list(Dataset.objects.values_list("uri", "title", "updated_at")) == before


def test_rdf_xml_in_a_declared_legacy_encoding_is_read() -> None:
    data = (
        '<?xml version="1.0" encoding="ISO-8859-1"?><rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#"'
        ' xmlns:dcat="http://www.w3.org/ns/dcat#" xmlns:dct="http://purl.org/dc/terms/">'
        '<dcat:Dataset rdf:about="https://x.test/d">'
        '<dct:title xml:lang="fr">Caf\xe9s</dct:title></dcat:Dataset></rdf:RDF>'
    ).encode("latin-1")
    assert parse(data, "rdf").datasets[0]["title"] == {"fr": "Caf\xe9s"}
    with pytest.raises(RdfError, match="UTF-8"):
        parse(data.replace(b' encoding="ISO-8859-1"', b""), "rdf")


def test_format_is_guessed_from_name_type_and_bytes() -> None:
    assert guess_format(b"", "x.ttl") == "ttl"
    assert guess_format(b"", "", "application/rdf+xml; charset=utf-8") == "rdf"
    assert guess_format(b"  <?xml") == "rdf"
    assert guess_format(b'[{"@id": 1}]') == "jsonld"
    assert guess_format(b"@prefix") == "ttl"


def test_text_codes_are_mapped_to_vocabulary_iris() -> None:
    data = b"""@prefix dcat: <http://www.w3.org/ns/dcat#> . @prefix dct: <http://purl.org/dc/terms/> .
    <https://x.test/d> a dcat:Dataset ; dct:title "t" ; dct:language "es" ; dcat:theme "TRAN" ;
      dcat:distribution <https://x.test/d/1> .
    <https://x.test/d/1> dcat:accessURL <https://x.test/f> ; dct:format "CSV" ; dcat:mediaType "text/csv" .
    """
    record = parse(data, "ttl").datasets[0]
    assert record["language"] == ["http://publications.europa.eu/resource/authority/language/SPA"]
    assert record["themes"] == ["http://publications.europa.eu/resource/authority/data-theme/TRAN"]
    dist = record["distributions"][0]
    assert dist["format"] == "http://publications.europa.eu/resource/authority/file-type/CSV"
    assert dist["media_type"] == "https://www.iana.org/assignments/media-types/text/csv"


@pytest.mark.conformance
def test_every_real_catalogue_export_imports_or_says_why(reference_data: Path) -> None:
    folder = reference_data / "catalogues" / "dcat"
    files = sorted(folder.iterdir())
    assert files
    for path in files:
        data = path.read_bytes()
        fmt = guess_format(data, path.name)
        try:
            expected = len(parse(data, fmt).datasets)
        except RdfError as exc:
            assert str(exc), path.name  # unreadable files get a reason, and nothing is written
            continue
        report = import_rdf(actor=None, data=data, fmt=fmt)
        assert report.total == expected, path.name
        assert not report.failed or all(reason for _, reason in report.failed), path.name
        for uri in report.created + report.updated:
            dataset = Dataset.objects.get(uri=uri)
            assert dataset.title, uri
    assert Dataset.objects.count() >= 7
