"""The tiny test instrument (every question type), an organisation and its people in each role."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from openingup.organisations.models import Membership, Organisation
from openingup.readiness import instruments

TESTS_INSTRUMENTS = Path(__file__).parent / "instruments"
TINY = TESTS_INSTRUMENTS / "tiny" / "1.0.json"

# Answers to every question of the tiny instrument, and the scores they give, computed by hand:
#   r1 = 100 × (0.5·1 + 1.0·2 + 0.75·1) / 4 = 81.25      (single b, multiple y+z capped, scale 4 of 1..5)
#   r2 = 100 × (0.3 + 0.75) / 2 = 52.5                   (yes/no n/a left out, 30 of 0..100, 12 h of 48..0)
#   d1 = (81.25·1 + 52.5·3) / 4 = 59.6875; r3 = d2 = 50 (document yes, Open311 no)
#   m1 = (59.6875 + 50) / 2 = 54.84375; r4 = d3 = m2 = 100 × (1.0 + 0.5) / 2 = 75
#   overall = (54.84375·2 + 75·1) / 3 = 61.5625 → "mid" (40 ≤ 61.6 < 75); m2 = 75 → "high"
TINY_ANSWERS: dict[str, Any] = {
    "q-single": {"value": "b"},
    "q-multiple": {"value": ["y", "z"]},
    "q-scale": {"value": 4},
    "q-yesno": {"na": True},
    "q-number": {"value": 30},
    "q-hours": {"value": 12},
    "q-evidence": {"value": True},
    "q-open311": {"value": False},
    "q-licence": {"value": "most"},
    "q-quality": {"value": 5},
}
TINY_OVERALL = 61.5625


@pytest.fixture(autouse=True)
def tiny_instruments() -> Iterator[Path]:
    """The tests' own instruments are found next to the shipped ones while a test runs."""
    instruments.SEARCH_PATH.append(TESTS_INSTRUMENTS)
    instruments.clear_cache()
    yield TESTS_INSTRUMENTS
    instruments.SEARCH_PATH.remove(TESTS_INSTRUMENTS)
    instruments.clear_cache()


@pytest.fixture
def extra_instruments(tmp_path: Path) -> Iterator[Path]:
    """A folder for instruments a test writes (e.g. a new version of tiny); searched after the others."""
    folder = tmp_path / "instruments"
    folder.mkdir()
    instruments.SEARCH_PATH.append(folder)
    instruments.clear_cache()
    yield folder
    instruments.SEARCH_PATH.remove(folder)
    instruments.clear_cache()


def tiny_data() -> dict[str, Any]:
    return json.loads(TINY.read_text(encoding="utf-8"))


@pytest.fixture
def org(db: None) -> Organisation:
    return Organisation.objects.create(slug="noord", kind="municipality", name={"en": "North Town"})


def _member(django_user_model: Any, org: Organisation, name: str, role: str) -> Any:
    person = django_user_model.objects.create_user(username=name, email=f"{name}@example.org", password="x")
    Membership.objects.create(user=person, organisation=org, role=role)
    return person


@pytest.fixture
def editor(org: Organisation, django_user_model: Any) -> Any:
    return _member(django_user_model, org, "edith", Membership.Role.EDITOR)


@pytest.fixture
def editor2(org: Organisation, django_user_model: Any) -> Any:
    return _member(django_user_model, org, "eddie", Membership.Role.EDITOR)


@pytest.fixture
def editor3(org: Organisation, django_user_model: Any) -> Any:
    return _member(django_user_model, org, "edna", Membership.Role.EDITOR)


@pytest.fixture
def viewer(org: Organisation, django_user_model: Any) -> Any:
    return _member(django_user_model, org, "vera", Membership.Role.VIEWER)
