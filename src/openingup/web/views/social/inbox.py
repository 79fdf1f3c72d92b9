"""The webcare inbox list: conversations with filters, and each person's saved views."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from openingup.core.errors import InvalidInput, NotFound
from openingup.social.enrich.language import LANGUAGES
from openingup.social.inbox import queries, services, workflow
from openingup.social.inbox.models import InboxItem
from openingup.social.models import Message
from openingup.web.views.common import offset_param, service_errors

TEXT_CHARS = 140


@dataclass(frozen=True)
class Row:
    """One conversation of the list, ready to show (formatted here: far cheaper than in the template)."""

    link: str
    when: str
    author: str
    text: str
    channel: str
    state: str
    holder: str
    sentiment: str
    score: str


def _row(item: InboxItem, sentiments: dict[str, str], no_text: str) -> Row:
    shown = item.last_incoming
    text = (shown.text if shown else "") or item.conversation.subject or no_text
    holders = [item.assignee.get_username() if item.assignee else "", str(item.team) if item.team else ""]
    return Row(
        link=reverse("web:social-conversation", args=[item.pk]),
        when=timezone.localtime(item.last_incoming_at).strftime("%Y-%m-%d %H:%M"),
        author=f"@{item.author_handle}" if item.author_handle else "—",
        text=text if len(text) <= TEXT_CHARS else text[: TEXT_CHARS - 1] + "…",
        channel=str(item.channel),
        state=str(workflow.LABELS.get(item.state, item.state)),
        holder=", ".join(h for h in holders if h) or "—",
        sentiment=sentiments.get(item.sentiment, "—"),
        score="—" if item.service_request_score is None else f"{item.service_request_score:.2f}",
    )


def _link(filters: dict[str, str]) -> str:
    return reverse("web:social-inbox") + ("?" + urlencode(filters) if filters else "")


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@service_errors
def inbox(request: HttpRequest) -> HttpResponse:
    """GET lists; POST saves the filters it carries as a view under ``name``."""
    params = request.POST if request.method == "POST" else request.GET
    criteria, problems = queries.parse_filters(params)
    status = 400 if problems else 200
    if request.method == "POST":
        try:
            view = services.save_view(
                actor=request.user, name=request.POST.get("name", ""), filters=criteria.as_query()
            )
        except InvalidInput as exc:
            problems, status = exc.problems, 400
        else:
            flash.success(request, _("The view “%(name)s” was saved.") % {"name": view.name})
            return redirect(_link(view.filters))
    offset = offset_param(request.GET.get("offset"))
    rows = queries.items(request.user, criteria, limit=queries.PAGE + 1, offset=offset)
    query = criteria.as_query()
    sentiments = {value: str(label) for value, label in Message.Sentiment.choices}
    channels = queries.inbox_channels(request.user)
    context = {
        "rows": [_row(item, sentiments, _("(no text)")) for item in rows[: queries.PAGE]],
        "more": _link({**query, "offset": str(offset + queries.PAGE)}) if len(rows) > queries.PAGE else "",
        "criteria": criteria,
        "query": query,
        "problems": problems,
        "channels": channels,
        "states": [(s, workflow.LABELS[s]) for s in workflow.STATES],
        "languages": LANGUAGES,
        "sentiments": Message.Sentiment.choices,
        "teams": queries.teams_of(channels),
        "saved_views": [(v, _link(v.filters)) for v in queries.saved_views(request.user)],
    }
    return render(request, "web/social/inbox.html", context, status=status)


@login_required
@require_POST
@service_errors
def view_delete(request: HttpRequest, pk: int) -> HttpResponse:
    view = next((v for v in queries.saved_views(request.user) if v.pk == pk), None)
    if view is None:
        raise NotFound(f"No saved view {pk}.")
    services.delete_view(actor=request.user, view=view)
    flash.success(request, _("The view “%(name)s” was deleted.") % {"name": view.name})
    return redirect("web:social-inbox")
