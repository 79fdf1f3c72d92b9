"""The search page: full text over the catalogue's index with facets, filters, keyset paging and a map.

The same query is JSON at the same URL (``?format=json`` or ``Accept: application/json``).
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import render
from django.urls import reverse
from django.utils.cache import patch_vary_headers
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from openingup.core.errors import InvalidInput
from openingup.datastore import maps
from openingup.organisations.models import Organisation
from openingup.search.backends.base import MAX_QUERY_CHARS, SORTS, SearchQuery, SearchResult
from openingup.search.documents import FACETS
from openingup.search.queries import search
from openingup.web.presentation import active_language, concept_label, pick
from openingup.web.views.public import Facet, FacetItem
from openingup.web.views.twins import negotiate

PAGE_SIZE = 20
FACET_LIMIT = 20
MAX_FILTER_VALUES = 20
VOCABULARIES = {
    "theme": "data-theme",
    "format": "file-type",
    "licence": "licence",
    "hvd": "hvd-category",
    "language": "language",
}
# URL parameter of each facet's filter: ``format`` is taken by the JSON twin (``?format=json``).
PARAMS = {name: "filetype" if name == "format" else name for name in FACETS}
# A snippet as the index gives it: escaped text and <mark> elements, nothing else.
_TAG = re.compile(r"<[^>]*>")
_ENTITY = re.compile(r"&(?:amp|lt|gt|quot|#x27|#39);")


def _titles() -> dict[str, str]:
    return {
        "organisation": _("Publisher"),
        "theme": _("Theme"),
        "format": _("Format"),
        "licence": _("Licence"),
        "keyword": _("Keyword"),
        "hvd": _("High-value data category"),
        "language": _("Language"),
    }


def _url(params: QueryDict, **changes: Any) -> str:
    """The query string with ``changes`` (a list sets several values; ``None`` or ``""`` removes).

    Empty parameters are left out, and so is ``format`` unless a change sets it.
    """
    query = QueryDict(mutable=True)
    for key in params:
        kept = [v for v in params.getlist(key) if v]
        if key not in changes and key != "format" and kept:
            query.setlist(key, kept)
    for key, value in changes.items():
        values = value if isinstance(value, list) else [value]
        kept = [str(v) for v in values if v not in (None, "")]
        if kept:
            query.setlist(key, kept)
    return f"?{query.urlencode()}" if query else "?"


def safe_snippet(snippet: str) -> str:
    """The snippet when it is nothing but escaped text and ``<mark>`` elements; escaped again otherwise."""
    if not snippet:
        return ""
    tags = _TAG.findall(snippet)
    text = _TAG.sub("", snippet)
    only_mark = all(tag in ("<mark>", "</mark>") for tag in tags)
    plain = not any(c in text for c in '<>"') and "&" not in _ENTITY.sub("", text)
    if only_mark and plain:
        return mark_safe(snippet)  # checked just above: escaped text and <mark> only
    return str(snippet)  # autoescaped by the template


def _labels(found: dict[str, list[tuple[str, int]]]) -> dict[tuple[str, str], str]:
    lang = active_language()
    slugs = [value for value, _count in found.get("organisation", [])]
    names = {o.slug: o.display_name(lang) for o in Organisation.objects.filter(slug__in=slugs)}
    labels: dict[tuple[str, str], str] = {}
    for name, values in found.items():
        for value, _count in values:
            if name == "organisation":
                labels[(name, value)] = names.get(value, value)
            elif name in VOCABULARIES:
                labels[(name, value)] = concept_label(VOCABULARIES[name], value)
            else:
                labels[(name, value)] = value
    return labels


def _facets(
    params: QueryDict, found: dict[str, list[tuple[str, int]]], filters: dict[str, list[str]]
) -> list[Facet]:
    """Every facet the index returns; a link adds its value to the filters or takes it away."""
    titles = _titles()
    labels = _labels(found)
    facets: list[Facet] = []
    for name in [*FACETS, *sorted(set(found) - set(FACETS))]:
        chosen = filters.get(name, [])
        items = []
        for value, count in found.get(name, []):
            selected = value in chosen
            values = [v for v in chosen if v != value] if selected else [*chosen, value]
            items.append(
                FacetItem(
                    labels.get((name, value), value),
                    count,
                    selected,
                    _url(params, cursor=None, **{PARAMS.get(name, name): values}),
                    value,
                )
            )
        if items:
            items.sort(key=lambda i: (not i.selected, -i.count, i.label.casefold()))
            facets.append(Facet(name, titles.get(name, name), items))
    return facets


def _date(text: str) -> str:
    """An ISO date (YYYY-MM-DD) or "" when empty; ValueError when it is not one."""
    text = text.strip()
    if not text:
        return ""
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        raise ValueError(text)
    return datetime.date.fromisoformat(text).isoformat()


@dataclass
class Criteria:
    q: str
    filters: dict[str, list[str]]
    sort: str
    start: str
    end: str
    bbox_text: str
    bbox: tuple[float, float, float, float] | None
    cursor: str
    problems: list[str]

    def query(self, *, user: Any, limit: int, sort: str = "", facets: bool = True) -> SearchQuery:
        """The index query for these criteria (``sort`` overrides the chosen order, as feeds do)."""
        return SearchQuery(
            q=self.q, filters=self.filters, bbox=self.bbox, start=self.start, end=self.end,
            sort=sort or self.sort, limit=limit, cursor="" if sort else self.cursor, facets=facets,
            facet_limit=FACET_LIMIT, user=user,
        )  # fmt: skip


def _criteria(params: QueryDict) -> Criteria:
    problems: list[str] = []
    q = params.get("q", "")
    if len(q) > MAX_QUERY_CHARS:
        problems.append(
            _("The search text is too long: use at most %(max)s characters.") % {"max": MAX_QUERY_CHARS}
        )
    filters = {
        name: [v[:300] for v in params.getlist(PARAMS[name]) if v][:MAX_FILTER_VALUES]
        for name in FACETS
        if any(params.getlist(PARAMS[name]))
    }
    sort = params.get("sort", "") or "relevance"
    if sort not in SORTS:
        problems.append(_("Sort by relevance, date modified or title."))
        sort = "relevance"
    start = end = ""
    try:
        start = _date(params.get("start", ""))
    except ValueError:
        problems.append(_("The start date is not a date; write it as YYYY-MM-DD."))
    try:
        end = _date(params.get("end", ""))
    except ValueError:
        problems.append(_("The end date is not a date; write it as YYYY-MM-DD."))
    if start and end and start > end:
        problems.append(_("The start date is after the end date."))
    bbox_text = params.get("bbox", "").strip()[:200]
    bbox = None
    if bbox_text:
        try:
            bbox = maps.parse_bbox(bbox_text)
        except ValueError:
            problems.append(
                _(
                    "The area needs four numbers separated by commas: west, south, east, north "
                    "(longitude and latitude in degrees)."
                )
            )
    cursor = params.get("cursor", "")[:500]
    return Criteria(q, filters, sort, start, end, bbox_text, bbox, cursor, problems)


def _extents(result: SearchResult) -> dict[str, tuple[float, float, float, float]]:
    from openingup.search.models import SearchDocument

    ids = [hit.dataset_id for hit in result.hits]
    rows = SearchDocument.objects.filter(dataset_id__in=ids, west__isnull=False).values_list(
        "dataset_id", "west", "south", "east", "north"
    )
    out: dict[str, tuple[float, float, float, float]] = {}
    for pk, west, south, east, north in rows:
        if west is not None and south is not None and east is not None and north is not None:
            out[str(pk)] = (west, south, east, north)
    return out


def _geometry(box: tuple[float, float, float, float]) -> dict[str, Any]:
    west, south, east, north = box
    if west == east and south == north:
        return {"type": "Point", "coordinates": [west, south]}
    if west == east or south == north:
        return {"type": "LineString", "coordinates": [[west, south], [east, north]]}
    ring = [[west, south], [east, south], [east, north], [west, north], [west, south]]
    return {"type": "Polygon", "coordinates": [ring]}


def _map(hits: list[dict[str, Any]]) -> str:
    features = [maps.Feature(_geometry(h["bbox"]), h["title"]) for h in hits if h["bbox"]]
    if not features:
        return ""
    # No links on the features: the SVG is role="img" (axe: nested-interactive); the list below links them.
    title = _("Where the datasets on this page lie")
    return mark_safe(maps.svg_map(features, title=title, tile_url=""))  # the module escapes every text


def _json(request: HttpRequest, criteria: Criteria, result: SearchResult | None, status: int) -> HttpResponse:
    body: dict[str, Any] = {
        "query": {
            "q": criteria.q[:MAX_QUERY_CHARS],
            "filters": criteria.filters,
            "sort": criteria.sort,
            "start": criteria.start,
            "end": criteria.end,
            "bbox": list(criteria.bbox) if criteria.bbox else None,
            "cursor": criteria.cursor,
        }
    }
    if result is None:
        body["errors"] = criteria.problems
    else:
        extents = _extents(result)
        body["total"] = result.total
        body["hits"] = [
            {
                "id": hit.dataset_id,
                "slug": hit.slug,
                "title": hit.title,
                "snippet": hit.snippet,
                "score": hit.score,
                "url": request.build_absolute_uri(reverse("web:dataset", args=[hit.slug])),
                "bbox": list(extents[hit.dataset_id]) if hit.dataset_id in extents else None,
            }
            for hit in result.hits
        ]
        labels = _labels(result.facets)
        body["facets"] = {
            name: [
                {"value": value, "count": count, "label": labels.get((name, value), value)}
                for value, count in values
            ]
            for name, values in result.facets.items()
        }
        body["next"] = (
            request.build_absolute_uri(
                reverse("web:search") + _url(request.GET, cursor=result.next_cursor, format="json")
            )
            if result.next_cursor
            else None
        )
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False), content_type="application/json", status=status
    )
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
def search_page(request: HttpRequest) -> HttpResponse:
    params = request.GET
    fmt = "json" if params.get("format") == "json" else negotiate(request)
    criteria = _criteria(params)
    result: SearchResult | None = None
    if not criteria.problems:
        try:
            result = search(criteria.query(user=request.user, limit=PAGE_SIZE))
        except InvalidInput:
            if criteria.cursor:
                criteria.problems.append(_("This page of results has expired; start the search again."))
            else:
                criteria.problems.append(_("The search could not be run; change the search text or filters."))
    status = 400 if result is None else 200
    response: HttpResponse
    if fmt == "json":
        response = _json(request, criteria, result, status)
    else:
        response = _html(request, criteria, result, status)
    patch_vary_headers(response, ["Accept"])
    return response


def _html(request: HttpRequest, criteria: Criteria, result: SearchResult | None, status: int) -> HttpResponse:
    params = request.GET
    hits: list[dict[str, Any]] = []
    facets: list[Facet] = []
    svg = ""
    if result is not None:
        extents = _extents(result)
        for hit in result.hits:
            title = pick(hit.title)
            hits.append(
                {
                    "slug": hit.slug,
                    "title": title.value or hit.slug,
                    "lang": title.lang,
                    "snippet": safe_snippet(hit.snippet),
                    "bbox": extents.get(hit.dataset_id),
                }
            )
        facets = _facets(params, result.facets, criteria.filters)
        svg = _map(hits)
    sorts = [
        ("relevance", _("Relevance")),
        ("modified", _("Last modified")),
        ("title", _("Title")),
        ("popularity", _("Most used")),
    ]
    hidden = [(PARAMS[name], value) for name, values in criteria.filters.items() for value in values]
    context = {
        "criteria": criteria,
        "q": criteria.q[:MAX_QUERY_CHARS],
        "result": result,
        "hits": hits,
        "facets": facets,
        "svg": svg,
        "mapped": [h for h in hits if h["bbox"]],
        "sorts": sorts,
        "hidden": hidden,
        "filtered": bool(criteria.filters or criteria.bbox_text or criteria.start or criteria.end),
        "next_url": _url(params, cursor=result.next_cursor) if result and result.next_cursor else "",
        "first_url": _url(params, cursor=None) if criteria.cursor else "",
        "clear_url": reverse("web:search")
        + (_url(QueryDict(mutable=True), q=criteria.q) if criteria.q else ""),
        "json_url": _url(params, format="json"),
        "feed_url": reverse("web:search-feed") + _url(params, cursor=None).rstrip("?"),
        "save_query": _url(params, cursor=None).lstrip("?"),
    }
    return render(request, "web/search/search.html", context, status=status)
