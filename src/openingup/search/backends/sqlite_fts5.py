"""The embedded default: an FTS5 table ``search_fts`` beside ``search_document`` in the SQLite database.

FTS5 has no Snowball stemmers, so stemming happens in Python (snowballstemmer): each language column
holds the stems of that language's literals, ``text_all`` the unstemmed words of every literal and
``title_all`` the titles and keywords (autocomplete). A query term is stemmed with every language and
matched against that language's column, ORed, and every term must match. Each term is passed to MATCH as
a quoted FTS5 string, so no FTS5 syntax (``"``, ``*``, ``NEAR``, ``OR``, ``-``, ``col:``, ``^``) can
come from the user.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from openingup.search.backends.base import SqlBackend, register
from openingup.search.documents import Document
from openingup.search.languages import LANGUAGES, stem_text, stem_words

LANGS = tuple(LANGUAGES)
COLUMNS = ("title_all", "text_all", *(f"text_{lang}" for lang in LANGS))
CREATE = (
    f"CREATE VIRTUAL TABLE IF NOT EXISTS search_fts USING fts5({', '.join(COLUMNS)}, "
    "tokenize = 'unicode61 remove_diacritics 2')"
)
DROP = "DROP TABLE IF EXISTS search_fts"


def fts_string(token: str) -> str:
    """An FTS5 string literal: the only way user text reaches MATCH."""
    return '"' + token.replace('"', '""') + '"'


def _stems(term: str) -> dict[str, str]:
    return {lang: stem_words(lang, [term])[0] for lang in LANGS}


@register
class SqliteFts5Backend(SqlBackend):
    name = "sqlite"
    rank_adds_up = True  # bm25 is a sum of one idf-weighted term per phrase of the query

    def _write_text(self, rows: list[tuple[int, Document]]) -> None:
        values: list[Any] = [
            (
                pk,
                doc.title_text,
                doc.all_text,
                *(stem_text(lang, doc.texts.get(lang, "")) for lang in LANGS),  # the same as ``stems``
            )
            for pk, doc in rows
        ]
        marks = ", ".join("%s" for _ in range(len(COLUMNS) + 1))
        with connection.cursor() as cursor:
            cursor.executemany(
                f"INSERT INTO search_fts (rowid, {', '.join(COLUMNS)}) VALUES ({marks})", values
            )

    def _delete_text(self, ids: list[int]) -> None:
        with connection.cursor() as cursor:
            for start in range(0, len(ids), 500):
                chunk = ids[start : start + 500]
                cursor.execute(
                    f"DELETE FROM search_fts WHERE rowid IN ({', '.join('%s' for _ in chunk)})", chunk
                )

    def _clear_text(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute("DELETE FROM search_fts")

    def match_expression(self, terms: list[str]) -> str:
        clauses = []
        for term in terms:
            columns: dict[str, list[str]] = {}  # one phrase per distinct stem, over the columns sharing it
            for lang, stem in _stems(term).items():
                columns.setdefault(stem, []).append(f"text_{lang}")
            alternatives = [f"text_all : {fts_string(term)}"]
            alternatives += [f"{{{' '.join(c)}}} : {fts_string(stem)}" for stem, c in columns.items()]
            clauses.append("(" + " OR ".join(alternatives) + ")")
        return " AND ".join(clauses)

    def _match(self, terms: list[str], ranked: bool = True) -> tuple[str, list[Any]]:
        if not ranked:
            return "SELECT rowid AS doc FROM search_fts WHERE search_fts MATCH %s", [
                self.match_expression(terms)
            ]
        # bm25 weights: titles count most, then the stemmed columns, then the unstemmed text
        weights = ", ".join(["4.0", "1.0", *["2.0"] * len(LANGS)])
        return (
            f"SELECT rowid AS doc, bm25(search_fts, {weights}) AS rank FROM search_fts "
            "WHERE search_fts MATCH %s",
            [self.match_expression(terms)],
        )

    def _prefix(self, terms: list[str]) -> tuple[str, list[Any]]:
        expression = " AND ".join(fts_string(t) + "*" for t in terms)
        return "SELECT rowid AS doc FROM search_fts WHERE search_fts MATCH %s", [
            f"title_all : ({expression})"
        ]
