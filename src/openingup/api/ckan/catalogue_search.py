"""CKAN's ``package_search``: ``q``, ``fq`` (the common Solr field syntax), ``rows``, ``start``, ``sort``,
``facet.field``, ``facet.limit`` and ``include_private``.

The search itself is :func:`_search`, through the search index: every word of ``q`` must match (stemmed
per language), the clauses become the index's facet filters, and the count and facets come from the
index; pages in best-match, title or recent-use (``views_recent``) order too, other orders page over
the catalogue. ``fq`` understands ``field:value`` and ``field:"quoted value"`` clauses joined by spaces,
``+`` or ``AND`` over ``organization``, ``owner_org``, ``name``, ``id``, ``tags``, ``groups``,
``res_format`` and ``license_id`` (and ``*:*``); anything else is a Validation Error naming ``fq``, never
passed to a search engine. ``rows`` is at most 1000 for anonymous callers and members without the editor
role; administrators and editors may ask for any number (authorised bulk clients).
"""

from __future__ import annotations

import json
import re
import uuid
from collections import Counter
from dataclasses import dataclass
from typing import Any

from django.db.models import Q, QuerySet
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Lower
from django.http import HttpRequest

from openingup.api.ckan.actions import (
    Invalid,
    Param,
    Params,
    ValidationError,
    boolean,
    integer,
    natural_number,
    text,
    validate,
)
from openingup.api.ckan.catalogue_read import show_many
from openingup.api.ckan.ckan_shapes import (
    THEME_PREFIX,
    catalogue_action,
    code,
    group_dict,
    lang,
    pick,
    tags_of,
)
from openingup.catalogue.models import Dataset, Status
from openingup.catalogue.queries import DatasetFilter, filtered_datasets
from openingup.organisations import permissions
from openingup.organisations.models import Membership, Organisation
from openingup.vocabularies.registry import vocabulary

MAX_ROWS = 1000
DEFAULT_SORT = "score desc, metadata_modified desc"
FQ_FIELDS = ("organization", "owner_org", "name", "id", "tags", "groups", "res_format", "license_id")
FACET_FIELDS = ("organization", "groups", "tags", "res_format", "license_id")
LARGEST = 10**9  # offsets and page sizes beyond any catalogue (and within every database's integers)
_CLAUSE = re.compile(
    r'\s*(?:(?:AND|&&)\s+)?\+?([A-Za-z_]+):(?:"((?:[^"\\]|\\.)*)"|([^\s"()\[\]{}^~*?:\\]+))\s*'
)
_ANY = re.compile(r"\s*(?:(?:AND|&&)\s+)?\+?\*:\*\s*")
SORTS = {
    "metadata_modified": "updated_at",
    "metadata_created": "created_at",
    "name": "slug",
    "title_string": "title",
    "score": None,
    "views_recent": None,  # CKAN's tracking sorts: use in the last 90 days, through the search index
    "views_total": None,
}


def parse_fq(fq: str) -> list[tuple[str, str]]:
    """``fq`` as (field, value) clauses, all of which must hold; ValidationError when it cannot be read."""
    clauses: list[tuple[str, str]] = []
    position = 0
    fq = fq.strip()
    while position < len(fq):
        anything = _ANY.match(fq, position)
        if anything and anything.end() > position:
            position = anything.end()
            continue
        found = _CLAUSE.match(fq, position)
        if found is None or found.end() == position:
            raise ValidationError({"fq": [f"Cannot parse fq near: {fq[position : position + 40]!r}"]})
        field = found.group(1)
        if field not in FQ_FIELDS:
            raise ValidationError(
                {"fq": [f"Unknown field {field[:40]!r} in fq; known: {', '.join(FQ_FIELDS)}"]}
            )
        value = found.group(2) if found.group(2) is not None else found.group(3)
        clauses.append((field, re.sub(r"\\(.)", r"\1", value)))
        position = found.end()
    return clauses


def _vocabulary_uri(name: str, value: str) -> str | None:
    if value.startswith(("http://", "https://")):
        return value
    found = vocabulary(name).by_code(value)
    return found.uri if found else None


