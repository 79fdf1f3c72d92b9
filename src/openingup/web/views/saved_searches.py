"""Saved searches: save the /search/ query, list and delete them, and Atom feeds of the newest matches.

A saved search's feed is public by its unguessable id (feed readers fetch it without signing in) and,
like the feed of the current query (``/search/feed.atom?<query>``), shows published datasets only.
"""

from __future__ import annotations

import html
import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AnonymousUser
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import feedgenerator
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from openingup.catalogue import queries as catalogue_queries
from openingup.catalogue.models import Dataset
from openingup.core.errors import InvalidInput, NotFound
from openingup.search import services
from openingup.search.models import SavedSearch
from openingup.search.queries import search
from openingup.web.presentation import pick
from openingup.web.views.common import service_errors
from openingup.web.views.search import _criteria

FEED_SIZE = 50
SUMMARY_CHARS = 1000


def _user(request: HttpRequest) -> Any:
    return request.user  # signed in: the views that use it need login


def _search_url(query: str) -> str:
    return reverse("web:search") + (f"?{query}" if query else "")


def _feed(request: HttpRequest, query: str, title: str, self_url: str) -> HttpResponse:
    """An Atom 1.0 feed of the 50 most recently modified published datasets matching ``query``."""
    criteria = _criteria(QueryDict(query))
    if criteria.problems:
        raise NotFound("; ".join(criteria.problems))
    try:
        # Published datasets only, whoever asks: a feed is public.
        result = search(criteria.query(user=AnonymousUser(), limit=FEED_SIZE, sort="modified", facets=False))
    except InvalidInput:
        raise NotFound("The search could not be run.") from None
    ids = [hit.dataset_id for hit in result.hits]
    datasets = {str(d.pk): d for d in Dataset.objects.filter(pk__in=ids, status="published")}
    feed = feedgenerator.Atom1Feed(
        title=title,
        link=request.build_absolute_uri(_search_url(query)),
        description="",
        language=request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else None,
        feed_url=request.build_absolute_uri(self_url),
        feed_guid=request.build_absolute_uri(self_url),
        author_name=pick(catalogue_queries.catalogue().title).value or request.get_host(),
    )
    for pk in ids:
        dataset = datasets.get(pk)
        if dataset is None:
            continue
        link = request.build_absolute_uri(reverse("web:dataset", args=[dataset.slug]))
        summary = pick(dataset.description).value
        feed.add_item(
            title=pick(dataset.title).value or dataset.slug,
            link=link,
            description=html.escape(summary[:SUMMARY_CHARS]),  # the summary is type="html"
            unique_id=f"urn:uuid:{dataset.pk}",
            updateddate=dataset.updated_at,
        )
    response = HttpResponse(content_type="application/atom+xml; charset=utf-8")
    feed.write(response, "utf-8")
    response["Access-Control-Allow-Origin"] = "*"
    return response


@require_safe
@service_errors
def query_feed(request: HttpRequest) -> HttpResponse:
    """``/search/feed.atom?<query>``: the newest published datasets matching the query."""
    query = services.clean_query(request.GET.urlencode())
    q = request.GET.get("q", "").strip()
    title = _("Search: %(q)s") % {"q": q[:200]} if q else _("Search results")
    return _feed(request, query, title, reverse("web:search-feed") + (f"?{query}" if query else ""))


@require_safe
@service_errors
def saved_feed(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """``/search/saved/<id>.atom``: public by the id, published datasets only."""
    saved = SavedSearch.objects.filter(pk=pk).first()
    if saved is None:
        raise NotFound(f"No saved search {pk}.")
    return _feed(request, saved.query, saved.name, reverse("web:saved-search-feed", args=[saved.pk]))


@login_required
@never_cache
@require_safe
def saved_list(request: HttpRequest) -> HttpResponse:
    rows: list[dict[str, Any]] = [
        {
            "saved": saved,
            "search_url": _search_url(saved.query),
            "feed_url": reverse("web:saved-search-feed", args=[saved.pk]),
        }
        for saved in SavedSearch.objects.filter(user=_user(request))
    ]
    return render(request, "web/search/saved.html", {"rows": rows, "max_saved": services.MAX_SAVED})


@login_required
@require_POST
@service_errors
def saved_create(request: HttpRequest) -> HttpResponse:
    query = request.POST.get("query", "")
    try:
        saved = services.save_search(actor=request.user, name=request.POST.get("name", ""), query=query)
    except InvalidInput as exc:
        messages.error(request, _("The search was not saved: %(reason)s") % {"reason": _reason(exc)})
        return redirect(_search_url(services.clean_query(query)))
    messages.success(request, _("The search “%(name)s” was saved.") % {"name": saved.name})
    return redirect("web:saved-searches")


def _reason(exc: InvalidInput) -> str:
    fields = {p.field for p in exc.problems}
    if any("saved searches" in p.problem for p in exc.problems):
        return _("you have %(max)s saved searches already; delete one first.") % {"max": services.MAX_SAVED}
    if "name" in fields:
        return _("give it a name of at most %(max)s characters.") % {"max": services.MAX_NAME}
    return _("the search is too long to save.")


@login_required
@require_POST
@service_errors
def saved_delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    saved = SavedSearch.objects.filter(pk=pk, user=_user(request)).first()
    if saved is None:
        raise NotFound(f"No saved search {pk} of yours.")
    services.delete_saved_search(actor=request.user, saved=saved)
    messages.success(request, _("The saved search “%(name)s” was deleted.") % {"name": saved.name})
    return redirect("web:saved-searches")
