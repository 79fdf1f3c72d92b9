"""Translations: every UI string is translated in every language, the .mo files match their .po files,
and pages follow the visitor's language."""

from __future__ import annotations

import ast
import gettext
import shutil
from pathlib import Path
from typing import Any

import pytest
from django.conf import settings
from django.core.management import call_command

import openingup

LOCALE = Path(openingup.__file__).parent / "locale"
PACKAGE = Path(openingup.__file__).parent
LANGUAGES = ["nl", "fr", "de", "da", "sv", "nb"]


def parse_po(path: Path) -> tuple[dict[Any, str], list[str]]:
    """The catalogue of a .po file as ``gettext.GNUTranslations`` keys it, and the fuzzy msgids.

    Singular: ``msgid`` → text; plural: ``(msgid, n)`` → text; a context is ``ctxt + "\\x04" + msgid``.
    """
    catalog: dict[Any, str] = {}
    fuzzy: list[str] = []
    entry: dict[str, Any] = {}
    current = ""

    def finish() -> None:
        if "msgid" not in entry:
            return
        key = entry["msgid"] if "msgctxt" not in entry else f"{entry['msgctxt']}\x04{entry['msgid']}"
        if entry.get("fuzzy"):
            fuzzy.append(entry["msgid"])
        if "msgid_plural" in entry:
            for n, text in entry["msgstr"].items():
                catalog[(key, n)] = text
        else:
            catalog[key] = entry["msgstr"][0]

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        line = line.strip()
        if not line:
            finish()
            entry, current = {}, ""
        elif line.startswith("#,"):
            entry["fuzzy"] = "fuzzy" in line
        elif line.startswith("#"):
            continue
        elif line.startswith('"'):
            value = ast.literal_eval(line)
            if current.startswith("msgstr"):
                entry["msgstr"][int(current[7:-1]) if "[" in current else 0] += value
            else:
                entry[current] += value
        else:
            keyword, _space, literal = line.partition(" ")
            current = keyword
            if keyword.startswith("msgstr"):
                entry.setdefault("msgstr", {})[int(keyword[7:-1]) if "[" in keyword else 0] = (
                    ast.literal_eval(literal)
                )
            else:
                entry[keyword] = ast.literal_eval(literal)
    return catalog, fuzzy


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_string_is_translated(lang: str) -> None:
    catalog, fuzzy = parse_po(LOCALE / lang / "LC_MESSAGES" / "django.po")

    assert len(catalog) > 100
    assert fuzzy == [], f"{lang}: fuzzy entries {fuzzy}"
    empty = [key for key, text in catalog.items() if key != "" and not text]
    assert empty == [], f"{lang}: untranslated {empty}"
    header = catalog[""]
    assert f"Language: {lang}\n" in header and "charset=UTF-8" in header


@pytest.mark.parametrize("lang", LANGUAGES)
def test_each_mo_is_compiled_from_its_po(lang: str) -> None:
    folder = LOCALE / lang / "LC_MESSAGES"
    expected, _fuzzy = parse_po(folder / "django.po")

    with (folder / "django.mo").open("rb") as mo:
        compiled = gettext.GNUTranslations(mo)._catalog  # type: ignore[attr-defined]

    assert compiled == expected, f"{folder / 'django.mo'} is stale: run msgfmt -o django.mo django.po"


def test_every_ui_string_is_in_the_catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """makemessages over every context and shell finds no message the committed catalogues lack."""
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (GNU gettext) is not installed")
    copy = tmp_path / "openingup"
    shutil.copytree(
        PACKAGE, copy, ignore=shutil.ignore_patterns("__pycache__", "locale", "migrations", "static", "data")
    )
    monkeypatch.chdir(copy)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [tmp_path / "locale"])
    call_command("makemessages", locale=["nl"], no_location=True, verbosity=0)

    found, _fuzzy = parse_po(tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po")
    committed, _fuzzy = parse_po(LOCALE / "nl" / "LC_MESSAGES" / "django.po")
    missing = sorted(str(key) for key in set(found) - set(committed))
    assert missing == [], f"strings missing from the catalogues: {missing}"


@pytest.mark.django_db
def test_the_home_page_speaks_dutch_to_dutch_browsers(client: Any) -> None:
    page = client.get("/", headers={"accept-language": "nl-NL,nl;q=0.9,en;q=0.5"}).content.decode()

    assert '<html lang="nl">' in page
    assert "Nieuwste datasets" in page and "Datasets zoeken" in page and "Naar de hoofdinhoud" in page


@pytest.mark.django_db
def test_the_language_cookie_wins(client: Any) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "de"

    page = client.get("/datasets/", headers={"accept-language": "nl"}).content.decode()

    assert '<html lang="de">' in page and "Datensätze durchsuchen" in page


@pytest.mark.django_db
def test_the_language_switcher_sets_the_language(client: Any) -> None:
    response = client.post("/i18n/setlang/", {"language": "sv", "next": "/organisations/"})

    assert response.status_code == 302 and response["Location"] == "/organisations/"
    page = client.get("/organisations/").content.decode()
    assert '<html lang="sv">' in page and "Organisationer" in page
    assert '<option value="sv" lang="sv" selected>Svenska</option>' in page


@pytest.mark.django_db
@pytest.mark.parametrize(("lang", "label"), [("fr", "Environnement"), ("nb", "Miljø"), ("da", "Miljø")])
def test_vocabulary_labels_follow_the_language(client: Any, dataset: Any, lang: str, label: str) -> None:
    page = client.get("/datasets/", headers={"accept-language": lang}).content.decode()

    assert f">{label}</a>" in page
