"""The structured side of the search index in memory, one snapshot per process: counts, facets, pages.

Counting facets in SQL means grouping every facet row of every matching document (1.5 million rows for
100,000 datasets) on each query. Here each document gets a bit position; a facet value common enough
holds a bitmap (a Python int: AND and ``bit_count`` over 100,000 bits take microseconds), a rare one the
sorted positions of its documents. A query's matches become one bitmap, and facet counts come from
whichever side is cheaper: the values' side (bitmaps intersected in order of their totals, stopping as
soon as no remaining value can reach the top ``limit``) for large match sets, the documents' side (each
matching document's values counted) for small ones. Pages in title or modification order walk the
documents presorted by that key (a cursor is a place in that order), so no query sorts anything.

The snapshot is rebuilt when the index's generation (``search_generation``: a fresh random number written
by every change to the index, in the same transaction) differs from the one it was built at, so every
process sees every commit, and a rolled-back change can never leave a number that a later one reuses.
"""

from __future__ import annotations

import heapq
import random
import re
import threading
import time
from array import array
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.db import DEFAULT_DB_ALIAS, connection, connections

from openingup.engagement import queries as engagement

# relative costs, measured: one value of one matching document counted (documents' side) = 1; one bitmap
# intersection per 6,000 documents in the index; one position of a rare value looked up = 1/3
BITMAP_PER = 6000
ANY = "*"  # as a filter value: any value of that facet
DESCENDING = ("modified", "popularity")  # sorts with the largest key first
REFRESH_SECONDS = 600  # usage changes without the index changing: a snapshot this old is rebuilt
SYNC_LIMIT = 20_000  # documents: larger indexes are refreshed in the background (see ``current``)
SMALL_PAGE = 4000  # up to this many matches, a page sorts their places instead of walking the order
MEMBER_COST = 1 / 3
GROUPED = {  # by the covering index (name, value, document): no table reads
    True: "SELECT name, value, group_concat(document_id) FROM search_facet GROUP BY name, value",
    False: "SELECT name, value, string_agg(document_id::text, ',') FROM search_facet GROUP BY name, value",
}
_NONZERO = re.compile(rb"[^\x00]")


