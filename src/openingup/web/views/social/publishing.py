"""Compose a post for several channels, and a post's page: submit, approve (a second person), send back,
try again."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from openingup import config
from openingup.core.errors import Conflict, FieldProblem, InvalidInput
from openingup.social.publishing import limits, permissions, queries, services
from openingup.web.views.common import service_errors


def _zone() -> ZoneInfo:
    return ZoneInfo(config.get("OPENINGUP_SOCIAL_TIME_ZONE"))


def _when(value: str) -> datetime | None:
    if not value.strip():
        return None
    try:
        return datetime.fromisoformat(value.strip()).replace(tzinfo=_zone())
    except ValueError:
        raise InvalidInput(
            _("Give the time to publish at as a date and time."),
            [FieldProblem("scheduled_at", _("not a date and time"))],
        ) from None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@service_errors
def compose(request: HttpRequest) -> HttpResponse:
    channels = queries.postable_channels(request.user)
    problems: list[Any] = []
    status = 200
    form: Any = {}
    if request.method == "POST":
        form = request.POST
        chosen = [c for c in channels if str(c.pk) in request.POST.getlist("channel")]
        try:
            post = services.compose(
                actor=request.user,
                channels=chosen,
                text=request.POST.get("text", ""),
                variants={str(c.pk): request.POST.get(f"variant_{c.pk}", "") for c in chosen},
                scheduled_at=_when(request.POST.get("scheduled_at", "")),
                language=request.POST.get("language", ""),
                submit=request.POST.get("action") == "submit",
            )
        except InvalidInput as exc:
            problems, status = exc.problems, 400
        else:
            flash.success(
                request,
                _("The post was submitted for approval.")
                if post.status == "awaiting"
                else _("The draft was saved."),
            )
            return redirect("web:social-post", pk=post.pk)
    text = form.get("text", "") if form else ""
    context = {
        "channels": [
            {
                "channel": c,
                "limit": limits.LIMITS[c.kind],
                "used": limits.length(c.kind, form.get(f"variant_{c.pk}", "") or text),
                "checked": str(c.pk) in (form.getlist("channel") if form else []),
                "variant": form.get(f"variant_{c.pk}", "") if form else "",
            }
            for c in channels
        ],
        "form": form,
        "languages": settings.LANGUAGES,
        "zone": config.get("OPENINGUP_SOCIAL_TIME_ZONE"),
        "problems": problems,
        "awaiting": queries.awaiting_approval(request.user),
    }
    return render(request, "web/social/compose.html", context, status=status)


def _facet_labels(text: str) -> list[str]:
    """What Bluesky will make of the text: each link, hashtag and mention, as it appears in it."""
    raw = text.encode()
    return [
        raw[f["index"]["byteStart"] : f["index"]["byteEnd"]].decode() for f in limits.preview_facets(text)
    ]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@service_errors
def post(request: HttpRequest, pk: int) -> HttpResponse:
    found = queries.post(request.user, pk)
    problems: list[Any] = []
    status = 200
    if request.method == "POST":
        action = request.POST.get("action", "")
        try:
            if action == "edit":
                services.update_draft(
                    actor=request.user,
                    post=found,
                    text=request.POST.get("text", ""),
                    variants={
                        str(t.channel_id): request.POST.get(f"variant_{t.channel_id}", "")
                        for t in found.targets.all()
                    },
                    scheduled_at=_when(request.POST.get("scheduled_at", "")),
                    language=request.POST.get("language", found.language),
                )
                done = _("The draft was saved.")
            elif action == "submit":
                services.submit(actor=request.user, post=found)
                done = _("The post was submitted for approval.")
            elif action == "approve":
                found = services.approve(actor=request.user, post=found)
                done = _("The post was approved: %(status)s.") % {"status": found.get_status_display()}
            elif action == "reject":
                services.reject(actor=request.user, post=found, note=request.POST.get("note", ""))
                done = _("The post was sent back to its author.")
            elif action == "retry":
                found = services.retry(actor=request.user, post=found)
                done = _("The post was tried again: %(status)s.") % {"status": found.get_status_display()}
            else:
                raise InvalidInput(_("Unknown action."), [FieldProblem("action", action)])
        except (InvalidInput, Conflict) as exc:
            problems = getattr(exc, "problems", None) or [str(exc)]
            status = 400
        else:
            flash.success(request, done)
            return redirect("web:social-post", pk=found.pk)
        found = queries.post(request.user, pk)
    targets = [
        {
            "target": t,
            "used": limits.length(t.channel.kind, t.text),
            "limit": limits.LIMITS.get(t.channel.kind, 0),
            "facets": _facet_labels(t.text) if t.channel.kind == "bluesky" else [],
        }
        for t in found.targets.all()
    ]
    mine = request.user.pk == found.author_id
    editable = all(permissions.can_compose_on(request.user, t.channel) for t in found.targets.all())
    context = {
        "post": found,
        "targets": targets,
        "can_submit": found.status == "draft" and editable,
        "scheduled_local": found.scheduled_at.astimezone(_zone()).strftime("%Y-%m-%dT%H:%M")
        if found.scheduled_at
        else "",
        "languages": settings.LANGUAGES,
        "zone": config.get("OPENINGUP_SOCIAL_TIME_ZONE"),
        "can_review": found.status == "awaiting" and permissions.can_approve_post(request.user, found),
        "own_awaiting": mine and found.status == "awaiting",
        "can_retry": found.status == "failed" and editable,
        "problems": problems,
    }
    return render(request, "web/social/post.html", context, status=status)


__all__ = ["compose", "post", "require_POST"]
