"""Read side of the inbox: the filtered list, one conversation with its thread, notes and actions, the
teams and people a conversation may go to, canned replies and saved views.

The list reads one table (:class:`InboxItem`, which carries copies of what it is filtered on) newest
first through its indexes, so a page costs the same at a thousand or a million messages; only the text
filter looks into the messages.
"""

from __future__ import annotations

import uuid
from dataclasses import asdict, dataclass, fields
from typing import Any

from django.contrib.auth import get_user_model
from django.db.models import Exists, Func, OuterRef, Prefetch, Q, QuerySet

from openingup.core.errors import FieldProblem, NotFound
from openingup.organisations.models import Organisation
from openingup.organisations.permissions import is_admin
from openingup.social.enrich.language import LANGUAGES
from openingup.social.inbox import workflow
from openingup.social.inbox.models import CannedReply, InboxAction, InboxItem, InboxNote, SavedView
from openingup.social.models import Channel, Conversation, Message
from openingup.social.queries import channels_for

PAGE = 50
OPEN = "open"  # the state filter's default: everything not closed
MAX_TEXT = 200


@dataclass(frozen=True)
class InboxFilter:
    """The inbox's filters as the query string carries them; empty means "any"."""

    channel: str = ""
    state: str = OPEN
    assignee: str = ""  # "me", "none" or a person's id
    team: str = ""  # an organisation's id
    language: str = ""
    sentiment: str = ""
    min_score: str = ""  # "service request?" score from 0 to 1
    text: str = ""

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in asdict(self).items() if v}


FILTER_KEYS = tuple(f.name for f in fields(InboxFilter))


def parse_filters(params: Any) -> tuple[InboxFilter, list[FieldProblem]]:
    """Filters from a query string (or a saved view); each value that cannot be used is named in the
    problems and ignored."""
    raw = {key: str(params.get(key, "") or "").strip() for key in FILTER_KEYS}
    raw["state"] = str(params.get("state", OPEN) or "").strip() if "state" in params else OPEN
    problems = []
    if raw["state"] and raw["state"] not in (OPEN, *workflow.STATES):
        problems.append(FieldProblem("state", f"{raw['state']!r} is not a state"))
        raw["state"] = OPEN
    if raw["language"] and raw["language"] not in LANGUAGES:
        problems.append(FieldProblem("language", f"{raw['language']!r} is not a detected language"))
        raw["language"] = ""
    if raw["sentiment"] and raw["sentiment"] not in Message.Sentiment.values:
        problems.append(FieldProblem("sentiment", f"{raw['sentiment']!r} is not a sentiment"))
        raw["sentiment"] = ""
    if raw["assignee"] and raw["assignee"] not in ("me", "none") and not raw["assignee"].isdigit():
        problems.append(FieldProblem("assignee", f"{raw['assignee']!r} is not a person"))
        raw["assignee"] = ""
    if raw["min_score"]:
        try:
            score = float(raw["min_score"])
            if not 0 <= score <= 1:
                raise ValueError
        except ValueError:
            problems.append(FieldProblem("min_score", "give a number from 0 to 1"))
            raw["min_score"] = ""
    raw["text"] = raw["text"][:MAX_TEXT]
    return InboxFilter(**raw), problems


def inbox_channels(user: Any) -> list[Channel]:
    """The channels whose conversations the person sees (feeds and archive imports left out)."""
    return list(channels_for(user).exclude(kind__in=["rss", "twitter", "facebook"]))


def items(user: Any, criteria: InboxFilter, *, limit: int = PAGE, offset: int = 0) -> list[InboxItem]:
    """Conversations newest incoming message first; NotFound for a channel the person may not see."""
    visible = [c.pk for c in channels_for(user)]
    if criteria.channel:
        chosen = [pk for pk in visible if str(pk) == criteria.channel]
        if not chosen:
            raise NotFound(f"No channel {criteria.channel!r}.")
        visible = chosen
    if criteria.channel:
        rows = InboxItem.objects.filter(channel_id__in=visible)
    else:  # every visible channel: the scope must not steer the planner away from the order's index
        rows = InboxItem.objects.alias(scope=Unindexed("channel_id")).filter(scope__in=visible)
    if criteria.state == OPEN:
        rows = rows.exclude(state=workflow.CLOSED)
    elif criteria.state:
        rows = rows.filter(state=criteria.state)
    if criteria.assignee == "me":
        rows = rows.filter(assignee_id=getattr(user, "pk", None))
    elif criteria.assignee == "none":
        rows = rows.filter(assignee__isnull=True, team__isnull=True)
    elif criteria.assignee:
        rows = rows.filter(assignee_id=int(criteria.assignee))
    if criteria.team:
        team = _uuid(criteria.team)
        rows = rows.filter(team_id=team) if team else rows.none()
    if criteria.language:
        rows = rows.filter(language=criteria.language)
    if criteria.sentiment:
        rows = rows.filter(sentiment=criteria.sentiment)
    if criteria.min_score:
        rows = rows.filter(service_request_score__gte=float(criteria.min_score))
    if criteria.text:
        said = Message.objects.filter(
            conversation_id=OuterRef("conversation_id"), text__icontains=criteria.text
        )
        rows = rows.filter(Q(author_handle__icontains=criteria.text) | Exists(said))
    # The page's keys from the one table first, then the rows, then what they show by primary key: a join
    # would let SQLite's planner drive from the small channel table through everything.
    keys = list(
        rows.order_by("-last_incoming_at", "-conversation_id").values_list("pk", flat=True)[
            offset : offset + limit
        ]
    )
    shown = Prefetch("last_incoming", Message.objects.only("id", "text", "sentiment", "url"))
    subject = Prefetch("conversation", Conversation.objects.only("id", "subject"))
    found = InboxItem.objects.prefetch_related("channel", "team", "assignee", shown, subject).in_bulk(keys)
    return [found[k] for k in keys if k in found]


