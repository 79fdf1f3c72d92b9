"""The in-memory side of the index: counts, facets and pages equal a plain computation over the same
documents, on both counting paths; every change to the index is seen at once; snippets mark stems."""

from __future__ import annotations

import random
import uuid
from collections import Counter
from typing import Any

import pytest
from django.db import transaction

from openingup.search import snapshot
from openingup.search.backends import backend
from openingup.search.backends.base import START, STOP, SearchQuery
from openingup.search.documents import Document
from openingup.search.queries import search
from openingup.search.snippets import snippet

pytestmark = pytest.mark.django_db

ORGS = ["noord", "zuid", "oost"]
KEYWORDS = [f"kw{n}" for n in range(40)]


def _documents(n: int, seed: int = 7) -> list[Document]:
    rnd = random.Random(seed)
    docs = []
    for i in range(n):
        keywords = sorted(set(rnd.choices(KEYWORDS, weights=range(40, 0, -1), k=rnd.randint(0, 4))))
        docs.append(
            Document(
                id=f"00000000-0000-0000-0000-{i:012d}",
                slug=f"d{i}",
                status="published" if rnd.random() < 0.9 else "draft",
                publisher_id=None,
                title={"nl": f"Titel {i}"},
                texts={"nl": f"Titel {i} " + " ".join(keywords)},
                title_text=f"Titel {i}",
                modified=f"2024-0{rnd.randint(1, 9)}-1{rnd.randint(0, 9)}",  # many ties
                title_sort=rnd.choice(["a", "b", "c", "d"]) + f"{rnd.randint(0, 5)}",
                facets={"organisation": [rnd.choice(ORGS)], "keyword": keywords},
            )
        )
    return docs


@pytest.fixture
def indexed() -> list[Document]:
    docs = _documents(400)
    backend().index(docs)
    return docs


def _plain(docs: list[Document], chosen: set[str], limit: int) -> dict[str, list[tuple[str, int]]]:
    counts: dict[str, Counter[str]] = {}
    for doc in docs:
        if doc.id in chosen:
            for name, values in doc.facets.items():
                counts.setdefault(name, Counter()).update(values)
    return {name: sorted(c.items(), key=lambda t: (-t[1], t[0]))[:limit] for name, c in counts.items() if c}


@pytest.mark.parametrize("side", ["values", "documents"])
@pytest.mark.parametrize("limit", [1, 3, 7, 100])
def test_facet_counts_equal_a_plain_count(
    indexed: list[Document], monkeypatch: Any, side: str, limit: int
) -> None:
    from openingup.search.models import SearchDocument

    # the costs decide the side: make one of them free
    monkeypatch.setattr(snapshot, "BITMAP_PER", 10**9 if side == "values" else 1e-9)
    monkeypatch.setattr(snapshot, "MEMBER_COST", 0 if side == "values" else 10**9)
    index = snapshot.current()
    assert (index.values_cost < 1) == (side == "values")
    pks = dict(SearchDocument.objects.values_list("dataset_id", "id"))
    rnd = random.Random(limit)
    for share in (0.02, 0.3, 1.0):
        chosen = {d.id for d in indexed if rnd.random() < share}
        bits = index.of_ids(pks[uuid.UUID(i)] for i in chosen)
        assert bits.bit_count() == len(chosen)
        assert index.counts(bits, limit) == _plain(indexed, chosen, limit)


@pytest.mark.parametrize("sort", ["modified", "title"])
@pytest.mark.parametrize("small", [0, 10_000])
def test_pages_follow_the_sort_with_cursors_and_offsets(
    indexed: list[Document], monkeypatch: Any, sort: str, small: int
) -> None:
    monkeypatch.setattr(snapshot, "SMALL_PAGE", small)
    result = search(SearchQuery(filters={"organisation": ["zuid"]}, sort=sort, limit=1000, facets=False))
    wanted = [d for d in indexed if d.status == "published" and d.facets["organisation"] == ["zuid"]]
    number = {d.id: int(d.slug[1:]) for d in wanted}
    if sort == "modified":  # newest first, then in index order (the order documents were written)
        wanted.sort(key=lambda d: (d.modified, -number[d.id]), reverse=True)
    else:
        wanted.sort(key=lambda d: (d.title_sort, number[d.id]))
    assert [h.slug for h in result.hits] == [d.slug for d in wanted]
    walked: list[str] = []
    cursor = ""
    while True:
        page = search(SearchQuery(filters={"organisation": ["zuid"]}, sort=sort, limit=9, cursor=cursor))
        walked += [h.slug for h in page.hits]
        cursor = page.next_cursor
        if not cursor:
            break
    assert walked == [d.slug for d in wanted]
    skipped = search(SearchQuery(filters={"organisation": ["zuid"]}, sort=sort, limit=5, offset=12))
    assert [h.slug for h in skipped.hits] == [d.slug for d in wanted][12:17]
    assert search(SearchQuery(sort=sort, offset=10_000_000)).hits == []


