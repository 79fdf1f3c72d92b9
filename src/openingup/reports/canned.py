"""Canned replies: filling in a ready-made public message for one request, and finding the replies
that fit a request and the state it moves to.

A reply's body takes ``{placeholders}``: ``{request_id}``, ``{service}``, ``{status}`` (the new
state), ``{address}``, ``{date}`` (when it was reported) and ``{expected}`` (its due date). ``{{``
and ``}}`` write a brace; unknown placeholders stay as written. Values are put in once, as plain text:
a value that itself looks like a placeholder (an address typed as ``{service}``) is not filled in
again, and HTML in a value is escaped wherever the message is shown (pages and the e-mail's HTML part
escape it).
"""

from __future__ import annotations

import re

from django.db.models import Q, QuerySet
from django.utils import formats, timezone, translation

from openingup.reports import workflow
from openingup.reports.models import CannedReply, ServiceRequest
from openingup.reports.texts import pick

PLACEHOLDERS = ("request_id", "service", "status", "address", "date", "expected")
_TOKEN = re.compile(r"\{\{|\}\}|\{([a-z_]+)\}")


def fill(body: str, values: dict[str, str]) -> str:
    """``body`` with each known ``{name}`` replaced by its value, in one pass."""

    def replace(match: re.Match[str]) -> str:
        found = match.group(0)
        if found in ("{{", "}}"):
            return found[0]
        return values.get(match.group(1), found)

    return _TOKEN.sub(replace, body)


def unknown_placeholders(body: str) -> list[str]:
    """The ``{names}`` in ``body`` that are not placeholders (so a form can say so)."""
    return sorted(
        {m.group(1) for m in _TOKEN.finditer(body) if m.group(1) and m.group(1) not in PLACEHOLDERS}
    )


def values(request: ServiceRequest, status: str, language: str) -> dict[str, str]:
    """The placeholder values for ``request`` moving to ``status``, in ``language``."""
    with translation.override(language):
        address = request.address_string
        if not address and request.lat is not None and request.long is not None:
            address = f"{request.lat:.5f}, {request.long:.5f}"
        expected = request.expected_datetime
        return {
            "request_id": str(request.pk),
            "service": pick(request.service.name, language) or request.service.code,
            "status": str(workflow.state(status).label) if status in workflow.BY_KEY else status,
            "address": address,
            "date": formats.date_format(timezone.localtime(request.requested_datetime), "DATE_FORMAT"),
            "expected": formats.date_format(timezone.localtime(expected), "DATE_FORMAT") if expected else "",
        }


def render(reply: CannedReply, request: ServiceRequest, status: str) -> str:
    """The reply's text for this request and new state, in the reply's own language."""
    return fill(reply.body, values(request, status, reply.language))


def replies_for(request: ServiceRequest, status: str = "", language: str = "") -> QuerySet[CannedReply]:
    """The replies for the request's service (or every service) and ``status`` (or any state, or every
    state when ``status`` is empty); those in ``language`` are not preferred here, only filtered when
    given."""
    found = CannedReply.objects.filter(Q(service__isnull=True) | Q(service_id=request.service_id))
    if status:
        found = found.filter(Q(status="") | Q(status=status))
    if language:
        found = found.filter(language=language)
    return found.select_related("service").order_by("title", "language", "id")