class Unindexed(Func):
    """A column that SQLite's planner may not use an index for (``+column``); unchanged elsewhere."""

    template = "%(expressions)s"

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return super().as_sql(compiler, connection, template="+%(expressions)s", **extra)


def _uuid(value: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def item(user: Any, pk: int) -> InboxItem:
    """One conversation of the inbox the person may see; NotFound otherwise."""
    found = (
        InboxItem.objects.select_related("channel__organisation", "team", "assignee", "conversation")
        .filter(pk=pk, channel__in=channels_for(user))
        .first()
    )
    if found is None:
        raise NotFound(f"No conversation {pk} in your inbox.")
    return found


def thread(item: InboxItem) -> list[Message]:
    return list(Message.objects.filter(conversation_id=item.pk).order_by("created_at", "id"))


def notes(item: InboxItem) -> list[InboxNote]:
    return list(InboxNote.objects.filter(item=item).select_related("author"))


def actions(item: InboxItem) -> list[InboxAction]:
    return list(InboxAction.objects.filter(item=item).select_related("actor"))


def organisation_tree(organisation_id: Any) -> set[Any]:
    """The organisation and every organisation under it (its departments, theirs, …)."""
    if organisation_id is None:
        return set()
    found = {organisation_id}
    frontier = set(found)
    while frontier:
        frontier = (
            set(Organisation.objects.filter(parent_id__in=frontier).values_list("pk", flat=True)) - found
        )
        found |= frontier
    return found


def team_ids(channel: Channel) -> set[Any]:
    """The teams a conversation of the channel may go to: its organisation and the departments under it."""
    return organisation_tree(channel.organisation_id)


def teams(channel: Channel) -> list[Organisation]:
    return list(Organisation.objects.filter(pk__in=team_ids(channel)).order_by("slug"))


def teams_of(channels: list[Channel]) -> list[Organisation]:
    """The teams of several channels, each once (channels of one organisation share them)."""
    ids: set[Any] = set()
    for organisation_id in {c.organisation_id for c in channels}:
        ids |= organisation_tree(organisation_id)
    return list(Organisation.objects.filter(pk__in=ids).order_by("slug"))


def team_members(channel: Channel) -> QuerySet[Any]:
    """People who may hold the channel's conversations: members of its organisation or a department
    under it, and site administrators."""
    people = get_user_model().objects.filter(is_active=True)
    members = Q(memberships__organisation_id__in=team_ids(channel)) | Q(is_superuser=True)
    return people.filter(members).distinct().order_by("username")


def canned_replies(user: Any, channel: Channel | None = None) -> list[CannedReply]:
    """Canned replies of the channel's organisation (and its parents), or of every organisation the
    person sees."""
    replies = CannedReply.objects.select_related("organisation")
    if channel is not None:
        chain, org = [], channel.organisation
        while org is not None and org.pk not in chain:
            chain.append(org.pk)
            org = org.parent
        return list(replies.filter(organisation_id__in=chain))
    if is_admin(user):
        return list(replies)
    ids = {c.organisation_id for c in channels_for(user) if c.organisation_id is not None}
    return list(replies.filter(organisation_id__in=ids))


def canned_reply(user: Any, pk: int) -> CannedReply:
    found = next((r for r in canned_replies(user) if r.pk == pk), None)
    if found is None:
        raise NotFound(f"No canned reply {pk}.")
    return found


def saved_views(user: Any) -> list[SavedView]:
    if not getattr(user, "is_authenticated", False):
        return []
    return list(SavedView.objects.filter(user=user))
