"""Answering from the platform and turning a conversation into a service request.

``reply`` sends through the channel's connector as a reply to the conversation's latest incoming
message; the sent message is stored as an outgoing message in the thread, the conversation becomes
answered and its first answer is timed in business hours. ``convert_to_service_request`` files an
Open311 request through the reports services and replies with its tracking link, in one transaction:
when the reply cannot be sent the request is not filed either.
"""

from __future__ import annotations

import hashlib
from typing import Any

import httpx
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from openingup import config
from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.reports import services as reports
from openingup.reports.models import ServiceRequest
from openingup.social import events, permissions
from openingup.social import services as social
from openingup.social.connectors import Draft
from openingup.social.inbox import canned, timing, workflow
from openingup.social.inbox.models import InboxAction, InboxItem
from openingup.social.inbox.services import move, record_action
from openingup.social.models import Message

MAX_DESCRIPTION = 4000


def tracking_url(request: ServiceRequest) -> str:
    """Where the reporter follows the request: ``OPENINGUP_SOCIAL_TRACKING_URL`` filled with its id and
    token, else the citizen app's tracking page (by the request's token) under the public base URL."""
    template = config.get("OPENINGUP_SOCIAL_TRACKING_URL")
    if template:
        return template.format(id=request.pk, token=request.token)
    path = reverse("web:report-track", kwargs={"token": request.token})
    return config.get("OPENINGUP_BASE_URL").rstrip("/") + path


def placeholder_values(item: InboxItem, message: Message | None = None) -> dict[str, str]:
    """What the placeholders of a canned reply stand for in this conversation."""
    message = message or item.last_incoming
    handle = message.author_handle if message else item.author_handle
    organisation = item.channel.organisation
    return {
        "name": (message.author_name if message else "") or (f"@{handle}" if handle else ""),
        "handle": f"@{handle}" if handle else "",
        "organisation": organisation.display_name(translation.get_language() or "en") if organisation else "",
        "channel": str(item.channel),
    }


def _target(item: InboxItem) -> Message:
    message = item.last_incoming or (
        Message.objects.filter(conversation_id=item.pk, direction=Message.Direction.IN)
        .order_by("-created_at", "-id")
        .first()
    )
    if message is None:
        raise InvalidInput("There is no message to answer.", [FieldProblem("text", "nothing to reply to")])
    return message


def _check_text(text: str) -> str:
    text = text.strip()
    if not text:
        raise InvalidInput("The reply is empty.", [FieldProblem("text", "write the reply")])
    left = canned.open_placeholders(text)
    if left:
        names = ", ".join("{" + name + "}" for name in left)
        raise InvalidInput(
            "The reply still has placeholders.", [FieldProblem("text", f"fill in or remove {names}")]
        )
    return text


def _send(actor: Any, item: InboxItem, text: str, transport: httpx.BaseTransport | None) -> Message:
    target = _target(item)
    sent_before = Message.objects.filter(conversation_id=item.pk, direction=Message.Direction.OUT).count()
    key = hashlib.sha256(f"{item.pk}:{sent_before}:{text}".encode()).hexdigest()[:32]
    draft = Draft(text=text, in_reply_to=target.external_id, language=target.language, idempotency_key=key)
    sent = social.send_message(actor=actor, channel=item.channel, draft=draft, transport=transport)
    if sent.conversation_id != item.pk:  # the platform's answer did not name the thread: keep it in ours
        Message.objects.filter(pk=sent.pk).update(conversation_id=item.pk, in_reply_to=target)
        sent.conversation_id = item.pk
    return sent


def _answered(item: InboxItem, sent: Message, actor: Any, kind: str, **detail: Any) -> None:
    move(item, workflow.ANSWER)
    if item.first_response_at is None:
        item.first_response_at = sent.created_at
        item.first_response_seconds = timing.business_seconds(item.channel, item.opened_at, sent.created_at)
    item.save()
    record_action(item, kind, actor, timezone.now(), message=sent.pk, **detail)
    publish(events.CONVERSATION_ANSWERED, conversation_id=item.pk, message_id=sent.pk)


