"""What every search backend offers, and the SQL machinery the two built-in ones share.

A backend keeps a text index beside the structured ``search_document``/``search_facet`` tables; filters,
visibility, facets and keyset paging are plain SQL over those tables, the backend adds the text match
(with a rank), snippets and prefix matching. A backend for a search server (OpenSearch, see ADR 0010)
implements the protocol directly.
"""

from __future__ import annotations

import base64
import dataclasses
import html
import json
import math
import threading
from array import array
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

import numpy as np
from django.db import connection
from django.db.models import Q, QuerySet

from openingup.core.errors import InvalidInput
from openingup.search import snapshot
from openingup.search.documents import FACETS, Document
from openingup.search.languages import stem_text, words
from openingup.search.snippets import snippet

SORTS = ("relevance", "modified", "title", "popularity")  # popularity: use in the last 90 days
MAX_QUERY_CHARS = 1000
MAX_TERMS = 32
MAX_LIMIT = 1000
START, STOP = "\x02", "\x03"


@dataclass
class SearchQuery:
    q: str = ""
    filters: dict[str, list[str]] = field(default_factory=dict)  # facet name -> values, all must match
    bbox: tuple[float, float, float, float] | None = None  # west, south, east, north
    start: str = ""  # temporal coverage overlapping [start, end] (ISO dates)
    end: str = ""
    sort: str = "relevance"
    limit: int = 20
    cursor: str = ""
    offset: int = 0  # matches to skip before the page (CKAN's ``start``); cursors are cheaper
    facets: bool = True
    facet_limit: int = 20
    user: Any = None
    statuses: tuple[str, ...] = ()  # only datasets in these states (still only those the user may see)
    datasets: list[str] | None = None  # only these datasets (ids)

    def terms(self) -> list[str]:
        if len(self.q or "") > MAX_QUERY_CHARS:
            raise InvalidInput(f"The search text is longer than {MAX_QUERY_CHARS} characters.")
        return words(self.q or "")[:MAX_TERMS]


@dataclass
class Hit:
    dataset_id: str
    slug: str
    title: dict[str, str]
    snippet: str = ""
    score: float | None = None


@dataclass
class SearchResult:
    hits: list[Hit]
    total: int
    facets: dict[str, list[tuple[str, int]]] = field(default_factory=dict)
    next_cursor: str = ""


