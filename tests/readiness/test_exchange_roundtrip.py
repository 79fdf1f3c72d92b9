"""Parsing what the exporter writes gives the entries back (JSON and CSV), for any scores."""

from __future__ import annotations

import json
import uuid
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openingup.readiness import exchange
from openingup.readiness.models import SIZE_BANDS

DRIVERS = {"m1": {"d1": ["r1", "r2"], "d2": ["r3"]}, "m2": {"d3": ["r4"]}}
score = st.one_of(st.none(), st.floats(min_value=0, max_value=100, allow_nan=False))


def _mean(values: list[float | None]) -> float | None:
    kept = [v for v in values if v is not None]
    return sum(kept) / len(kept) if kept else None


@st.composite
def entries(draw: Any) -> dict[str, Any]:
    measures = []
    for m, dimensions in DRIVERS.items():
        dims = []
        for d, drivers in dimensions.items():
            found = [{"key": r, "score": draw(score)} for r in drivers]
            dims.append({"key": d, "score": _mean([r["score"] for r in found]), "drivers": found})
        measures.append(
            {"key": m, "score": _mean([x["score"] for x in dims]), "level": None, "dimensions": dims}
        )
    overall = _mean([m["score"] for m in measures])
    return {
        "entry": str(uuid.UUID(int=draw(st.integers(min_value=0, max_value=2**128 - 1)))),
        "instrument_id": "tiny",
        "instrument_version": draw(st.sampled_from(["1.0", "1.2", "10.4.1"])),
        "year": draw(st.integers(min_value=2000, max_value=2100)),
        "country": draw(st.sampled_from(["", "NL", "DK", "NO"])),
        "size_band": draw(st.sampled_from(["", *SIZE_BANDS])),
        "overall": overall,
        "level": draw(st.sampled_from(["", "low", "mid"])),
        "tree": {"overall": overall, "level": None, "measures": measures},
    }


def _scores(tree: dict[str, Any]) -> dict[str, float]:
    """Every non-null score of a tree by its path (an empty CSV cell and null are the same)."""
    found = {}
    for m in tree["measures"]:
        found[m["key"]] = m["score"]
        for d in m["dimensions"]:
            found[f"{m['key']}/{d['key']}"] = d["score"]
            for r in d["drivers"]:
                found[f"{m['key']}/{d['key']}/{r['key']}"] = r["score"]
    return {k: v for k, v in found.items() if v is not None}


def _same(parsed: list[dict[str, Any]], written: list[dict[str, Any]]) -> None:
    assert len(parsed) == len(written)
    for got, want in zip(parsed, written, strict=True):
        assert str(got["entry"]) == want["entry"]
        for key in (
            "instrument_id",
            "instrument_version",
            "year",
            "country",
            "size_band",
            "overall",
            "level",
        ):
            assert got[key] == want[key], key
        assert _scores(got["tree"]) == _scores(want["tree"])


def _unique(items: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return list({item["entry"]: item for item in items}.values())


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(entries(), max_size=6).map(_unique))
def test_json_round_trip(written: list[dict[str, Any]]) -> None:
    document = {"format": exchange.FORMAT, "version": exchange.VERSION, "entries": written}
    _same(exchange.parse_benchmark(json.dumps(document).encode()), written)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(entries(), min_size=1, max_size=6).map(_unique))
def test_csv_round_trip(written: list[dict[str, Any]]) -> None:
    _same(exchange.parse_benchmark(exchange.entries_csv(written).encode()), written)
