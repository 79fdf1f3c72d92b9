"""PostgreSQL full text: ``tsvector`` columns on ``search_document``, one per language, GIN-indexed.

Each language column is ``to_tsvector('<snowball configuration>', literals in that language)``;
``tsv_simple`` holds every literal unstemmed and ``tsv_title`` the titles and keywords (autocomplete).
A query term must match in at least one column, through ``plainto_tsquery`` with that column's
configuration — the term is a bind parameter and plainto_tsquery reads no operators, so no tsquery
syntax can come from the user.
"""

from __future__ import annotations

from typing import Any

from django.db import connection

from openingup.search.backends.base import SqlBackend, register
from openingup.search.documents import Document
from openingup.search.languages import LANGUAGES, canonical

LANGS = tuple(LANGUAGES)
TEXT_COLUMNS = ("tsv_simple", "tsv_title", *(f"tsv_{lang}" for lang in LANGS))
CREATE = [
    *(f"ALTER TABLE search_document ADD COLUMN IF NOT EXISTS {c} tsvector" for c in TEXT_COLUMNS),
    *(f"CREATE INDEX IF NOT EXISTS search_document_{c}_gin ON search_document USING gin ({c})"
      for c in TEXT_COLUMNS),
]  # fmt: skip
DROP = [f"ALTER TABLE search_document DROP COLUMN IF EXISTS {c}" for c in TEXT_COLUMNS]


@register
class PostgresBackend(SqlBackend):
    name = "postgres"

    def _write_text(self, rows: list[tuple[int, Document]]) -> None:
        sets = [
            "tsv_simple = to_tsvector('simple', all_text)",
            "tsv_title = to_tsvector('simple', title_text)",
        ]
        sets += [
            f"tsv_{lang} = to_tsvector('{config}', coalesce(texts ->> '{lang}', '')) || "
            f"to_tsvector('{config}', coalesce(stems ->> '{lang}', ''))"
            for lang, config in LANGUAGES.items()
        ]
        with connection.cursor() as cursor:
            cursor.execute(
                f"UPDATE search_document SET {', '.join(sets)} WHERE id = ANY(%s)", [[pk for pk, _ in rows]]
            )

    def _delete_text(self, ids: list[int]) -> None:
        """The vectors live on the document rows: they go with them."""

    def _clear_text(self) -> None:
        """As above."""

    def _match(self, terms: list[str], ranked: bool = True) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for term in terms:
            # a language column holds PostgreSQL's stems of the words and of their Python fixpoint stems
            # (see languages.canonical); the term is looked up both ways too
            alternatives = ["tsv_simple @@ plainto_tsquery('simple', %s)"]
            params.append(term)
            for lang, c in LANGUAGES.items():
                alternatives.append(
                    f"tsv_{lang} @@ (plainto_tsquery('{c}', %s) || plainto_tsquery('{c}', %s))"
                )
                params += [term, canonical(lang, term)]
            clauses.append("(" + " OR ".join(alternatives) + ")")
        if not ranked:
            return f"SELECT id AS doc FROM search_document WHERE {' AND '.join(clauses)}", params
        text = " ".join(terms)
        ranks = [
            "2 * ts_rank(tsv_title, plainto_tsquery('simple', %s))",
            "ts_rank(tsv_simple, plainto_tsquery('simple', %s))",
        ]
        ranks += [f"ts_rank(tsv_{lang}, plainto_tsquery('{c}', %s))" for lang, c in LANGUAGES.items()]
        sql = (
            f"SELECT id AS doc, -({' + '.join(ranks)})::float8 AS rank FROM search_document "
            f"WHERE {' AND '.join(clauses)}"
        )
        return sql, [text] * len(ranks) + params

    def _prefix(self, terms: list[str]) -> tuple[str, list[Any]]:
        # terms are letters and digits only (languages.WORD); quoted as lexemes with a prefix mark
        query = " & ".join("'" + t.replace("'", "") + "':*" for t in terms)
        return "SELECT id AS doc FROM search_document WHERE tsv_title @@ to_tsquery('simple', %s)", [query]
