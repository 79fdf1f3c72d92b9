"""Announcement rules: which platform events are announced on which channels, each switchable."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST

from openingup.core.errors import InvalidInput, NotFound
from openingup.social.publishing import queries, rules
from openingup.social.publishing.models import AnnouncementRule
from openingup.web.views.common import service_errors


def _visible_rules(user: Any) -> list[AnnouncementRule]:
    mine = {c.pk for c in queries.postable_channels(user)}
    found = AnnouncementRule.objects.prefetch_related("channels").order_by("event", "id")
    return [r for r in found if {c.pk for c in r.channels.all()} and {c.pk for c in r.channels.all()} <= mine]


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@service_errors
def announcements(request: HttpRequest) -> HttpResponse:
    channels = queries.postable_channels(request.user)
    problems: list[Any] = []
    status = 200
    if request.method == "POST":
        chosen = [c for c in channels if str(c.pk) in request.POST.getlist("channel")]
        try:
            rules.save_rule(
                actor=request.user,
                event=request.POST.get("event", ""),
                texts={code: request.POST.get(f"text_{code}", "") for code, _name in settings.LANGUAGES},
                channels=chosen,
                auto_approve=request.POST.get("auto_approve") == "on",
            )
        except InvalidInput as exc:
            problems, status = exc.problems, 400
        else:
            flash.success(request, _("The announcement rule was saved."))
            return redirect("web:social-announcements")
    context = {
        "rules": _visible_rules(request.user),
        "channels": channels,
        "events": AnnouncementRule.Event.choices,
        "languages": settings.LANGUAGES,
        "form": request.POST if request.method == "POST" else {},
        "problems": problems,
    }
    return render(request, "web/social/announcements.html", context, status=status)


@login_required
@require_POST
@service_errors
def toggle(request: HttpRequest, pk: int) -> HttpResponse:
    rule = next((r for r in _visible_rules(request.user) if r.pk == pk), None)
    if rule is None:
        raise NotFound("No such rule.")
    rules.set_enabled(actor=request.user, rule=rule, enabled=not rule.enabled)
    flash.success(
        request, _("The rule was switched on.") if rule.enabled else _("The rule was switched off.")
    )
    return redirect("web:social-announcements")
