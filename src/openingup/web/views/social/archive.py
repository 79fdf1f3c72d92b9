"""The archive page: export a period (and channels) as a ZIP for a records request; check the chain."""

from __future__ import annotations

from datetime import date
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponseBase, StreamingHttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from openingup.core.errors import FieldProblem, PermissionDenied
from openingup.organisations.permissions import is_admin
from openingup.social.archive import chain, export
from openingup.social.archive.models import ArchiveCheckpoint, ArchiveEntry
from openingup.social.publishing import permissions
from openingup.social.queries import channels_for
from openingup.web.views.common import service_errors


def _channels(user: Any) -> list[Any]:
    from openingup.social.permissions import can_poll_channel

    return [c for c in channels_for(user) if is_admin(user) or can_poll_channel(user, c)]


def _date(value: str, name: str, problems: list[FieldProblem]) -> date | None:
    try:
        return date.fromisoformat(value)
    except ValueError:
        problems.append(FieldProblem(name, _("Give a date (YYYY-MM-DD).")))
        return None


@login_required
@never_cache
@require_http_methods(["GET", "POST"])
@service_errors
def archive(request: HttpRequest) -> HttpResponseBase:
    if not permissions.can_export_archive(request.user):
        raise PermissionDenied("Only administrators and editors export the archive.")
    channels = _channels(request.user)
    problems: list[Any] = []
    status = 200
    verification = chain.verify() if request.method == "POST" else None
    if request.GET.get("from") or request.GET.get("to"):
        start = _date(request.GET.get("from", ""), "from", problems)
        end = _date(request.GET.get("to", ""), "to", problems)
        allowed = {str(c.pk) for c in channels}
        chosen = [c for c in request.GET.getlist("channel") if c in allowed]
        if not chosen and not is_admin(request.user):
            chosen = sorted(allowed)  # an editor exports their own channels only
            if not chosen:
                problems.append(FieldProblem("channel", _("You have no channels to export.")))
        if start and end and not problems:
            try:
                wanted = export.ExportRequest(start, end, chosen)
            except ValueError:
                problems.append(FieldProblem("to", _("The last day is before the first.")))
            else:
                response = StreamingHttpResponse(export.stream_zip(wanted), content_type="application/zip")
                response["Content-Disposition"] = f'attachment; filename="{export.filename(wanted)}"'
                return response
        status = 400
    context = {
        "channels": channels,
        "form": request.GET,
        "chosen": request.GET.getlist("channel"),
        "problems": problems,
        "entries": ArchiveEntry.objects.count(),
        "checkpoint": ArchiveCheckpoint.objects.order_by("-sequence").first(),
        "verification": verification,
    }
    return render(request, "web/social/archive.html", context, status=status)
