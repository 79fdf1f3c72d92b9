"""Social media pages: the channels (list, add) and the messages with filters.

Signed-in people see the channels of their organisations (administrators: all); site administrators and
an organisation's editors add channels. Tokens are never shown again once stored.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from openingup.core.errors import InvalidInput, NotFound
from openingup.organisations.permissions import editable_organisations
from openingup.social import queries, services
from openingup.social.enrich.language import LANGUAGES
from openingup.social.models import Channel, Message
from openingup.web.views.common import offset_param, service_errors

KINDS = ("mastodon", "bluesky", "rss")


def _organisations(user: Any) -> list[Any]:
    return editable_organisations(user)


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@service_errors
def channel_list(request: HttpRequest) -> HttpResponse:
    organisations = _organisations(request.user)
    can_add = bool(organisations) or request.user.is_superuser  # type: ignore[union-attr]
    form: dict[str, str] = {"kind": "mastodon", "base_url": "", "handle": "", "name": "", "organisation": ""}
    problems: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        form = {key: request.POST.get(key, "").strip() for key in form}
        chosen = next((o for o in organisations if str(o.pk) == form["organisation"]), None)
        try:
            channel = services.add_channel(
                actor=request.user,
                kind=form["kind"],
                base_url=form["base_url"],
                handle=form["handle"],
                token=request.POST.get("token", ""),
                name=form["name"],
                organisation=chosen,
            )
        except InvalidInput as exc:
            problems = {p.field: p.problem for p in exc.problems}
            status = 400
        else:
            flash.success(request, _("The channel “%(name)s” was added.") % {"name": str(channel)})
            return redirect("web:social-channels")
    context = {
        "channels": list(queries.channels_for(request.user)),
        "can_add": can_add,
        "organisations": organisations,
        "kinds": KINDS,
        "form": form,
        "problems": problems,
    }
    return render(request, "web/social/channels.html", context, status=status)


@login_required
@never_cache
@require_safe
@service_errors
def message_list(request: HttpRequest) -> HttpResponse:
    channels = list(queries.channels_for(request.user))
    chosen = request.GET.get("channel", "")
    channel: Channel | None = next((c for c in channels if str(c.pk) == chosen), None)
    if chosen and channel is None:
        raise NotFound(f"No channel {chosen!r}.")
    language = request.GET.get("language", "")
    sentiment = request.GET.get("sentiment", "")
    criteria = queries.MessageFilter(
        channel=channel,
        language=language if language in LANGUAGES else "",
        sentiment=sentiment if sentiment in Message.Sentiment.values else "",
    )
    offset = offset_param(request.GET.get("offset"))
    rows = queries.messages(request.user, criteria, limit=queries.PAGE + 1, offset=offset)
    context = {
        "messages_page": rows[: queries.PAGE],
        "more": len(rows) > queries.PAGE,
        "next_offset": offset + queries.PAGE,
        "channels": channels,
        "languages": LANGUAGES,
        "sentiments": Message.Sentiment.choices,
        "criteria": criteria,
    }
    return render(request, "web/social/messages.html", context)
