"""Load the readiness demo: the demo municipality's profile and submitted assessments, and a benchmark
of invented entries from other countries, so the readiness pages show results out of the box.

What is loaded is data: ``assessments.json`` (the profile and the answers of four assessments: the Social
Media Readiness Indicator two years ago and this year, LOSI and ODM this year) and ``benchmark.json`` (a
file in the documented exchange format, invented figures). Everything goes through the readiness
services: ``set_profile``, ``start_assessment``, ``prefill`` (the platform's own evidence where it has
something to measure, e.g. the demo catalogue and the Open311 services), ``save_answers``, ``submit`` and
``import_benchmark`` under :data:`~openingup.readiness.demo.DEMO_ORIGIN`.

The services need an editor of the organisation, so the answers are given by a demo account
(``respondent`` in the data file) that has no usable password and is deactivated once the demo is
loaded: it only names who answered. Needs the catalogue demo's organisation; loads nothing when it is
missing or when any readiness data (profile, assessment or benchmark entry) exists.
"""

from __future__ import annotations

import json
from importlib import resources
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from openingup.core.errors import InvalidInput
from openingup.organisations.models import Membership, Organisation
from openingup.readiness import services
from openingup.readiness.demo import DEMO_ORIGIN
from openingup.readiness.instruments import instrument
from openingup.readiness.models import Assessment, BenchmarkEntry, ReadinessProfile

__all__ = ["DEMO_ORIGIN", "assessments_data", "benchmark_payload", "load_demo"]


def _read(name: str) -> str:
    return resources.files("openingup.readiness.demo").joinpath(name).read_text(encoding="utf-8")


def assessments_data() -> dict[str, Any]:
    """The demo municipality's profile and assessments (``assessments.json``), as written."""
    return json.loads(_read("assessments.json"))  # type: ignore[no-any-return]


def benchmark_payload(year: int | None = None) -> bytes:
    """``benchmark.json`` with its years moved so that its newest year is ``year`` (default: this year)."""
    document = json.loads(_read("benchmark.json"))
    year = year if year is not None else timezone.localdate().year
    newest = max((e["year"] for e in document["entries"]), default=year)
    for entry in document["entries"]:
        entry["year"] += year - newest
    return json.dumps(document, ensure_ascii=False).encode("utf-8")


def _nothing(message: str) -> dict[str, Any]:
    return {"loaded": False, "assessments": 0, "benchmark_entries": 0, "message": message}


def _respondent(spec: dict[str, Any], organisation: Organisation) -> Any:
    """The demo account that answers: active while loading, an editor of the organisation."""
    user_model = get_user_model()
    user, _created = user_model.objects.get_or_create(
        username=spec["username"],
        defaults={"first_name": spec.get("first_name", ""), "last_name": spec.get("last_name", "")},
    )
    user.set_unusable_password()
    user.is_active = True
    user.save()
    Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": Membership.Role.EDITOR}
    )
    return user


def _answers(item: dict[str, Any]) -> dict[str, Any]:
    """The data file's answers (a bare value, ``{"na": true}`` or ``{"value", "override_reason"}``) in
    the services' form."""
    return {
        key: dict(value) if isinstance(value, dict) else {"value": value}
        for key, value in item["answers"].items()
    }


def _assessment(actor: Any, organisation: Organisation, item: dict[str, Any], year: int) -> Assessment:
    inst = instrument(item["instrument"], item.get("version"))
    assessment = services.start_assessment(
        actor=actor,
        organisation=organisation,
        instrument_id=inst.id,
        version=inst.version,
        year=year - int(item.get("years_ago", 0)),
    )
    given = _answers(item)
    if item.get("prefill"):
        response = services.prefill(actor=actor, assessment=assessment)
        measured = {key for key, answer in response.answers.items() if answer.get("evidence")}
        # the platform's evidence stands, unless the data file overrides it with a reason
        given = {k: a for k, a in given.items() if k not in measured or a.get("override_reason")}
    services.save_answers(actor=actor, assessment=assessment, answers=given)
    services.submit(actor=actor, assessment=assessment)
    return assessment


def load_demo(*, year: int | None = None) -> dict[str, Any]:
    """Load the demo's readiness profile, assessments and benchmark; returns what was done.

    ``year`` is "this year" (default: today's); the assessments and the benchmark are placed relative
    to it. Raises InvalidInput when a demo record does not pass the services' checks (a bug in the demo
    data); nothing is then left in the database.
    """
    spec = assessments_data()
    organisation = Organisation.objects.filter(slug=spec["organisation"]).first()
    if organisation is None:
        return _nothing(f"The demo organisation {spec['organisation']!r} is missing; load the demo first.")
    if ReadinessProfile.objects.exists() or Assessment.objects.exists() or BenchmarkEntry.objects.exists():
        return _nothing("Readiness data exists, so the readiness demo was not loaded.")
    year = year if year is not None else timezone.localdate().year
    with transaction.atomic():
        actor = _respondent(spec["respondent"], organisation)
        profile = spec["profile"]
        services.set_profile(
            actor=actor,
            organisation=organisation,
            country=profile["country"],
            population=profile["population"],
        )
        done = []
        for item in spec["assessments"]:
            try:
                done.append(_assessment(actor, organisation, item, year))
            except InvalidInput as exc:
                where = f"{item['instrument']} ({item.get('years_ago', 0)} years ago)"
                raise InvalidInput(f"Demo assessment {where}: {exc.message}", exc.problems) from exc
        imported = services.import_benchmark(actor=None, payload=benchmark_payload(year), origin=DEMO_ORIGIN)
        actor.is_active = False  # it only names who answered; it can never sign in or act
        actor.save(update_fields=["is_active"])
    return {
        "loaded": True,
        "assessments": len(done),
        "benchmark_entries": imported,
        "message": f"Loaded {len(done)} readiness assessments of {organisation.slug} and "
        f"{imported} demo benchmark entries (invented figures, origin {DEMO_ORIGIN}).",
    }