def test_every_change_is_seen_and_a_rollback_leaves_no_reused_generation(indexed: list[Document]) -> None:
    before = search(SearchQuery(filters={"keyword": ["kw0"]})).total
    first = snapshot.generation()
    extra = _documents(401)[400]
    extra.facets["keyword"] = ["kw0"]
    extra.status = "published"
    with pytest.raises(RuntimeError), transaction.atomic():
        backend().index([extra])
        assert search(SearchQuery(filters={"keyword": ["kw0"]})).total == before + 1
        raise RuntimeError("roll back")
    assert snapshot.generation() == first
    assert search(SearchQuery(filters={"keyword": ["kw0"]})).total == before
    backend().index([extra])
    assert snapshot.generation() != first
    assert search(SearchQuery(filters={"keyword": ["kw0"]})).total == before + 1
    backend().remove([extra.id])
    assert search(SearchQuery(filters={"keyword": ["kw0"]})).total == before


def test_snippets_mark_words_and_stems_and_choose_the_busiest_window() -> None:
    text = " ".join(["woord"] * 40) + " De Fiets en de fietsenstalling bij het café " + " ".join(["x"] * 40)
    out = snippet(text, ["fietsen"], START, STOP)
    assert out.startswith("…") and out.endswith("…")
    assert f"{START}Fiets{STOP}" in out and f"{START}fietsenstalling{STOP}" in out
    assert f"{START}café{STOP}" in snippet("naar het café", ["cafe"], START, STOP)
    assert snippet("niets hier", ["fietsen"], START, STOP) == ""
    assert snippet("", ["fietsen"], START, STOP) == ""


@pytest.mark.django_db(transaction=True)
def test_a_large_index_answers_from_the_last_snapshot_while_the_next_is_built(monkeypatch: Any) -> None:
    import time

    monkeypatch.setattr(snapshot, "SYNC_LIMIT", 0)  # every index counts as large
    monkeypatch.setattr(snapshot, "_snapshots", {})
    docs = _documents(30)
    backend().index(docs[:20])
    first = search(SearchQuery(limit=100)).total  # no snapshot yet: built before answering
    backend().index(docs[20:])
    seen = [search(SearchQuery(limit=100)).total]  # the old snapshot, a new one on its way
    deadline = time.monotonic() + 10
    while seen[-1] != first + sum(d.status == "published" for d in docs[20:]) and time.monotonic() < deadline:
        time.sleep(0.05)
        seen.append(search(SearchQuery(limit=100)).total)
    assert seen[0] == first
    assert seen[-1] == first + sum(d.status == "published" for d in docs[20:])


def test_popularity_orders_by_recent_use_with_cursors(indexed: list[Document], monkeypatch: Any) -> None:
    from openingup.engagement import services as engagement

    published = [d for d in indexed if d.status == "published"][:6]
    for times, doc in zip((5, 1, 3, 3, 0, 2), published, strict=True):
        for _ in range(times):
            engagement.record_view(dataset_id=doc.id)
    engagement.record_download(dataset_id=published[4].id)  # one download weighs five views
    monkeypatch.setattr(snapshot, "_snapshots", {})  # usage changed without the index changing
    first = search(SearchQuery(sort="popularity", limit=4, facets=False))
    slugs = [h.slug for h in first.hits]
    # 5 views, then a download (5), then 3 and 3 (index order breaks ties), then 2, 1, 0 ...
    assert slugs == [published[0].slug, published[4].slug, published[2].slug, published[3].slug]
    rest = search(SearchQuery(sort="popularity", limit=3, facets=False, cursor=first.next_cursor))
    assert [h.slug for h in rest.hits][:2] == [published[5].slug, published[1].slug]


def test_usage_counts_views_and_downloads_per_day() -> None:
    from openingup.engagement import queries as usage
    from openingup.engagement import services as engagement

    dataset = "00000000-0000-0000-0000-00000000abcd"
    for _ in range(3):
        engagement.record_view(dataset_id=dataset)
    engagement.record_download(dataset_id=dataset)
    assert usage.usage_of(dataset) == {"views": 3, "downloads": 1, "days": 90}
    assert usage.popularity() == {dataset.replace("-", ""): 3 + 5}


@pytest.mark.parametrize(
    "terms", [["kw1", "kw2"], ["kw0", "kw3", "kw5"], ["titel", "kw1"], ["kw1", "kw1"], ["kw2", "nothing"]]
)
@pytest.mark.parametrize("ranked", [True, False])
def test_words_matched_one_by_one_combine_to_the_databases_own_answer(
    indexed: list[Document], terms: list[str], ranked: bool
) -> None:
    """Where the rank adds up per word (SQLite FTS5's bm25), several words are combined from each
    word's own matches: the same documents, ranks and order as asking the database for all of them."""
    engine = backend()
    if not engine.rank_adds_up:
        pytest.skip("this backend ranks several words together")
    index = snapshot.current()
    combined = engine._text(index, terms, ranked)
    sql, params = engine._match(terms, ranked=ranked)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = sorted((float(r[1]) if ranked else 0.0, r[0]) for r in cursor.fetchall())
    assert combined.bits == index.of_ids(pk for _, pk in rows)
    assert list(combined.ids) == [pk for _, pk in rows]
    assert list(combined.ranks) == pytest.approx([r for r, _ in rows], rel=1e-9, abs=1e-12)
