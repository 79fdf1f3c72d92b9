"""Writers of the inbox: incoming messages, assignment, closing and reopening, notes, and the team's
canned replies, saved views, targets and working hours.

Every state change goes through the table in :mod:`openingup.social.inbox.workflow` and is recorded as
an :class:`InboxAction` (who, when, the state after it) in the same transaction. ``actor`` None is the
system; a person needs the permission named after the function. Replying and converting to a service
request are in :mod:`openingup.social.inbox.replies`.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from openingup.core import holidays
from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.organisations.models import Organisation
from openingup.social import events, hours, permissions
from openingup.social.inbox import canned, queries, timing, workflow
from openingup.social.inbox.models import (
    BusinessHours,
    CannedReply,
    InboxAction,
    InboxItem,
    InboxNote,
    ResponseTarget,
    SavedView,
)
from openingup.social.models import Channel, Message

LISTENED = {Message.Kind.MENTION, Message.Kind.REPLY, Message.Kind.DM, Message.Kind.POST}
MAX_NOTE = 4000
MAX_TARGET_HOURS = 10_000


def _may(actor: Any, allowed: bool, what: str) -> None:
    if actor is not None and not allowed:
        raise PermissionDenied(f"You may not {what}.")


def _person(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def record_action(item: InboxItem, kind: str, actor: Any, when: datetime, **detail: Any) -> InboxAction:
    return InboxAction.objects.create(
        item=item, kind=kind, actor=_person(actor), at=when, state=item.state, detail=detail
    )


def move(item: InboxItem, action: str) -> str:
    """Set the item's state after ``action``; InvalidInput naming the state when it is not allowed."""
    try:
        item.state = workflow.target(item.state, action, held=bool(item.team_id or item.assignee_id))
    except ValueError as exc:
        raise InvalidInput(str(exc).capitalize() + ".", [FieldProblem("state", str(exc))]) from None
    return item.state


# -- incoming ----------------------------------------------------------------------------------------
def note_incoming(*, message: Message) -> InboxItem | None:
    """Put a newly received message in the inbox: a new item for its conversation, or the existing one
    brought up to date and reopened when it was answered or closed. Called inside the transaction that
    stores the message; outgoing messages, feed items and messages without a conversation are skipped."""
    if message.direction != Message.Direction.IN or message.kind not in LISTENED:
        return None
    if message.conversation_id is None:
        return None
    item = InboxItem.objects.select_for_update().filter(conversation_id=message.conversation_id).first()
    fresh = item is None
    if item is None:
        item = InboxItem(
            conversation_id=message.conversation_id,
            channel_id=message.channel_id,
            opened_at=message.created_at,
            last_incoming_at=message.created_at,
        )
    if fresh or message.created_at >= item.last_incoming_at:
        item.last_incoming, item.last_incoming_at = message, message.created_at
        item.author_handle = message.author_handle[:300]
        item.language, item.sentiment = message.language, message.sentiment
    score = message.service_request_score
    if score is not None and (item.service_request_score is None or score > item.service_request_score):
        item.service_request_score = score
    previous = item.state
    move(item, workflow.INCOMING)
    reopened = previous != item.state
    if reopened:
        item.closed_at, item.resolution_seconds = None, None
    item.save()
    now = timezone.now()
    record_action(item, InboxAction.Kind.RECEIVED, None, now, message=message.pk)
    if reopened:
        record_action(item, InboxAction.Kind.REOPENED, None, now, message=message.pk, previous=previous)
    return item


def note_edited(*, message: Message) -> None:
    """Keep the inbox's copies current when the latest incoming message of a conversation was edited
    (its language, sentiment and score may have changed)."""
    InboxItem.objects.filter(last_incoming=message).update(
        language=message.language, sentiment=message.sentiment
    )
    if message.service_request_score is not None and message.conversation_id is not None:
        InboxItem.objects.filter(conversation_id=message.conversation_id).filter(
            Q(service_request_score__lt=message.service_request_score) | Q(service_request_score__isnull=True)
        ).update(service_request_score=message.service_request_score)


