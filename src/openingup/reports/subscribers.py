"""Reporter feedback listens to the requests: filing and every status change put e-mails in the outbox
for the reporter and the followers, each in their own language, from the editable templates.

A request filed with an e-mail address through Open311 gets its reporter as a follower here; the web
form makes that follower itself, in the visitor's language. On closure the reporter (not the other
followers) gets the satisfaction question. Events arrive after commit; a failure is logged by the bus.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.urls import reverse
from django.utils import formats, timezone, translation

from openingup.core.events import Event, subscribe
from openingup.reports import events, mailtexts, outbox, workflow
from openingup.reports.models import Follower, Reporter, RequestUpdate, ServiceRequest
from openingup.reports.services import feedback
from openingup.reports.texts import pick

NO_CLOSING_MAIL = ("reopen_requested",)  # the reporter asked for it: a status mail, no new question


def absolute(name: str, token: str) -> str:
    return settings.BASE_URL + reverse(name, args=[token])


def _values(request: ServiceRequest, language: str, note: str = "", status: str = "") -> dict[str, str]:
    with translation.override(language):
        return {
            "id": str(request.pk),
            "service": pick(request.service.name, language),
            "status": str(workflow.state(status or request.status).label),
            "note": note,
            "notice": pick(request.service.service_notice, language),
            "date": formats.date_format(timezone.localtime(request.requested_datetime), "DATE_FORMAT"),
            "tracking_url": absolute("web:report-track", request.token),
            "satisfaction": "",
        }


def _compose(follower: Follower, event: str, values: dict[str, str]) -> mailtexts.Mail:
    footer = mailtexts.footer_text(absolute("web:report-unfollow", follower.token), follower.language)
    return mailtexts.render(event, follower.language, values, footer=footer)


def _mail(follower: Follower, request: ServiceRequest, event: str, values: dict[str, str]) -> None:
    mail = _compose(follower, event, values)
    outbox.queue_mail(
        to=follower.email, subject=mail.subject, text=mail.text, html=mail.html, request=request, event=event
    )


def _reporter_follower(request: ServiceRequest) -> None:
    """Open311 filings: the reporter's e-mail address becomes a follower in the site's language."""
    reporter = Reporter.objects.filter(request=request, anonymised_at__isnull=True).first()
    if reporter and reporter.email and not request.followers.filter(is_reporter=True).exists():
        feedback.follow_request(
            actor=None,
            request=request,
            email=reporter.email,
            language=settings.LANGUAGE_CODE,
            is_reporter=True,
        )


@subscribe(events.REQUEST_FILED)
def mail_received(event: Event) -> None:
    request = ServiceRequest.objects.select_related("service").filter(pk=event.payload["request_id"]).first()
    if request is None:
        return
    with transaction.atomic():
        _reporter_follower(request)
        for follower in request.followers.all():
            _mail(follower, request, "received", _values(request, follower.language))


@subscribe(events.REQUEST_STATUS_CHANGED)
def mail_status_change(event: Event) -> None:
    request = ServiceRequest.objects.select_related("service").filter(pk=event.payload["request_id"]).first()
    if request is None:
        return
    update_id = event.payload.get("update_id")
    update = RequestUpdate.objects.filter(pk=update_id).first() if update_id else None
    note = update.description if update is not None and not update.internal else ""
    status = event.payload["status"]
    closing = is_closing(event.payload.get("previous") or workflow.INITIAL, status)
    with transaction.atomic():
        question = None
        for follower in request.followers.all():
            values = _values(request, follower.language, note, status)
            if closing and follower.is_reporter:
                question = question or feedback.ask_satisfaction(request=request)
                url = absolute("web:report-satisfaction", question.token)
                values["satisfaction"] = mailtexts.satisfaction_text(url, follower.language)
            _mail(follower, request, "closed" if closing else f"status:{status}", values)


def is_closing(previous: str, status: str) -> bool:
    """Whether a move from ``previous`` to ``status`` closes the request (the closing e-mail, with the
    satisfaction question for the reporter)."""
    return (
        workflow.open311_status(status) == "closed"
        and workflow.open311_status(previous) == "open"
        and status not in NO_CLOSING_MAIL
    )


def preview_status_mail(
    request: ServiceRequest, follower: Follower, status: str, note: str
) -> mailtexts.Mail:
    """The e-mail ``follower`` would get if ``request`` moved to ``status`` with the public ``note``,
    made exactly as :func:`mail_status_change` makes it, without storing or sending anything. The
    satisfaction link, made only when the mail is sent, shows as ``…``."""
    closing = is_closing(request.status, status)
    values = _values(request, follower.language, note.strip(), status)
    if closing and follower.is_reporter:
        url = absolute("web:report-satisfaction", "TOKEN").replace("TOKEN", "…")
        values["satisfaction"] = mailtexts.satisfaction_text(url, follower.language)
    return _compose(follower, "closed" if closing else f"status:{status}", values)
