"""The pages a report leads to: confirmation, public tracking (no personal data), following and
unfollowing, and the public photo."""

from __future__ import annotations

from django.http import FileResponse, HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from openingup.core.errors import NotFound
from openingup.reports import photos, queries, workflow
from openingup.reports.models import Follower, ServiceRequest
from openingup.reports.services import feedback
from openingup.reports.texts import pick
from openingup.web.views.common import not_found, service_errors
from openingup.web.views.reports.common import photo_url


def _photo(media_url: str) -> dict[str, str]:
    """Our own photo is shown from this site; a photo elsewhere (an Open311 client's media_url) only
    linked, so that opening the page does not tell another server who looks at it."""
    name = media_url.rsplit("/", 1)[-1]
    if photos.is_photo_name(name) and media_url == photo_url(name):
        return {"photo_src": reverse("web:report-photo", args=[name]), "photo_link": ""}
    return {"photo_src": "", "photo_link": media_url}


def _public(request: ServiceRequest) -> dict[str, object]:
    """What anyone with the tracking link sees: the public record and its public updates."""
    updates = queries.public_updates([request.pk])[request.pk]
    return {
        **_photo(request.media_url),
        "report": request,
        "service_name": pick(request.service.name) or request.service.code,
        "state": workflow.state(request.status),
        "is_open": workflow.open311_status(request.status) == "open",
        "history": [
            {
                "update": u,
                "label": workflow.state(u.status).label,
                "changed": u.status != u.previous_status,
            }
            for u in updates
        ],
    }


@never_cache
@require_safe
@service_errors
def done(request: HttpRequest, token: str) -> HttpResponse:
    report = queries.request_by_token(token)
    context = _public(report) | {"informed": report.followers.filter(is_reporter=True).exists()}
    return render(request, "web/reports/done.html", context)


@require_safe
@service_errors
def track(request: HttpRequest, token: str) -> HttpResponse:
    report = queries.request_by_token(token)
    response = render(request, "web/reports/track.html", _public(report))
    response["Cache-Control"] = "private, max-age=60"
    response["Referrer-Policy"] = "no-referrer"  # the token is in the address: do not pass it on
    return response


def _follower(token: str) -> Follower:
    found = Follower.objects.select_related("request__service").filter(token=token).first() if token else None
    if found is None:
        raise NotFound("No follower with this token.")
    return found


@never_cache
@require_safe
@service_errors
def following(request: HttpRequest, token: str) -> HttpResponse:
    follower = _follower(token)
    return render(request, "web/reports/following.html", _public(follower.request) | {"follower": follower})


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@service_errors
def unfollow(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks, POST stops the e-mails (a link in an e-mail must not act on its own: mail scanners
    open links)."""
    follower = _follower(token)
    if request.method == "POST":
        feedback.unfollow(actor=None, follower=follower)
        return render(request, "web/reports/unfollowed.html", {"report": follower.request})
    return render(request, "web/reports/unfollow.html", {"follower": follower, "report": follower.request})


@require_safe
def photo(request: HttpRequest, name: str) -> HttpResponse | FileResponse:
    try:
        handle = photos.open_photo(name)
    except FileNotFoundError:
        return not_found(request, _("There is no photo at this address."))
    response = FileResponse(handle, content_type="image/jpeg")
    response["Cache-Control"] = "public, max-age=86400, immutable"
    response["Content-Security-Policy"] = "default-src 'none'"
    return response