# -- assignment, closing, notes ------------------------------------------------------------------------
def _check_assignee(item: InboxItem, team: Organisation | None, assignee: Any) -> list[FieldProblem]:
    problems = []
    if team is not None and team.pk not in queries.team_ids(item.channel):
        problems.append(FieldProblem("team", f"{team.slug} is not a team of this channel's organisation"))
    if assignee is not None and not queries.team_members(item.channel).filter(pk=assignee.pk).exists():
        problems.append(FieldProblem("assignee", f"{assignee} is not on this channel's team"))
    return problems


@transaction.atomic
def assign(
    *, actor: Any, item: InboxItem, team: Organisation | None = None, assignee: Any = None
) -> InboxItem:
    """Give the conversation to a team (a department), a person, or both; neither takes it back.
    InvalidInput names a team or person outside the channel's organisation, or a closed conversation."""
    _may(actor, permissions.can_assign_conversation(actor, item.channel), "assign this conversation")
    problems = _check_assignee(item, team, assignee)
    if problems:
        raise InvalidInput("The conversation was not assigned.", problems)
    item.team, item.assignee = team, assignee
    move(item, workflow.ASSIGN if team or assignee else workflow.UNASSIGN)
    item.save()
    record_action(
        item,
        InboxAction.Kind.ASSIGNED,
        actor,
        timezone.now(),
        team=team.slug if team else None,
        assignee=assignee.get_username() if assignee else None,
    )
    publish(events.CONVERSATION_ASSIGNED, conversation_id=item.pk)
    return item


@transaction.atomic
def close(*, actor: Any, item: InboxItem, when: datetime | None = None) -> InboxItem:
    """Close the conversation; its resolution time (business hours since it opened) is stored."""
    _may(actor, permissions.can_close_conversation(actor, item.channel), "close this conversation")
    move(item, workflow.CLOSE)
    item.closed_at = when or timezone.now()
    item.resolution_seconds = timing.business_seconds(item.channel, item.opened_at, item.closed_at)
    item.save()
    record_action(item, InboxAction.Kind.CLOSED, actor, item.closed_at)
    publish(events.CONVERSATION_CLOSED, conversation_id=item.pk)
    return item


@transaction.atomic
def reopen(*, actor: Any, item: InboxItem) -> InboxItem:
    _may(actor, permissions.can_close_conversation(actor, item.channel), "reopen this conversation")
    previous = item.state
    move(item, workflow.REOPEN)
    item.closed_at, item.resolution_seconds = None, None
    item.save()
    record_action(item, InboxAction.Kind.REOPENED, actor, timezone.now(), previous=previous)
    return item


@transaction.atomic
def add_note(*, actor: Any, item: InboxItem, text: str) -> InboxNote:
    """An internal note; InvalidInput for an empty or over-long text."""
    _may(actor, permissions.can_add_inbox_note(actor, item.channel), "add notes to this conversation")
    text = text.strip()
    if not text or len(text) > MAX_NOTE:
        raise InvalidInput(
            "The note was not added.", [FieldProblem("note", f"write 1 to {MAX_NOTE} characters")]
        )
    now = timezone.now()
    note = InboxNote.objects.create(item=item, author=_person(actor), text=text, created_at=now)
    record_action(item, InboxAction.Kind.NOTED, actor, now, note=note.pk)
    return note


# -- the team's library: canned replies, saved views, targets, working hours ---------------------------
@transaction.atomic
def save_canned_reply(
    *,
    actor: Any,
    organisation: Organisation,
    title: str,
    texts: dict[str, str],
    reply: CannedReply | None = None,
) -> CannedReply:
    """Create (or, given ``reply``, change) a canned reply; InvalidInput names an empty title, no text,
    a duplicate title, or a placeholder that does not exist."""
    _may(actor, permissions.can_manage_canned_replies(actor, organisation), "manage canned replies")
    title = title.strip()
    texts = {lang: text.strip() for lang, text in texts.items() if text.strip()}
    problems = []
    if not title or len(title) > 200:
        problems.append(FieldProblem("title", "write 1 to 200 characters"))
    elif (
        CannedReply.objects.filter(organisation=organisation, title=title)
        .exclude(pk=reply.pk if reply else 0)
        .exists()
    ):
        problems.append(FieldProblem("title", "another canned reply has this title"))
    if not texts:
        problems.append(FieldProblem("text", "write the text in at least one language"))
    for lang, text in texts.items():
        try:
            canned.check(text)
        except ValueError as exc:
            problems.append(FieldProblem(f"text_{lang}", str(exc)))
    if problems:
        raise InvalidInput("The canned reply was not saved.", problems)
    reply = reply or CannedReply(organisation=organisation, created_by=_person(actor))
    reply.title, reply.texts = title, texts
    reply.save()
    return reply