def _apply(rows: QuerySet[Dataset], field: str, value: str) -> QuerySet[Dataset]:
    nothing = rows.none()
    if field == "organization":
        return rows.filter(publisher__slug=value)
    if field in ("owner_org", "id"):
        try:
            pk = uuid.UUID(value)
        except ValueError:
            return nothing
        return rows.filter(publisher_id=pk) if field == "owner_org" else rows.filter(pk=pk)
    if field == "name":
        return rows.filter(slug=value)
    if field == "tags":
        # CKAN's tags field is an exact string: narrow by the JSON text, then check the tags themselves
        quoted = Q(keywords__icontains=json.dumps(value)) | Q(
            keywords__icontains=json.dumps(value, ensure_ascii=False)
        )
        candidates = Dataset.objects.filter(quoted).only("pk", "keywords")
        return rows.filter(pk__in=[d.pk for d in candidates if value in tags_of(d)])
    if field == "groups":
        uri = _vocabulary_uri("data-theme", value.upper())
        return rows.filter(themes__icontains=f'"{uri}"') if uri else nothing
    if field == "res_format":
        uri = _vocabulary_uri("file-type", value.upper())
        return rows.filter(distributions__format=uri) if uri else nothing
    uri = _vocabulary_uri("licence", value)
    return rows.filter(distributions__licence=uri) if uri else nothing


def parse_sort(sort: str) -> list[Any]:
    order: list[Any] = []
    for part in sort.split(","):
        words = part.split()
        if not words:
            continue
        if len(words) != 2 or words[0] not in SORTS or words[1].lower() not in ("asc", "desc"):
            raise ValidationError({"sort": [f"Cannot sort by {part.strip()[:60]!r}"]})
        column = SORTS[words[0]]
        if column is None:
            continue
        desc = words[1].lower() == "desc"
        expression: Any = Lower(KeyTextTransform(lang(), "title")) if column == "title" else None
        if expression is not None:
            order.append(expression.desc() if desc else expression.asc())
        else:
            order.append(f"-{column}" if desc else column)
    return [*order, "-updated_at", "pk"]


@dataclass
class Found:
    count: int
    datasets: list[Dataset]
    facets: dict[str, list[tuple[str, int]]]


MAX_TEXT_MATCHES = 100_000
# CKAN's facet fields and filters as the search index names them
INDEX_FIELDS = {
    "organization": "organisation",
    "tags": "keyword",
    "groups": "theme",
    "res_format": "format",
    "license_id": "licence",
}
VOCABULARIES = {"groups": "data-theme", "res_format": "file-type", "license_id": "licence"}


def _text_matches(user: Any, q: str) -> list[str] | None:
    """Ids of the datasets whose texts match ``q`` through the search index (stemmed per language),
    best first; None when ``q`` has no words (then everything matches)."""
    from openingup.search.backends.base import SearchQuery
    from openingup.search.languages import words
    from openingup.search.queries import search

    if not words(q):
        return None
    ids: list[str] = []
    cursor = ""
    while len(ids) < MAX_TEXT_MATCHES:
        found = search(SearchQuery(q=q[:1000], user=user, limit=1000, cursor=cursor, facets=False))
        ids += [hit.dataset_id for hit in found.hits]
        if not found.next_cursor:
            break
        cursor = found.next_cursor
    return ids


def _index_filters(clauses: list[tuple[str, str]]) -> tuple[dict[str, list[str]], list[str] | None]:
    """CKAN's field clauses as the search index's facet filters, and the datasets ``name:``/``id:``
    clauses leave (an empty list when a clause can match nothing)."""
    filters: dict[str, list[str]] = {}
    only: set[str] | None = None

    def keep(ids: list[str]) -> None:
        nonlocal only
        only = set(ids) if only is None else only & set(ids)

    for field, value in clauses:
        if field in ("owner_org", "id"):
            try:
                pk = uuid.UUID(value)
            except ValueError:
                keep([])
                continue
            if field == "id":
                keep([str(pk)])
                continue
            slug = Organisation.objects.filter(pk=pk).values_list("slug", flat=True).first()
            field, value = "organization", slug or ""
            if slug is None:
                keep([])
                continue
        if field == "name":
            keep([str(pk) for pk in Dataset.objects.filter(slug=value).values_list("pk", flat=True)])
            continue
        if field in VOCABULARIES:
            uri = _vocabulary_uri(VOCABULARIES[field], value if field == "license_id" else value.upper())
            if uri is None:
                keep([])
                continue
            value = uri
        filters.setdefault(INDEX_FIELDS[field], []).append(value)
    return filters, (sorted(only) if only is not None else None)


