"""Every UI string of the quality context is in the committed catalogues (as the web shell's test does)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

import openingup
from tests.web.test_i18n import LOCALE, parse_po

QUALITY = Path(openingup.__file__).parent / "quality"


def test_every_quality_string_is_in_the_catalogues(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    if shutil.which("xgettext") is None:
        pytest.skip("xgettext (GNU gettext) is not installed")
    copy = tmp_path / "quality"
    shutil.copytree(QUALITY, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.chdir(copy)
    monkeypatch.setattr(settings, "LOCALE_PATHS", [tmp_path / "locale"])
    call_command("makemessages", locale=["nl"], no_location=True, verbosity=0)

    found, _fuzzy = parse_po(tmp_path / "locale" / "nl" / "LC_MESSAGES" / "django.po")
    committed, _fuzzy = parse_po(LOCALE / "nl" / "LC_MESSAGES" / "django.po")
    assert len(found) > 50  # the indicator table, reasons, HVD requirements (pages: the web shell test)
    missing = sorted(str(key) for key in set(found) - set(committed))
    assert missing == [], f"strings missing from the catalogues: {missing}"
