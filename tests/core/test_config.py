"""Every setting is documented, and the reference page is generated from the settings table."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from openingup import config

ROOT = Path(__file__).resolve().parents[2]


def test_configuration_page_is_up_to_date() -> None:
    page = (ROOT / "docs" / "configuration.md").read_text(encoding="utf-8")
    assert page == config.as_markdown(), "run `openingup config --markdown > docs/configuration.md`"


def test_every_environment_variable_read_in_the_code_is_in_the_table() -> None:
    names = {s.name for s in config.SETTINGS}
    used: set[str] = set()
    for path in (ROOT / "src" / "openingup").rglob("*.py"):
        used |= set(
            re.findall(r"""(?:config\.get\w*|environ(?:\.get)?)\(\s*["']([A-Z_]+)["']""", path.read_text())
        )
    assert used - names <= {"DJANGO_SETTINGS_MODULE"}, used - names


def test_every_setting_has_help_and_typed_readers_fail_clearly(monkeypatch: pytest.MonkeyPatch) -> None:
    assert all(s.help.strip() for s in config.SETTINGS)
    monkeypatch.setenv("OPENINGUP_MAX_UPLOAD_MB", "lots")
    with pytest.raises(ValueError, match="OPENINGUP_MAX_UPLOAD_MB must be a whole number"):
        config.get_int("OPENINGUP_MAX_UPLOAD_MB")
    monkeypatch.setenv("OPENINGUP_LANGUAGES", " nl, en ,,")
    assert config.get_list("OPENINGUP_LANGUAGES") == ["nl", "en"]
