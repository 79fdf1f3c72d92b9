"""The vocabulary data files and the registry that reads them (no database needed)."""

from __future__ import annotations

import json
from importlib import resources

import pytest

from openingup.vocabularies import registry
from openingup.vocabularies.registry import LANGUAGES, names, vocabulary

EU = "http://publications.europa.eu/resource/authority/"


@pytest.mark.parametrize("name", names())
def test_every_vocabulary_loads_with_all_labels(name: str) -> None:
    vocab = vocabulary(name)
    assert vocab.name == name
    assert len(vocab) > 0
    for concept in vocab:
        assert set(concept.labels) == set(LANGUAGES), concept.uri
        assert all(text.strip() == text and text for text in concept.labels.values()), concept.uri
        assert concept.code


@pytest.mark.parametrize("name", names())
def test_uris_and_codes_are_unique_and_in_the_namespace(name: str) -> None:
    vocab = vocabulary(name)
    uris = [concept.uri for concept in vocab]
    assert len({registry.normalise(uri) for uri in uris}) == len(uris)
    assert len({concept.code.casefold() for concept in vocab}) == len(uris)
    for concept in vocab:
        if not concept.extra.get("edp"):  # data.europa.eu licences have URIs of their own
            assert concept.uri.startswith(vocab.namespace), concept.uri
    assert vocab.namespace.startswith(vocab.scheme) or name in ("hvd-category", "publisher-type")
    assert not set(map(registry.normalise, vocab.deprecated)) & {registry.normalise(u) for u in uris}


def test_data_folder_holds_exactly_the_named_vocabularies() -> None:
    folder = resources.files("openingup.vocabularies").joinpath("data")
    files = sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".json"))
    assert files == sorted(f"{name}.json" for name in names())


def test_unknown_vocabulary_is_a_clear_key_error() -> None:
    with pytest.raises(KeyError, match="unknown vocabulary 'colours'"):
        vocabulary("colours")


def test_data_theme() -> None:
    themes = vocabulary("data-theme")
    assert len(themes) == 13
    transport = themes.get(EU + "data-theme/TRAN")
    assert transport is not None
    assert transport.label("nl") == "Vervoer"
    assert transport.label("en") == "Transport"
    assert themes.by_code("tran") is transport
    assert themes.get(EU + "data-theme/OP_DATPRO") is None


def test_lookup_ignores_scheme_trailing_slash_and_case() -> None:
    themes = vocabulary("data-theme")
    assert "https://publications.europa.eu/resource/authority/data-theme/ENVI/" in themes
    assert EU + "data-theme/NOPE" not in themes
    assert 42 not in themes
    media = vocabulary("media-type")
    for uri in (
        "https://www.iana.org/assignments/media-types/text/csv",
        "http://www.iana.org/assignments/media-types/text/csv",
        "https://www.iana.org/assignments/media-types/TEXT/CSV/",
    ):
        assert media.get(uri) is media.by_code("text/csv")


def test_label_falls_back_to_english_then_code() -> None:
    concept = registry.Concept(uri="x:1", code="ONE", labels={"en": "One", "nl": "Een"})
    assert concept.label("nl-BE") == "Een"
    assert concept.label("de") == "One"
    assert registry.Concept(uri="x:2", code="TWO", labels={}).label("fr") == "TWO"
    freq = vocabulary("frequency").by_code("ANNUAL")
    assert freq is not None
    assert freq.label("no") == freq.label("nb") == "årlig"


def test_choices_are_sorted_by_label() -> None:
    choices = vocabulary("data-theme").choices("fr")
    labels = [label for _, label in choices]
    assert labels[0] == "Agriculture, pêche, sylviculture et alimentation"
    assert labels.index("Économie et finances") < labels.index("Énergie") < labels.index("Environnement")
    assert all(uri.startswith(EU + "data-theme/") for uri, _ in choices)


def test_licences() -> None:
    licences = vocabulary("licence")
    cc_by = licences.by_code("CC_BY_4_0")
    assert cc_by is not None
    assert cc_by.extra["open"] is True
    assert cc_by.label("nb") == "Creative Commons Navngivelse 4.0 Internasjonal"
    assert licences.resolve("https://creativecommons.org/licenses/by/4.0") is cc_by
    for code in ("CC0", "ODC_BL", "EUPL_1_2", "NLOD", "DLDE_BY_2_0", "OGL_3_0"):
        found = licences.by_code(code)
        assert found is not None and found.extra["open"] is True, code
    for code in ("CC_BYNC_4_0", "CC_BYND_4_0", "CC_BYNCSA_4_0", "OGL_NC"):
        found = licences.by_code(code)
        assert found is not None and found.extra["open"] is False, code
    assert licences.by_code("NLOD").extra["edp"] is True  # type: ignore[union-attr]
    assert licences.is_deprecated(EU + "licence/CC_BY")
    assert licences.get(EU + "licence/CC_BY") is None