def _index_sort(sort: str, q: str) -> str | None:
    """The search index's order for a CKAN sort it can give (best match first, or by title)."""
    from openingup.search.languages import words

    first = " ".join(sort.split(",")[0].split()).lower()
    if first == "score desc" and words(q):
        return "relevance"
    if first == "title_string asc":
        return "title"
    if first in ("views_recent desc", "views_total desc"):
        return "popularity"
    return None


def _search(
    user: Any,
    q: str,
    clauses: list[tuple[str, str]],
    *,
    include_private: bool,
    sort: str,
    start: int,
    rows: int,
    facet_limit: int,
) -> Found:
    """The one place that searches: the count, facets and (for the orders it has) the page come from the
    search index; other orders page over the catalogue through the same clauses."""
    from openingup.search.backends.base import MAX_LIMIT as CHUNK
    from openingup.search.backends.base import SearchQuery
    from openingup.search.queries import search

    filters, only = _index_filters(clauses)
    statuses = (Status.PUBLISHED.value, Status.DRAFT.value) if include_private else (Status.PUBLISHED.value,)
    order = _index_sort(sort, q)
    query = SearchQuery(
        q=q[:1000],
        filters=filters,
        datasets=only,
        statuses=statuses,
        user=user,
        sort=order or "relevance",
        limit=max(1, min(rows, CHUNK)),
        offset=start,
        facets=facet_limit > 0,
        facet_limit=facet_limit,
    )
    found = search(query)
    if rows == 0 or start >= found.total:
        return Found(found.total, [], found.facets)
    if order is None:
        page = _catalogue_page(user, q, clauses, statuses, sort, start, rows)
        return Found(found.total, page, found.facets)
    ids = [hit.dataset_id for hit in found.hits]
    while len(ids) < rows and len(ids) + start < found.total:  # authorised bulk clients: more chunks
        query.offset, query.facets = start + len(ids), False
        more = search(query).hits
        if not more:
            break
        ids += [hit.dataset_id for hit in more]
    ids = ids[:rows]
    rows_of = Dataset.objects.select_related("publisher").prefetch_related("distributions")
    by_id = {str(d.pk): d for d in rows_of.filter(pk__in=ids)}
    return Found(found.total, [by_id[pk] for pk in ids if pk in by_id], found.facets)


def _catalogue_page(
    user: Any,
    q: str,
    clauses: list[tuple[str, str]],
    statuses: tuple[str, ...],
    sort: str,
    start: int,
    rows: int,
) -> list[Dataset]:
    """A page in an order the index does not keep (name, creation or modification time)."""
    ranked = _text_matches(user, q)
    matching = filtered_datasets(user, DatasetFilter()).filter(status__in=statuses)
    if ranked is not None:
        matching = matching.filter(pk__in=ranked)
    for field, value in clauses:
        matching = _apply(matching, field, value)
    rows_of = matching.distinct().select_related("publisher").prefetch_related("distributions")
    return list(rows_of.order_by(*parse_sort(sort))[start : start + rows])


def _facets(found: dict[str, list[tuple[str, int]]], fields: list[str]) -> dict[str, Counter[str]]:
    """The index's facet counts under CKAN's field names and value codes."""
    counts: dict[str, Counter[str]] = {}
    for field in fields:
        counter: Counter[str] = Counter()
        for value, n in found.get(INDEX_FIELDS[field], []):
            if field == "groups":
                if not value.startswith(THEME_PREFIX):
                    continue
                value = code(value).lower()
            elif field in VOCABULARIES:
                value = code(value)
            counter[value] += n
        counts[field] = counter
    return counts


def _display_names(field: str, names: list[str]) -> dict[str, str]:
    if field == "organization":
        orgs = Organisation.objects.filter(slug__in=names)
        return {o.slug: pick(o.name) or o.slug for o in orgs}
    if field == "groups":
        return {n: group_dict(THEME_PREFIX + n.upper())["title"] for n in names}
    return {}


def _facet_list(value: Any) -> list[str]:
    if isinstance(value, str):
        try:
            value = json.loads(value) if value.strip().startswith("[") else [value]
        except (ValueError, RecursionError):
            raise Invalid("Cannot parse JSON") from None
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise Invalid("Must be a JSON list of field names")
    unknown = [v for v in value if v not in FACET_FIELDS]
    if unknown:
        raise Invalid(f"Unknown facet field {unknown[0][:40]!r}; known: {', '.join(FACET_FIELDS)}")
    return list(dict.fromkeys(value))


def may_bulk(user: Any) -> bool:
    """Administrators and editors may ask for more than 1,000 rows."""
    if permissions.is_admin(user):
        return True
    if not getattr(user, "is_authenticated", False):
        return False
    return Membership.objects.filter(user=user, role=Membership.Role.EDITOR).exists()