@transaction.atomic
def delete_canned_reply(*, actor: Any, reply: CannedReply) -> None:
    _may(actor, permissions.can_manage_canned_replies(actor, reply.organisation), "manage canned replies")
    reply.delete()


@transaction.atomic
def save_view(*, actor: Any, name: str, filters: dict[str, str]) -> SavedView:
    """Store the person's current inbox filters under ``name`` (replacing a view of that name)."""
    if _person(actor) is None:
        raise PermissionDenied("Log in to save views.")
    name = name.strip()
    if not name or len(name) > 100:
        raise InvalidInput("The view was not saved.", [FieldProblem("name", "write 1 to 100 characters")])
    clean = {k: str(v) for k, v in filters.items() if k in queries.FILTER_KEYS and str(v)}
    view, _ = SavedView.objects.update_or_create(user=actor, name=name, defaults={"filters": clean})
    return view


@transaction.atomic
def delete_view(*, actor: Any, view: SavedView) -> None:
    _may(actor, getattr(actor, "pk", None) == view.user_id, "delete another person's view")
    view.delete()


def _hours(value: float, name: str) -> list[FieldProblem]:
    if not (0 < value <= MAX_TARGET_HOURS):
        return [FieldProblem(name, f"give a number of hours above 0 and at most {MAX_TARGET_HOURS:,}")]
    return []


@transaction.atomic
def set_response_target(
    *, actor: Any, channel: Channel, first_response_hours: float, resolution_hours: float
) -> ResponseTarget:
    _may(actor, permissions.can_set_response_targets(actor, channel.organisation), "set targets")
    problems = _hours(first_response_hours, "first_response_hours") + _hours(
        resolution_hours, "resolution_hours"
    )
    if problems:
        raise InvalidInput("The targets were not set.", problems)
    target, _ = ResponseTarget.objects.update_or_create(
        channel=channel,
        defaults={"first_response_hours": first_response_hours, "resolution_hours": resolution_hours},
    )
    return target


@transaction.atomic
def set_business_hours(
    *,
    actor: Any,
    organisation: Organisation,
    spec: str,
    time_zone: str = "Europe/Amsterdam",
    holiday_calendar: str | None = None,
) -> BusinessHours:
    """The organisation's working hours; InvalidInput with the parser's reason when they cannot be read.
    ``holiday_calendar`` names the public holidays not worked (``"DE-NI"``, ``"none"``; ``""``: the
    instance's); None keeps what was set before."""
    _may(actor, permissions.can_set_response_targets(actor, organisation), "set working hours")
    try:
        calendar = None if holiday_calendar is None else holidays.normalise(holiday_calendar)
    except ValueError as exc:
        raise InvalidInput("The working hours were not set.", [FieldProblem("holidays", str(exc))]) from None
    if calendar == "" and (holiday_calendar or "").strip():
        calendar = "none"  # said explicitly: no public holidays, whatever the instance's are
    try:
        hours.parse(spec, time_zone)
    except ValueError as exc:
        raise InvalidInput("The working hours were not set.", [FieldProblem("hours", str(exc))]) from None
    defaults = {"hours": spec.strip(), "time_zone": time_zone.strip()}
    if calendar is not None:
        defaults["holidays"] = calendar
    found, _ = BusinessHours.objects.update_or_create(organisation=organisation, defaults=defaults)
    return found
