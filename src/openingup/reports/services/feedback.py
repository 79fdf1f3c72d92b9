"""Writers of reporter feedback: following a request, and the satisfaction question at closure."""

from __future__ import annotations

import secrets
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import EmailValidator
from django.db import transaction
from django.utils import timezone

from openingup.core.errors import FieldProblem, InvalidInput
from openingup.reports import workflow
from openingup.reports.models import Follower, Satisfaction, ServiceRequest
from openingup.reports.services.requests import add_note, change_status

MAX_COMMENT = 2000
REOPEN_NOTE = "Reopened: the reporter was not satisfied with how the report was handled."


def _language(code: str) -> str:
    offered = {c for c, _n in settings.LANGUAGES}
    short = (code or "").split("-")[0].lower()
    return short if short in offered else settings.LANGUAGE_CODE


@transaction.atomic
def follow_request(
    *, actor: Any, request: ServiceRequest, email: str, language: str = "", is_reporter: bool = False
) -> Follower:
    """Have ``email`` receive the e-mails about ``request`` (once per address; following again keeps
    the first). Anyone may follow an open request; InvalidInput for a bad address or a closed request."""
    address = (email or "").strip()
    try:
        EmailValidator()(address)
        if len(address) > 254:
            raise ValidationError("too long")
    except ValidationError:
        raise InvalidInput(
            "Not an e-mail address.", [FieldProblem("email", "is not an e-mail address")]
        ) from None
    if not is_reporter and workflow.open311_status(request.status) != "open":
        raise InvalidInput(
            "This report is closed and can no longer be followed.",
            [FieldProblem("request", "is closed")],
        )
    existing = Follower.objects.filter(request=request, email__iexact=address).first()
    if existing is not None:
        if is_reporter and not existing.is_reporter:
            existing.is_reporter = True
            existing.save(update_fields=["is_reporter"])
        return existing
    return Follower.objects.create(
        request=request,
        email=address,
        language=_language(language),
        is_reporter=is_reporter,
        token=secrets.token_urlsafe(16),
    )


@transaction.atomic
def unfollow(*, actor: Any, follower: Follower) -> None:
    """Stop the e-mails to this follower (the address is deleted)."""
    Follower.objects.filter(pk=follower.pk).delete()


@transaction.atomic
def ask_satisfaction(*, request: ServiceRequest) -> Satisfaction:
    """A new satisfaction question about ``request`` (each closure asks again)."""
    return Satisfaction.objects.create(
        request=request, token=secrets.token_urlsafe(16), asked_at=timezone.now()
    )


@transaction.atomic
def answer_satisfaction(
    *, actor: Any, satisfaction: Satisfaction, satisfied: bool, comment: str = ""
) -> Satisfaction:
    """Record the reporter's answer, once. "Not satisfied" reopens the request through the workflow
    (``reopened``, else ``reopen_requested``) as a public update; the comment, which may hold personal
    details, is kept as an internal note. InvalidInput when already answered or the comment is too long."""
    if satisfaction.answered_at is not None:
        raise InvalidInput(
            "This question was already answered.", [FieldProblem("satisfied", "already answered")]
        )
    text = (comment or "").strip()
    if len(text) > MAX_COMMENT:
        raise InvalidInput(
            "The comment is too long.",
            [FieldProblem("comment", f"is {len(text):,} characters; at most {MAX_COMMENT:,}")],
        )
    satisfaction.satisfied = satisfied
    satisfaction.comment = text
    satisfaction.answered_at = timezone.now()
    satisfaction.save(update_fields=["satisfied", "comment", "answered_at"])
    request = ServiceRequest.objects.select_for_update().get(pk=satisfaction.request_id)
    if not satisfied:
        for target in ("reopened", "reopen_requested"):
            if workflow.can_move(request.status, target):
                change_status(actor=None, request=request, status=target, note=REOPEN_NOTE)
                break
    if text:
        label = "satisfied" if satisfied else "not satisfied"
        add_note(actor=None, request=request, description=f"Reporter ({label}): {text}", internal=True)
    return satisfaction