def test_file_types() -> None:
    csv = vocabulary("file-type").by_code("CSV")
    assert csv is not None
    assert csv.extra["machine_readable"] is True
    assert csv.extra["non_proprietary"] is True
    assert csv.extra["media_types"] == ["text/csv"]
    pdf = vocabulary("file-type").by_code("PDF")
    assert pdf is not None and pdf.extra["machine_readable"] is False
    every_media_type = vocabulary("media-type")
    for concept in vocabulary("file-type"):
        for media_type in concept.extra["media_types"]:
            assert every_media_type.by_code(media_type) is not None, (concept.code, media_type)


def test_file_type_helpers() -> None:
    csv_uri = EU + "file-type/CSV"
    assert registry.file_type_for_media_type("text/csv; charset=utf-8").uri == csv_uri  # type: ignore[union-attr]
    by_uri = registry.file_type_for_media_type("https://www.iana.org/assignments/media-types/text/csv")
    assert by_uri is not None and by_uri.code == "CSV"
    assert registry.file_type_for_media_type("application/x-zip-compressed").code == "ZIP"  # type: ignore[union-attr]
    assert registry.file_type_for_media_type("application/x-unknown") is None
    assert registry.media_type_for_file_type(csv_uri) == "text/csv"
    assert registry.media_type_for_file_type("GEOJSON") == "application/geo+json"
    assert registry.media_type_for_file_type(EU + "file-type/GDB") is None
    assert registry.file_type_for_extension(".CSV").code == "CSV"  # type: ignore[union-attr]
    assert registry.file_type_for_extension("xlsx").code == "XLSX"  # type: ignore[union-attr]
    assert registry.file_type_for_extension("exports/data.tar.gz").code == "TAR_GZ"  # type: ignore[union-attr]
    assert registry.file_type_for_extension("tar.gz").code == "TAR_GZ"  # type: ignore[union-attr]
    assert registry.file_type_for_extension("report.pdf").code == "PDF"  # type: ignore[union-attr]
    assert registry.file_type_for_extension("nothing") is None
    assert registry.media_type_uri("text/CSV") == "https://www.iana.org/assignments/media-types/text/csv"


def test_frequency_and_small_tables() -> None:
    annual = vocabulary("frequency").get(EU + "frequency/ANNUAL")
    assert annual is not None and annual.label("de") == "jährlich"
    assert {c.code for c in vocabulary("access-right")} == {"PUBLIC", "RESTRICTED", "NON_PUBLIC"}
    assert vocabulary("access-right").by_code("PUBLIC").label("sv") == "Publik"  # type: ignore[union-attr]
    availability = vocabulary("planned-availability")
    assert {c.code for c in availability} == {"TEMPORARY", "EXPERIMENTAL", "AVAILABLE", "STABLE"}
    stable = availability.resolve("http://data.europa.eu/r5r/availability/stable")
    assert stable is not None and stable.code == "STABLE"
    assert "http://data.europa.eu/r5r/availability/stable" not in availability  # legacy URI: resolve() only
    assert {c.code for c in vocabulary("distribution-status")} == {
        "COMPLETED",
        "DEPRECATED",
        "DEVELOP",
        "WITHDRAWN",
    }


def test_hvd_categories_keep_the_hierarchy() -> None:
    hvd = vocabulary("hvd-category")
    top = [c for c in hvd if c.extra["broader"] is None]
    assert sorted(c.label("en").lower() for c in top) == sorted(
        [
            "geospatial",
            "earth observation and environment",
            "meteorological",
            "statistics",
            "companies and company ownership",
            "mobility",
        ]
    )
    for concept in hvd:
        broader = concept.extra["broader"]
        assert broader is None or broader in hvd, concept.uri
    waterways = hvd.by_code("c_b151a0ba")
    assert waterways is not None and waterways.extra["broader"] == "http://data.europa.eu/bna/c_b79e35eb"


def test_languages() -> None:
    languages = vocabulary("language")
    for code in (
        "NLD",
        "ENG",
        "FRA",
        "DEU",
        "DAN",
        "SWE",
        "NOB",
        "NNO",
        "NOR",
        "ISL",
        "FRY",
        "LTZ",
        "GLE",
        "MLT",
    ):
        assert languages.by_code(code) is not None, code
    assert languages.by_code("NLD").extra["iso_639_1"] == "nl"  # type: ignore[union-attr]
    assert languages.by_code("ENG").label("nb") == "engelsk"  # type: ignore[union-attr]
    # Codes of the official table without labels here are still valid members.
    assert EU + "language/PON" in languages
    assert languages.get(EU + "language/PON") is None
    assert EU + "language/XXXX" not in languages


def test_label_across_vocabularies() -> None:
    assert registry.label(EU + "data-theme/TRAN", "nl") == "Vervoer"
    assert registry.label("https://www.iana.org/assignments/media-types/text/csv", "fr") == "text/csv"
    assert registry.label("http://data.europa.eu/bna/c_164e0bf5", "en") == "Meteorological"
    assert registry.label("http://example.org/nothing", "en") is None


def test_data_files_are_deterministic_json() -> None:
    folder = resources.files("openingup.vocabularies").joinpath("data")
    for name in names():
        text = folder.joinpath(f"{name}.json").read_text(encoding="utf-8")
        assert text == json.dumps(json.loads(text), ensure_ascii=False, indent=1, sort_keys=True) + "\n"
