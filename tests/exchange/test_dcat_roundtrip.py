"""parse(serialise(record)) == record for every property of the DCAT-AP table, in every format."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from openingup.exchange.dcat.fields import CLASSES, NODES, Prop, canonical
from openingup.exchange.dcat.parser import parse
from openingup.exchange.dcat.triples import resources
from openingup.exchange.dcat.writers import serialise

LANGS = st.sampled_from(["", "en", "nl", "fr", "de", "da", "sv", "nb"])
TEXT = st.text(
    alphabet=st.characters(blacklist_categories=("Cs", "Cc"), blacklist_characters="\r"),
    min_size=1,
    max_size=40,
).filter(lambda s: s.strip() == s and s != "")
IRI = st.builds(
    lambda host, path: f"https://{host}.example/{path}",
    st.from_regex(r"[a-z]{1,8}", fullmatch=True),
    st.from_regex(r"[A-Za-z0-9_~/.-]{0,20}", fullmatch=True),
)
DATE = st.one_of(
    st.dates().map(lambda d: d.isoformat()).filter(lambda s: len(s) == 10 and not s.startswith("0")),
    st.just("2024-05-01T10:20:30Z"),
    st.just("2023"),
)


def value_for(prop: Prop) -> st.SearchStrategy[Any]:
    kind = prop.kind
    if kind == "lang":
        return st.dictionaries(LANGS, TEXT, min_size=1, max_size=3)
    if kind == "lang_list":
        return st.dictionaries(
            LANGS, st.lists(TEXT, min_size=1, max_size=3, unique=True), min_size=1, max_size=2
        )
    if kind == "text":
        return TEXT
    if kind == "text_list":
        return st.lists(TEXT, min_size=1, max_size=3, unique=True)
    if kind == "iri":
        return IRI
    if kind == "iri_list":
        return st.lists(IRI, min_size=1, max_size=3, unique=True)
    if kind == "date":
        return DATE
    if kind == "integer":
        return st.integers(min_value=0, max_value=10**12)
    if kind == "decimal":
        return st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False).map(str)
    if kind == "duration":
        return st.sampled_from(["P1D", "PT15M", "P1Y2M"])
    if kind == "wkt":
        return st.just("POLYGON((4.1 52.0,4.6 52.0,4.6 52.4,4.1 52.4,4.1 52.0))")
    if kind == "hex":
        return st.from_regex(r"([0-9a-f]{2}){4,8}", fullmatch=True)
    assert kind == "node" and prop.node
    item = record_for(NODES[prop.node][1], with_uri=prop.node in ("agent",))
    return st.lists(item, min_size=1, max_size=2) if prop.many else item


def record_for(table: tuple[Prop, ...], *, with_uri: bool) -> st.SearchStrategy[dict[str, Any]]:
    required = {p.name: value_for(p) for p in table if p.mandatory}
    optional = {p.name: value_for(p) for p in table if not p.mandatory}
    base = st.fixed_dictionaries(required, optional=optional)
    if with_uri:  # one IRI per described node: two different descriptions of one IRI would merge
        return st.builds(lambda r, u: {**r, "uri": f"https://agents.test/{u}"}, base, st.uuids())
    # blank nodes need at least one property to be distinguishable from nothing
    return base.filter(lambda r: bool(r))


def dataset_records() -> st.SearchStrategy[dict[str, Any]]:
    _, table = CLASSES["dataset"]
    _, dist_table = CLASSES["distribution"]
    # Own URIs outside the .example hosts of property values, so resources never collide.
    return st.builds(
        lambda r, d: {
            **r,
            "uri": "https://catalogue.test/datasets/x",
            "distributions": [
                {**dist, "uri": f"https://catalogue.test/distributions/{i}"} for i, dist in enumerate(d)
            ],
        },
        record_for(table, with_uri=False),
        st.lists(record_for(dist_table, with_uri=False), max_size=2),
    )


def _canonical_dataset(record: dict[str, Any]) -> dict[str, Any]:
    out = canonical(CLASSES["dataset"][1], record)
    out["distributions"] = sorted(
        (canonical(CLASSES["distribution"][1], d) for d in record.get("distributions", [])),
        key=lambda d: d["uri"],
    )
    return out


@pytest.mark.parametrize("fmt", ["ttl", "rdf", "jsonld"])
@settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(record=dataset_records())
def test_dataset_round_trip(fmt: str, record: dict[str, Any]) -> None:
    expected = _canonical_dataset(record)
    text = serialise(fmt, resources("dataset", record))
    result = parse(text.encode(), fmt)
    assert len(result.datasets) == 1
    assert _canonical_dataset(result.datasets[0]) == expected


@pytest.mark.parametrize("kind", ["data_service", "dataset_series", "catalogue"])
@pytest.mark.parametrize("fmt", ["ttl", "rdf", "jsonld"])
@settings(
    max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large]
)
@given(data=st.data())
def test_other_classes_round_trip(kind: str, fmt: str, data: st.DataObject) -> None:
    table = CLASSES[kind][1]
    record = {**data.draw(record_for(table, with_uri=False)), "uri": "https://catalogue.test/resource"}
    text = serialise(fmt, resources(kind, record))
    result = parse(text.encode(), fmt)
    found = {
        "data_service": result.data_services,
        "dataset_series": result.series,
        "catalogue": [result.catalogue] if result.catalogue else [],
    }[kind]
    assert len(found) == 1
    assert canonical(table, found[0]) == canonical(table, record)