class Backend(Protocol):
    name: ClassVar[str]

    def index(self, documents: Sequence[Document]) -> None: ...

    def remove(self, ids: Sequence[str]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def suggest(self, prefix: str, limit: int = 10, user: Any = None) -> list[str]: ...

    def clear(self) -> None: ...


_registry: dict[str, type[Backend]] = {}


def register(cls: type[Backend]) -> type[Backend]:
    """Class decorator: make a backend available under its ``name``."""
    _registry[cls.name] = cls
    return cls


def registered() -> dict[str, type[Backend]]:
    return dict(_registry)


def highlight(text: str) -> str:
    """Escape a snippet and turn the backend's markers into <mark> elements."""
    return html.escape(text).replace(START, "<mark>").replace(STOP, "</mark>")


def _encode_cursor(values: list[Any]) -> str:
    return base64.urlsafe_b64encode(json.dumps(values).encode()).decode().rstrip("=")


def _decode_cursor(cursor: str, sort: str) -> tuple[Any, int]:
    try:
        raw = json.loads(base64.urlsafe_b64decode(cursor + "=" * (-len(cursor) % 4)))
        name, key, last = raw
        if name != sort or not isinstance(last, int):
            raise ValueError
        if sort == "relevance" and not (isinstance(key, int | float) and math.isfinite(key)):
            raise ValueError
        if sort != "relevance" and not isinstance(key, str):
            raise ValueError
        return key, last
    except (ValueError, TypeError, UnicodeDecodeError):
        raise InvalidInput("The cursor is not one this search gave out.") from None


def _visibility(user: Any) -> tuple[bool, list[Any]]:
    """(is an administrator, the organisations whose drafts the user may see)."""
    from openingup.organisations import permissions

    if permissions.is_admin(user):
        return True, []
    return False, list(permissions.visible_organisation_ids(user) or [])


def _filter_values(query: SearchQuery) -> list[tuple[str, str]]:
    """The query's (facet, value) filters, all of which must hold; InvalidInput for an unknown facet."""
    out: list[tuple[str, str]] = []
    for name, values in (query.filters or {}).items():
        if name not in FACETS:
            raise InvalidInput(f"No filter {name!r}; known: {', '.join(FACETS)}.")
        out += [(name, str(v)[:300]) for v in ([values] if isinstance(values, str) else list(values))[:20]]
    return out


@dataclass(frozen=True)
class TextMatches:
    """The documents matching some words: a bitmap, and their ids in (rank, id) order."""

    bits: int
    ids: array
    ranks: array

    def by_position(self, index: snapshot.Snapshot) -> np.ndarray:
        """The ranks by the snapshot's positions (0 where a document does not match), built once, when
        words are first combined: 8 bytes a document of the snapshot."""
        dense = self.__dict__.get("_by_position")
        if dense is None or len(dense) != index.size:
            dense = np.zeros(index.size, dtype=np.float64)
            found, places = index.places_of(np.frombuffer(self.ids, dtype=np.int64))
            dense[places] = np.frombuffer(self.ranks, dtype=np.float64)[found]
            self.__dict__["_by_position"] = dense  # frozen, but this is only a cache of what it holds
        return dense

    @classmethod
    def of_rows(cls, index: snapshot.Snapshot, rows: Sequence[Sequence[Any]], ranked: bool) -> TextMatches:
        """From the database's (document id, rank) rows, in (rank, id) order (ids alone: ascending)."""
        pks = np.fromiter((row[0] for row in rows), dtype=np.int64, count=len(rows))
        if ranked:
            ranks = np.fromiter((float(row[1]) for row in rows), dtype=np.float64, count=len(rows))
            order = np.lexsort((pks, ranks))
            pks, ranks = pks[order], ranks[order]
        else:
            pks.sort()
            ranks = np.zeros(len(rows), dtype=np.float64)
        return cls(index.of_ids(pks), array("q", pks.tobytes()), array("d", ranks.tobytes()))

    @classmethod
    def all_of(cls, index: snapshot.Snapshot, parts: Sequence[TextMatches], ranked: bool) -> TextMatches:
        """The documents matching every part; ranked by the sum of the parts' ranks, which is the rank
        of the words asked together when the rank adds up per word (FTS5's bm25 does: one idf-weighted
        term per phrase of the query). Vectorised: a common pair of words matches tens of thousands."""
        bits = parts[0].bits
        for part in parts[1:]:
            bits &= part.bits
        places = snapshot.positions_array(bits) if bits else np.zeros(0, dtype=np.int64)
        pks = index.pk_array[places]
        if ranked:
            ranks = parts[0].by_position(index)[places]
            for part in parts[1:]:
                ranks = ranks + part.by_position(index)[places]  # in order, as the database adds up
            order = np.lexsort((pks, ranks))  # by rank, then id
            pks, ranks = pks[order], ranks[order]
        else:
            ranks = np.zeros(len(places), dtype=np.float64)  # ids ascend with positions
        return cls(bits, array("q", pks.astype(np.int64).tobytes()), array("d", ranks.tobytes()))

    def _start(self, after: tuple[float, int] | None) -> int:
        """The first place after the cursor (rank, id): binary search, the places are in that order."""
        if after is None:
            return 0
        low, high = 0, len(self.ids)
        while low < high:
            middle = (low + high) // 2
            if (self.ranks[middle], self.ids[middle]) > after:
                high = middle
            else:
                low = middle + 1
        return low

    def page(
        self, member: Callable[[int], bool], n: int, after: tuple[float, int] | None, offset: int
    ) -> list[tuple[int, Any]]:
        """Up to ``n`` (id, rank) of the members, best first, after the cursor and ``offset`` of them."""
        out: list[tuple[int, Any]] = []
        skip = offset
        for place in range(self._start(after), len(self.ids)):
            pk = self.ids[place]
            if not member(pk):
                continue
            if skip:
                skip -= 1
                continue
            out.append((pk, self.ranks[place]))
            if len(out) == n:
                break
        return out


TEXT_CACHE_SIZE = 128
_text_cache: OrderedDict[tuple[Any, ...], TextMatches] = OrderedDict()
_text_lock = threading.Lock()
# Whole answers, per snapshot and query, like a search engine's query result cache: a snapshot never
# changes, so the same query (and the same visibility) on it always has the same answer.
RESULT_CACHE_SIZE = 1024
_results: OrderedDict[tuple[Any, ...], SearchResult] = OrderedDict()


def _result_key(
    index: snapshot.Snapshot, backend: str, query: SearchQuery, visibility: tuple[bool, list[Any]]
) -> tuple[Any, ...]:
    admin, organisations = visibility
    asked = {k: v for k, v in dataclasses.asdict(query).items() if k != "user"}
    return (
        index.built,
        index.generation,
        backend,
        admin,
        tuple(sorted(map(str, organisations))),
        json.dumps(asked, sort_keys=True, default=str),
    )


def _copy(result: SearchResult) -> SearchResult:
    return dataclasses.replace(result, hits=list(result.hits), facets=dict(result.facets))


class SqlBackend:
    """Shared by SQLite FTS5 and PostgreSQL: subclasses add the text side."""

    # True when the rank of several words is the sum of each word's rank: then each word is matched
    # (and kept) on its own, and a query of several words combines them without asking the database.
    rank_adds_up: ClassVar[bool] = False

    name: ClassVar[str] = ""

    # --- what subclasses provide -------------------------------------------------------------------
    def _write_text(self, rows: list[tuple[int, Document]]) -> None:
        raise NotImplementedError

    def _delete_text(self, ids: list[int]) -> None:
        raise NotImplementedError

    def _clear_text(self) -> None:
        raise NotImplementedError

    def _match(self, terms: list[str], ranked: bool = True) -> tuple[str, list[Any]]:
        """SQL giving ``doc`` (search_document.id) and, when ranked, ``rank`` (lower is better)."""
        raise NotImplementedError

    def _prefix(self, terms: list[str]) -> tuple[str, list[Any]]:
        """SQL giving ``doc`` of rows whose titles or keywords have words starting with the terms."""
        raise NotImplementedError

    # --- writing -----------------------------------------------------------------------------------
    def index(self, documents: Sequence[Document]) -> None:
        from openingup.search.models import SearchDocument, SearchFacet

        if not documents:
            return
        existing: dict[str, int] = {
            str(dataset_id): pk
            for dataset_id, pk in SearchDocument.objects.filter(
                dataset_id__in=[d.id for d in documents]
            ).values_list("dataset_id", "id")
        }
        rows: list[SearchDocument] = []
        for doc in documents:
            west, south, east, north = doc.bbox or (None, None, None, None)
            rows.append(
                SearchDocument(
                    id=existing.get(doc.id),
                    dataset_id=doc.id,
                    slug=doc.slug,
                    status=doc.status,
                    publisher_id=doc.publisher_id,
                    title=doc.title,
                    title_sort=doc.title_sort,
                    modified=doc.modified,
                    texts=doc.texts,
                    stems={lang: stem_text(lang, text) for lang, text in doc.texts.items() if lang},
                    all_text=doc.all_text,
                    title_text=doc.title_text,
                    west=west,
                    south=south,
                    east=east,
                    north=north,
                    temporal_start=doc.temporal_start,
                    temporal_end=doc.temporal_end,
                )
            )
        old = [r for r in rows if r.id is not None]
        new = [r for r in rows if r.id is None]
        if old:
            fields = [f.name for f in SearchDocument._meta.concrete_fields if f.name != "id"]
            SearchDocument.objects.bulk_update(old, fields, batch_size=500)
            SearchFacet.objects.filter(document_id__in=[r.id for r in old]).delete()
            self._delete_text([r.pk for r in old])
        if new:
            SearchDocument.objects.bulk_create(new, batch_size=500)
            if any(r.pk is None for r in new):  # a database without RETURNING
                ids = dict(
                    SearchDocument.objects.filter(dataset_id__in=[r.dataset_id for r in new]).values_list(
                        "dataset_id", "id"
                    )
                )
                for r in new:
                    r.id = ids[r.dataset_id]
        by_dataset = {str(r.dataset_id): r.pk for r in rows}
        SearchFacet.objects.bulk_create(
            [
                SearchFacet(document_id=by_dataset[doc.id], name=name, value=value)
                for doc in documents
                for name, values in doc.facets.items()
                for value in values
            ],
            batch_size=1000,
        )
        self._write_text([(by_dataset[doc.id], doc) for doc in documents])
        snapshot.bump()

    def remove(self, ids: Sequence[str]) -> None:
        from openingup.search.models import SearchDocument, SearchFacet

        found = list(SearchDocument.objects.filter(dataset_id__in=list(ids)).values_list("id", flat=True))
        if found:
            self._delete_text(found)
            SearchFacet.objects.filter(document_id__in=found).delete()
            SearchDocument.objects.filter(id__in=found).delete()
            snapshot.bump()

    def clear(self) -> None:
        from openingup.search.models import SearchDocument, SearchFacet

        self._clear_text()
        SearchFacet.objects.all().delete()
        SearchDocument.objects.all().delete()
        snapshot.bump()

    # --- reading -----------------------------------------------------------------------------------
    def _visible(self, user: Any) -> QuerySet[Any]:
        from openingup.search.models import SearchDocument

        docs = SearchDocument.objects.all()
        admin, orgs = _visibility(user)
        if admin:
            return docs
        if not orgs:
            return docs.filter(status="published")
        return docs.filter(Q(status="published") | Q(publisher_id__in=list(orgs)))

    def _filtered(self, query: SearchQuery) -> QuerySet[Any]:
        from openingup.search.models import SearchFacet

        docs = self._visible(query.user)
        for name, value in _filter_values(query):
            docs = docs.filter(
                id__in=SearchFacet.objects.filter(
                    name=name, **({} if value == snapshot.ANY else {"value": value})
                ).values("document_id")
            )
        if query.bbox is not None:
            try:
                west, south, east, north = (float(v) for v in query.bbox)
            except (TypeError, ValueError):
                raise InvalidInput("The bbox needs four numbers: west, south, east, north.") from None
            if not (west <= east and south <= north and all(map(math.isfinite, (west, south, east, north)))):
                raise InvalidInput("The bbox needs west ≤ east and south ≤ north.")
            docs = docs.filter(west__lte=east, east__gte=west, south__lte=north, north__gte=south)
        if query.start:
            docs = docs.exclude(temporal_start="", temporal_end="").filter(
                Q(temporal_end__gte=str(query.start)[:10]) | Q(temporal_end="")
            )
        if query.end:
            docs = docs.exclude(temporal_start="", temporal_end="").filter(
                Q(temporal_start__lte=str(query.end)[:10]) | Q(temporal_start="")
            )
        return docs

    def _matches(
        self, query: SearchQuery, index: snapshot.Snapshot, visibility: tuple[bool, list[Any]]
    ) -> int:
        """The bitmap of the snapshot's documents visible as ``visibility`` says that pass the filters."""
        bits = index.visible(*visibility)
        if query.statuses:
            bits &= index.with_status(query.statuses)
        if query.datasets is not None:
            from openingup.search.models import SearchDocument

            chosen = SearchDocument.objects.filter(dataset_id__in=list(query.datasets)[:MAX_LIMIT])
            bits &= index.of_ids(chosen.values_list("id", flat=True))
        for name, value in _filter_values(query):
            bits &= index.having(name, value)
        if bits and (query.bbox is not None or query.start or query.end):
            bits &= index.of_ids(self._filtered(query).values_list("id", flat=True))
        return bits

    def _text(self, index: snapshot.Snapshot, terms: list[str], ranked: bool) -> TextMatches:
        """Every document matching the words, best first when ``ranked``; kept for the snapshot's
        generation, so the same words with other filters, pages or facets are not matched again."""
        key = (index.generation, self.name, tuple(terms), ranked)
        with _text_lock:
            found = _text_cache.get(key)
            if found is not None:
                _text_cache.move_to_end(key)
                return found
        if self.rank_adds_up and len(terms) > 1:
            parts = [self._text(index, [term], ranked) for term in terms]  # a repeated word counts twice
            found = TextMatches.all_of(index, parts, ranked)
            with _text_lock:
                _text_cache[key] = found
                while len(_text_cache) > TEXT_CACHE_SIZE:
                    _text_cache.popitem(last=False)
            return found
        sql, params = self._match(terms, ranked=ranked)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        found = TextMatches.of_rows(index, rows, ranked)
        with _text_lock:
            _text_cache[key] = found
            while len(_text_cache) > TEXT_CACHE_SIZE:
                _text_cache.popitem(last=False)
        return found

    def search(self, query: SearchQuery) -> SearchResult:
        index = snapshot.current()
        visibility = _visibility(query.user)  # read once: the key and, on a miss, the answer use it
        key = _result_key(index, self.name, query, visibility)
        with _text_lock:
            found = _results.get(key)
            if found is not None:
                _results.move_to_end(key)
                return _copy(found)
        result = self._search(query, index, visibility)
        with _text_lock:
            _results[key] = result
            while len(_results) > RESULT_CACHE_SIZE:
                _results.popitem(last=False)
        return _copy(result)

    def _search(
        self, query: SearchQuery, index: snapshot.Snapshot, visibility: tuple[bool, list[Any]]
    ) -> SearchResult:
        from openingup.search.models import SearchDocument

        if query.sort not in SORTS:
            raise InvalidInput(f"Sort by one of {', '.join(SORTS)}.")
        try:
            limit = max(1, min(int(query.limit), MAX_LIMIT))
            facet_limit = max(1, min(int(query.facet_limit), 1000))
            offset = max(0, int(query.offset))
        except (TypeError, ValueError):
            raise InvalidInput("limit, offset and facet_limit are whole numbers.") from None
        terms = query.terms()
        sort = query.sort if terms or query.sort != "relevance" else "modified"
        after = _decode_cursor(query.cursor, sort) if query.cursor else None
        matches = self._matches(query, index, visibility)
        text: TextMatches | None = None
        if matches and terms:
            text = self._text(index, terms, ranked=sort == "relevance")
            matches &= text.bits
        total = matches.bit_count()
        facets = index.counts(matches, facet_limit) if query.facets and matches else {}
        page: list[tuple[int, Any]] = []
        if offset < total:
            if sort == "relevance" and text is not None:
                page = text.page(index.contains(matches), limit + 1, after, offset)
            else:
                page = index.page(matches, sort, limit + 1, after, offset)
        more = len(page) > limit
        page = page[:limit]
        ids = [row[0] for row in page]
        documents = {d.id: d for d in SearchDocument.objects.filter(id__in=ids)}
        hits = [
            Hit(
                dataset_id=str(documents[pk].dataset_id),
                slug=documents[pk].slug,
                title=documents[pk].title,
                snippet=highlight(snippet(documents[pk].all_text, terms, START, STOP)) if terms else "",
                score=float(value) if sort == "relevance" else None,
            )
            for pk, value in page
            if pk in documents
        ]
        cursor_out = ""
        if more and page:
            pk, value = page[-1]
            cursor_out = _encode_cursor([sort, value, pk])
        return SearchResult(hits=hits, total=total, facets=facets, next_cursor=cursor_out)

    def suggest(self, prefix: str, limit: int = 10, user: Any = None) -> list[str]:
        from openingup.search.models import SearchDocument

        if len(prefix or "") > MAX_QUERY_CHARS:
            raise InvalidInput(f"The text is longer than {MAX_QUERY_CHARS} characters.")
        terms = words(prefix)[:8]
        if not terms:
            return []
        psql, pparams = self._prefix(terms)
        vsql, vparams = self._visible(user).values("id").query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT p.doc FROM ({psql}) p WHERE p.doc IN ({vsql}) LIMIT 200", [*pparams, *vparams]
            )
            ids = [row[0] for row in cursor.fetchall()]
        last = terms[-1]
        starts: Callable[[str], bool] = lambda text: any(w.startswith(last) for w in words(text))  # noqa: E731
        out: list[str] = []
        rows = SearchDocument.objects.filter(id__in=ids).order_by("title_sort")
        for title in rows.values_list("title", flat=True):
            for text in sorted((title or {}).values(), key=str.casefold):
                if starts(text) and text not in out:
                    out.append(text)
        if len(out) < limit:
            from openingup.search.models import SearchFacet

            for value in (
                SearchFacet.objects.filter(document_id__in=ids, name="keyword")
                .values_list("value", flat=True)
                .distinct()
                .order_by("value")
            ):
                if starts(value) and value not in out:
                    out.append(value)
        return out[: max(1, limit)]