SEARCH_SCHEMA = {
    "q": Param(text, default=""),
    "fq": Param(text, default=""),
    "fq_list": Param(lambda v: v if isinstance(v, list) else [v]),
    "rows": Param(natural_number, default=10),
    "start": Param(natural_number, default=0),
    "sort": Param(text, default=DEFAULT_SORT),
    "facet": Param(boolean, default=True),
    "facet.field": Param(_facet_list, default=[]),
    "facet.limit": Param(integer, default=50),
    "facet.mincount": Param(natural_number, default=1),
    "include_private": Param(boolean, default=False),
    "include_drafts": Param(boolean, default=False),
    "include_deleted": Param(boolean, default=False),
    "use_default_schema": Param(boolean),
    "defType": Param(text),
    "qf": Param(text),
}


@catalogue_action("package_search", side_effect_free=True)
def package_search(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Searches for packages satisfying a given search criteria.

    :param q: the words to find in titles, descriptions and keywords (all of them, case-insensitive);
        a ``q`` made only of ``fq`` clauses (``tags:economy``) filters as ``fq`` does
    :type q: string
    :param fq: filter clauses, all of which must hold: ``organization:NAME``, ``owner_org:ID``,
        ``name:NAME``, ``id:ID``, ``tags:TAG``, ``groups:THEME``, ``res_format:CSV``,
        ``license_id:CC_BY_4_0``; values may be quoted; clauses are joined by spaces, ``+`` or ``AND``
    :type fq: string
    :param sort: comma-separated ``field direction`` pairs over ``metadata_modified``,
        ``metadata_created``, ``name``, ``title_string`` and ``score`` (default
        ``"score desc, metadata_modified desc"``)
    :type sort: string
    :param rows: the maximum number of matching rows to return (default 10; at most 1000 unless the
        caller is an administrator or editor)
    :type rows: int
    :param start: the offset in the complete result for where the set of returned datasets should begin
    :type start: int
    :param facet.field: the fields to facet upon: organization, groups, tags, res_format, license_id
    :type facet.field: list of strings
    :param facet.limit: the maximum number of values per facet field (default 50; -1 for all)
    :type facet.limit: int
    :param include_private: include the drafts the caller may see (default false)
    :type include_private: bool

    :returns: ``count``, ``results``, ``facets``, ``search_facets`` and ``sort``
    :rtype: dictionary
    """
    values = validate(params, SEARCH_SCHEMA, junk=False)
    user = request.auth  # type: ignore[attr-defined]
    if values["rows"] > MAX_ROWS and not may_bulk(user):
        raise ValidationError({"rows": [f"Must be less than or equal to {MAX_ROWS}"]})
    q = values["q"]
    clauses = parse_fq(values["fq"])
    for extra in values.get("fq_list", []):
        clauses += parse_fq(text(extra))
    if ":" in q:  # ``q=tags:economy`` as clients send it to Solr: field clauses, else plain words
        try:
            clauses += parse_fq(q)
            q = ""
        except ValidationError:
            pass
    sort = values["sort"].strip() or DEFAULT_SORT
    parse_sort(sort)  # a Validation Error for a sort CKAN would refuse
    include_private = values["include_private"] or values["include_drafts"]
    fields = values["facet.field"] if values["facet"] else []
    limit = values["facet.limit"]
    found = _search(
        user,
        q,
        clauses,
        include_private=include_private,
        sort=sort,
        start=min(values["start"], LARGEST),
        rows=min(values["rows"], LARGEST),
        facet_limit=(1000 if limit is None or limit < 0 else min(limit, 1000)) if fields else 0,
    )
    counts = _facets(found.facets, fields) if fields else {}
    facets: dict[str, dict[str, int]] = {}
    search_facets: dict[str, Any] = {}
    for field, counter in counts.items():
        top = [(n, c) for n, c in counter.most_common() if c >= values["facet.mincount"]]
        if limit is not None and limit >= 0:
            top = top[:limit]
        facets[field] = dict(top)
        names = _display_names(field, [n for n, _ in top])
        search_facets[field] = {
            "title": field,
            "items": [{"name": n, "display_name": names.get(n, n), "count": c} for n, c in top],
        }
    return {
        "count": found.count,
        "facets": facets,
        "results": show_many(found.datasets),
        "search_facets": search_facets,
        "sort": sort,
    }