def bitmap(positions: Iterable[int], size: int) -> int:
    """The bitmap with the given positions set."""
    raw = bytearray(size // 8 + 1)
    for p in positions:
        raw[p >> 3] |= 1 << (p & 7)
    return int.from_bytes(raw, "little")


def positions_array(bits: int) -> np.ndarray:
    """The set positions of a bitmap, ascending, as an array (one vectorised pass over its bytes)."""
    raw = np.frombuffer(bits.to_bytes(bits.bit_length() // 8 + 1, "little"), dtype=np.uint8)
    return np.flatnonzero(np.unpackbits(raw, bitorder="little"))


def positions_of(bits: int) -> list[int]:
    """The set positions of a bitmap, ascending."""
    return positions_array(bits).tolist() if bits else []


@dataclass
class Value:
    text: str
    total: int
    bits: int  # the bitmap, or 0 when ``members`` holds the positions
    members: array | None = None

    def count(self, match: int, raw: bytes) -> int:
        if self.members is None:
            return (match & self.bits).bit_count()
        n = 0
        for p in self.members:
            if raw[p >> 3] >> (p & 7) & 1:
                n += 1
        return n

    def as_bits(self, size: int) -> int:
        return self.bits if self.members is None else bitmap(self.members, size)


class Snapshot:
    """The index at one generation; immutable once built."""

    def __init__(self, generation: int) -> None:
        self.generation = generation
        self.built = time.monotonic()
        self.position: dict[int, int] = {}
        self.size = 0
        self.everything = 0
        self.by_status: dict[str, int] = {}
        self.by_publisher: dict[str, int] = {}
        self.facets: dict[str, list[Value]] = {}  # name -> values, largest total first
        self._lookup: dict[tuple[str, str], Value] = {}
        self._forward: list[tuple[tuple[str, str], ...]] | None = None  # position -> (name, value) pairs
        self.per_document = 0.0  # facet values per document, on average
        self.values_cost = 0.0  # the cost of counting from the values' side, at most
        self.pks: list[int] = []  # position -> document id
        self.pk_array = np.zeros(0, dtype=np.int64)  # the same, ascending (documents are read by id)
        self.keys: dict[str, list[str]] = {}  # sort -> position -> its sort key
        self.orders: dict[str, array] = {}  # sort -> positions in that order
        self.places: dict[str, array] = {}  # sort -> position -> its place in that order

    def load(self, alias: str = DEFAULT_DB_ALIAS) -> Snapshot:
        with connections[alias].cursor() as cursor:
            cursor.execute(
                "SELECT id, status, publisher_id, modified, title_sort, dataset_id FROM search_document "
                "ORDER BY id"
            )
            documents = cursor.fetchall()
            used = engagement.popularity()
            statuses: dict[str, list[int]] = {}
            publishers: dict[str, list[int]] = {}
            self.pks = [row[0] for row in documents]
            self.pk_array = np.array(self.pks, dtype=np.int64)
            self.keys = {
                "modified": [row[3] for row in documents],
                "title": [row[4] for row in documents],
                # zero-padded, so that text order is number order (cursors carry text keys)
                "popularity": [f"{used.get(str(row[5]).replace('-', ''), 0):012d}" for row in documents],
            }
            for p, (pk, status, publisher, *_) in enumerate(documents):
                self.position[pk] = p
                statuses.setdefault(status, []).append(p)
                if publisher is not None:
                    publishers.setdefault(str(publisher).replace("-", ""), []).append(p)
            self.size = len(documents)
            # one row per facet value with its documents' ids as text: parsed in C, not row by row
            cursor.execute(GROUPED[connections[alias].vendor == "sqlite"])
            members: dict[tuple[str, str], list[int]] = {}
            position = self.position
            for name, value, joined in cursor.fetchall():
                where = [position[pk] for pk in map(int, joined.split(",")) if pk in position]
                if where:
                    members[(name, value)] = where
        self.everything = (1 << self.size) - 1
        self.by_status = {k: bitmap(v, self.size) for k, v in statuses.items()}
        self.by_publisher = {k: bitmap(v, self.size) for k, v in publishers.items()}
        dense = max(1, self.size // 32)  # a bitmap costs size/8 bytes, positions 4 bytes each
        for (name, text), where in members.items():
            value = (
                Value(text, len(where), bitmap(where, self.size))
                if len(where) >= dense
                else Value(text, len(where), 0, array("I", sorted(where)))
            )
            self.facets.setdefault(name, []).append(value)
            self._lookup[(name, text)] = value
        for values in self.facets.values():
            values.sort(key=lambda v: (-v.total, v.text))
        self.per_document = sum(len(where) for where in members.values()) / max(1, self.size)
        self.values_cost = sum(
            v.total * MEMBER_COST if v.members is not None else self.size / BITMAP_PER
            for values in self.facets.values()
            for v in values
        )
        pks, title = self.pks, self.keys["title"]
        everyone = range(self.size)
        # modified and popularity: largest first, then id ascending; title: A to Z, then id ascending
        orders: dict[str, list[int]] = {}
        for sort in DESCENDING:
            keys = self.keys[sort]
            orders[sort] = sorted(everyone, key=lambda p: (keys[p], -pks[p]), reverse=True)
        orders["title"] = sorted(everyone, key=lambda p: (title[p], pks[p]))
        for sort, order in orders.items():
            self.orders[sort] = array("I", order)
            places = array("I", bytes(4 * self.size))
            for place, p in enumerate(order):
                places[p] = place
            self.places[sort] = places
        return self

    # --- pages ------------------------------------------------------------------------------------
    def _after(self, sort: str, place: int, key: str, last: int) -> bool:
        """Whether the document at ``place`` in the sort order comes after the cursor (key, id)."""
        p = self.orders[sort][place]
        mine, pk = self.keys[sort][p], self.pks[p]
        if sort in DESCENDING:
            return mine < key or (mine == key and pk > last)
        return mine > key or (mine == key and pk > last)

    def _start(self, sort: str, cursor: tuple[str, int] | None) -> int:
        """The first place in the sort order after the cursor (binary search: the order is sorted)."""
        if cursor is None:
            return 0
        low, high = 0, self.size
        while low < high:
            middle = (low + high) // 2
            if self._after(sort, middle, *cursor):
                high = middle
            else:
                low = middle + 1
        return low

    def page(
        self, match: int, sort: str, n: int, cursor: tuple[str, int] | None = None, offset: int = 0
    ) -> list[tuple[int, str]]:
        """Up to ``n`` (document id, sort key) of the matches in ``sort`` order, after the cursor and
        the first ``offset`` of them."""
        order, places, keys = self.orders[sort], self.places[sort], self.keys[sort]
        start = self._start(sort, cursor)
        wanted = offset + n
        if match.bit_count() <= SMALL_PAGE:
            chosen = sorted(q for q in (places[p] for p in positions_of(match)) if q >= start)
            found = [order[q] for q in chosen[offset:wanted]]
        else:
            raw = match.to_bytes(self.size // 8 + 1, "little")
            found = []
            for q in range(start, self.size):
                p = order[q]
                if raw[p >> 3] >> (p & 7) & 1:
                    found.append(p)
                    if len(found) == wanted:
                        break
            found = found[offset:]
        return [(self.pks[p], keys[p]) for p in found]

    def contains(self, match: int) -> Callable[[int], bool]:
        """A test of whether a document id is among the matches."""
        raw = match.to_bytes(self.size // 8 + 1, "little")
        position = self.position

        def test(pk: int) -> bool:
            p = position.get(pk)
            return p is not None and bool(raw[p >> 3] >> (p & 7) & 1)

        return test

    # --- building a query's match set ------------------------------------------------------------
    def places_of(self, ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """For an array of document ids: which of them are in the snapshot (a mask) and their positions."""
        where = np.searchsorted(self.pk_array, ids)
        where[where >= self.size] = 0
        found = self.pk_array[where] == ids if self.size else np.zeros(len(ids), dtype=bool)
        return found, where[found]

    def bitmap_of(self, places: np.ndarray) -> int:
        """The bitmap with these positions set (vectorised :func:`bitmap`)."""
        flags = np.zeros(self.size + 1, dtype=bool)
        flags[places] = True
        return int.from_bytes(np.packbits(flags, bitorder="little").tobytes(), "little")

    def of_ids(self, ids: Iterable[int]) -> int:
        """The bitmap of these document ids (ids not in the snapshot are left out)."""
        _, places = self.places_of(np.fromiter(ids, dtype=np.int64))
        return self.bitmap_of(places)

    def visible(self, admin: bool, publishers: Iterable[Any]) -> int:
        if admin:
            return self.everything
        bits = self.by_status.get("published", 0)
        for publisher in publishers:
            bits |= self.by_publisher.get(str(publisher).replace("-", ""), 0)
        return bits

    def with_status(self, statuses: Iterable[str]) -> int:
        bits = 0
        for status in statuses:
            bits |= self.by_status.get(status, 0)
        return bits

    def having(self, name: str, text: str) -> int:
        """The documents with this value of the facet; ``ANY`` for those with any value of it."""
        if text == ANY:
            bits = 0
            for each in self.facets.get(name, []):
                bits |= each.as_bits(self.size)
            return bits
        value = self._lookup.get((name, text))
        return value.as_bits(self.size) if value else 0

    # --- counting ---------------------------------------------------------------------------------
    def counts(self, match: int, limit: int) -> dict[str, list[tuple[str, int]]]:
        """Per facet, the ``limit`` values with most matches (count descending, then value)."""
        limit = max(1, limit)
        if match.bit_count() * self.per_document <= self.values_cost:
            return self._from_documents(match, limit)
        raw = match.to_bytes(self.size // 8 + 1, "little")
        out: dict[str, list[tuple[str, int]]] = {}
        for name, values in self.facets.items():
            top: list[tuple[int, str]] = []  # a min-heap on (count, reversed order of text)
            for value in values:
                if len(top) == limit and value.total < top[0][0]:
                    break  # totals only fall from here: nothing left can enter
                n = value.count(match, raw)
                if not n:
                    continue
                item = (n, _Reversed(value.text))
                if len(top) < limit:
                    heapq.heappush(top, item)  # type: ignore[misc]
                elif item > top[0]:
                    heapq.heapreplace(top, item)  # type: ignore[misc]
            ranked = sorted(((n, str(text)) for n, text in top), key=lambda t: (-t[0], t[1]))
            if ranked:
                out[name] = [(text, n) for n, text in ranked]
        return out

    def forward(self) -> list[tuple[tuple[str, str], ...]]:
        """Each document's facet values, made the first time the documents' side is counted."""
        if self._forward is None:
            with _forward_lock:
                if self._forward is None:
                    lists: list[list[tuple[str, str]]] = [[] for _ in range(self.size)]
                    for key, value in self._lookup.items():
                        for p in value.members if value.members is not None else positions_of(value.bits):
                            lists[p].append(key)
                    self._forward = [tuple(keys) for keys in lists]
        return self._forward

    def _from_documents(self, match: int, limit: int) -> dict[str, list[tuple[str, int]]]:
        counter: Counter[tuple[str, str]] = Counter()
        forward = self.forward()
        for p in positions_of(match):
            counter.update(forward[p])
        grouped: dict[str, list[tuple[str, int]]] = {}
        for (name, text), n in counter.items():
            grouped.setdefault(name, []).append((text, n))
        return {name: sorted(items, key=lambda t: (-t[1], t[0]))[:limit] for name, items in grouped.items()}


class _Reversed(str):
    """Orders texts backwards, so that a min-heap on (count, text) evicts the later text of a tie."""

    __slots__ = ()

    def __lt__(self, other: object) -> bool:
        return str.__gt__(self, other)  # type: ignore[operator]

    def __gt__(self, other: object) -> bool:
        return str.__lt__(self, other)  # type: ignore[operator]


_lock = threading.Lock()
_forward_lock = threading.Lock()
_refreshing: set[str] = set()
_snapshots: dict[str, Snapshot] = {}  # database alias -> its snapshot


def _refresh_later(key: str, alias: str) -> None:
    with _lock:
        if key in _refreshing:
            return
        _refreshing.add(key)

    def build() -> None:
        try:
            with connections[alias].cursor() as cursor:
                cursor.execute("SELECT value FROM search_generation WHERE id = 1")
                row = cursor.fetchone()
            fresh = Snapshot(int(row[0]) if row else 0).load(alias)
            _snapshots[key] = fresh
        finally:
            connections.close_all()  # this thread's connections
            with _lock:
                _refreshing.discard(key)

    threading.Thread(target=build, name="search-snapshot", daemon=True).start()


def generation() -> int:
    with connection.cursor() as cursor:
        cursor.execute("SELECT value FROM search_generation WHERE id = 1")
        row = cursor.fetchone()
    return int(row[0]) if row else 0


def bump() -> None:
    """Mark the index changed (call inside the transaction that changes it)."""
    value = random.SystemRandom().getrandbits(62) + 1
    with connection.cursor() as cursor:
        cursor.execute("UPDATE search_generation SET value = %s WHERE id = 1", [value])
        if cursor.rowcount == 0:
            cursor.execute("INSERT INTO search_generation (id, value) VALUES (1, %s)", [value])


def current() -> Snapshot:
    """The snapshot at the index's present generation, rebuilt when the index has changed.

    A catalogue larger than ``SYNC_LIMIT`` keeps answering from the snapshot it has while a thread
    builds the new one (about a second per 100,000 datasets): search there is near-real-time, as in
    Solr or OpenSearch; smaller ones see every change at once.
    """
    now = generation()
    key = f"{connection.alias}:{connection.settings_dict.get('NAME')}"
    found = _snapshots.get(key)
    if found is not None and found.generation == now and time.monotonic() - found.built < REFRESH_SECONDS:
        return found
    if found is not None and found.size > SYNC_LIMIT:
        _refresh_later(key, connection.alias)
        return found
    with _lock:
        found = _snapshots.get(key)
        if found is None or found.generation != now or time.monotonic() - found.built >= REFRESH_SECONDS:
            found = _snapshots[key] = Snapshot(now).load(connection.alias)
    return found