def reply(*, actor: Any, item: InboxItem, text: str, transport: httpx.BaseTransport | None = None) -> Message:
    """Send ``text`` (its placeholders filled in) as a reply on the platform and record it. InvalidInput
    for an empty text, a placeholder without a value, a closed conversation or a platform that refused
    (nothing is recorded then)."""
    if actor is not None and not permissions.can_reply_to_conversation(actor, item.channel):
        raise PermissionDenied("You may not answer this conversation.")
    text = _check_text(canned.fill(text, placeholder_values(item)))
    if not workflow.allowed(item.state, workflow.ANSWER):
        raise InvalidInput(
            "Reopen the conversation before answering.", [FieldProblem("state", f"it is {item.state}")]
        )
    with transaction.atomic():
        item = InboxItem.objects.select_for_update(of=("self",)).select_related("channel").get(pk=item.pk)
        sent = _send(actor, item, text, transport)
        _answered(item, sent, actor, InboxAction.Kind.ANSWERED)
    return sent


def _location(message: Message, address: str) -> reports.Location:
    if address.strip():
        return reports.Location(address_string=address.strip()[:500])
    if message.latitude is not None and message.longitude is not None:
        return reports.Location(
            lat=message.latitude, long=message.longitude, address_string=message.place[:500]
        )
    if message.place:
        return reports.Location(address_string=message.place[:500])
    raise InvalidInput(
        "The message names no place we know.", [FieldProblem("address", "give the address or place")]
    )


def convert_to_service_request(
    *,
    actor: Any,
    item: InboxItem,
    service_code: str,
    text: str,
    address: str = "",
    transport: httpx.BaseTransport | None = None,
) -> tuple[ServiceRequest, Message]:
    """File a service request from the conversation's latest incoming message and reply with its
    tracking link (``{tracking_url}`` in ``text`` is filled in, or the link is added at the end).

    The request's location is ``address`` when given, else the message's matched place; its
    description is the message text; the author is referred to by channel kind and handle only (as
    ``account_id``), no other personal data. Raises InvalidInput (naming the service, address or text)
    or PermissionDenied; then neither the request nor the reply exists."""
    if actor is not None and not permissions.can_convert_conversation(actor, item.channel):
        raise PermissionDenied("You may not turn this conversation into a service request.")
    if item.service_request_id is not None:
        raise InvalidInput(
            "This conversation already has a service request.",
            [FieldProblem("service_code", f"request {item.service_request_id} exists")],
        )
    message = _target(item)
    with transaction.atomic():
        item = (
            InboxItem.objects.select_for_update(of=("self",))
            .select_related("channel__organisation")
            .get(pk=item.pk)
        )
        if not workflow.allowed(item.state, workflow.ANSWER):
            raise InvalidInput(
                "Reopen the conversation first.", [FieldProblem("state", f"it is {item.state}")]
            )
        filing = reports.Filing(
            service_code=service_code,
            location=_location(message, address),
            description=message.text[:MAX_DESCRIPTION],
            contact={"account_id": f"{item.channel.kind}:{message.author_handle}"[:200]}
            if message.author_handle
            else {},
        )
        request = reports.file_request(actor=actor, filing=filing)
        link = tracking_url(request)
        with translation.override(message.language or None):
            default = _("Thank you, we have registered this as report {id}: {tracking_url}")
        body = text.strip() or default
        values = {**placeholder_values(item, message), "tracking_url": link}
        body = canned.fill(body.replace("{id}", str(request.pk)), values)
        if link not in body:
            body = f"{body} {link}"
        sent = _send(actor, item, _check_text(body), transport)
        item.service_request = request
        _answered(item, sent, actor, InboxAction.Kind.CONVERTED, service_request=request.pk)
        publish(events.CONVERSATION_CONVERTED, conversation_id=item.pk, request_id=request.pk)
    return request, sent
