"""Mastodon REST: mentions (notifications), direct messages (conversations), hashtag timelines; posting.

Streams and their cursors (the channel's ``cursor`` holds one entry per stream):

* ``notifications`` — ``GET /api/v1/notifications?types[]=mention``; resumes with ``min_id`` and follows
  the Link header's ``prev`` pages (newer) until none are left.
* ``conversations`` — ``GET /api/v1/conversations``; a conversation keeps its id when a new message
  arrives, so every poll reads from the newest and follows ``next`` (older) pages while they still hold
  a last status newer than the cursor.
* ``tag:<name>`` for each of ``options["hashtags"]`` — ``GET /api/v1/timelines/tag/<name>``, like
  notifications.

A status is known by its own id whichever stream brought it, so a mention that also carries a followed
hashtag is one message.

Streaming (server-sent events, :mod:`openingup.social.streaming` runs it): ``GET /api/v1/streaming/user``
with the token (``notification`` → mentions, ``conversation`` → direct messages, ``status.update`` and
``delete`` → edits and deletions of stored messages; the home timeline's ``update`` events are not a
stream the channel follows and are ignored) and ``GET /api/v1/streaming/hashtag?tag=<name>`` for each
hashtag (``update``, ``status.update``, ``delete``). ``options["streaming_url"]`` names the streaming
server when it is not the instance itself. Each event becomes the same items as the REST streams.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote, urljoin

from openingup.social.connectors import (
    ChannelConfig,
    ConnectorError,
    Draft,
    Item,
    StreamBatch,
    StreamUpdate,
    register,
)
from openingup.social.connectors.client import ApiClient, decode_json, link_params
from openingup.social.connectors.sse import Event
from openingup.social.connectors.text import html_to_text, listing, mapping, obj, optional_time, parse_time

PAGE = 40
MAX_PAGES = 25
POST_LIMIT = 500


def id_key(value: str) -> tuple[int, str]:
    """Mastodon ids are numeric strings of growing length: compare by length, then text."""
    return (len(value), value)


def newest(ids: list[str]) -> str:
    return max(ids, key=id_key) if ids else ""


def status_item(raw: Any, kind: str = "mention", thread_key: str = "") -> Item | None:
    """A Status entity as an item; None for a reblog (it is someone else's status). ConnectorError if
    the status has no id or no valid creation time."""
    status = mapping(raw, "status")
    if status.get("reblog"):
        return None
    status_id = str(status.get("id") or "")
    if not status_id:
        raise ConnectorError("a status has no id")
    account = obj(status.get("account"))
    visibility = status.get("visibility") or ""
    if visibility == "direct":
        kind = "dm"
    elif status.get("in_reply_to_id") and kind == "mention":
        kind = "reply"
    html = str(status.get("content") or "")
    text = html_to_text(html)
    if status.get("spoiler_text"):
        text = f"{status['spoiler_text']}\n\n{text}".strip()
    media = [
        {
            "type": str(m.get("type") or ""),
            "url": str(m.get("url") or m.get("remote_url") or ""),
            "description": str(m.get("description") or ""),
        }
        for m in status.get("media_attachments") or []
        if isinstance(m, dict)
    ]
    return Item(
        external_id=status_id,
        kind=kind,
        created_at=parse_time(status.get("created_at"), f"status {status_id} created_at"),
        text=text,
        html=html,
        author_handle=str(account.get("acct") or account.get("username") or ""),
        author_name=str(account.get("display_name") or ""),
        author_url=str(account.get("url") or ""),
        url=str(status.get("url") or status.get("uri") or ""),
        in_reply_to=str(status.get("in_reply_to_id") or ""),
        thread_key=thread_key,
        declared_language=str(status.get("language") or ""),
        media=media,
        edited_at=optional_time(status.get("edited_at"), f"status {status_id} edited_at"),
        raw=status,
    )


class MastodonConnector:
    kind = "mastodon"
    can_post = True

    def client(self, config: ChannelConfig) -> ApiClient:
        headers = {"Accept": "application/json"}
        if config.credentials.get("token"):
            headers["Authorization"] = f"Bearer {config.credentials['token']}"
        return ApiClient(config.base_url, headers=headers, transport=config.transport, sleep=config.sleep)

    def check(self, config: ChannelConfig) -> None:
        if not config.credentials.get("token") and not config.options.get("hashtags"):
            raise ValueError("a Mastodon channel needs an access token (or hashtags to follow)")

    def poll(self, config: ChannelConfig, cursor: dict[str, Any]) -> Iterator[StreamBatch]:
        self.check(config)
        api = self.client(config)
        if config.credentials.get("token"):
            yield from self._forward(
                api,
                "notifications",
                "api/v1/notifications",
                [("types[]", "mention"), ("limit", PAGE)],
                str(cursor.get("notifications") or ""),
                self._notification,
            )
            yield from self._conversations(api, str(cursor.get("conversations") or ""))
        for tag in config.options.get("hashtags") or []:
            name = str(tag).lstrip("#")
            yield from self._forward(
                api,
                f"tag:{name}",
                f"api/v1/timelines/tag/{quote(name)}",
                [("limit", PAGE)],
                str(cursor.get(f"tag:{name}") or ""),
                self._tagged,
            )

    @staticmethod
    def _notification(raw: Any) -> tuple[list[str], Item | None]:
        note = mapping(raw, "notification")
        ids = [str(note["id"])] if note.get("id") else []
        if note.get("type") != "mention" or not note.get("status"):
            return ids, None
        return ids, status_item(note["status"], "mention")

    @staticmethod
    def _tagged(raw: Any) -> tuple[list[str], Item | None]:
        status = mapping(raw, "status")
        return ([str(status["id"])] if status.get("id") else []), status_item(status, "post")

    def _forward(
        self,
        api: ApiClient,
        stream: str,
        path: str,
        params: list[tuple[str, Any]],
        cursor: str,
        convert: Callable[[Any], tuple[list[str], Item | None]],
    ) -> Iterator[StreamBatch]:
        """Pages newer than ``cursor`` (min_id), oldest page first; without a cursor the newest page."""
        first_poll = not cursor
        query: list[tuple[str, Any]] | None = [*params, ("min_id", cursor)] if cursor else params
        target = path
        for _ in range(MAX_PAGES):
            answer = api.call("GET", target, params=query)
            page = listing(decode_json(answer), f"{stream} page")
            if not page:
                return
            ids: list[str] = []
            items: list[Item] = []
            for raw in page:
                found, item = convert(raw)
                ids += found
                if item is not None:
                    items.append(item)
            cursor = newest([*ids, cursor] if cursor else ids)
            yield StreamBatch(stream, items, cursor)
            newer = link_params(answer.headers.get("link", ""), "prev")
            if first_poll or not newer:
                return  # a first poll reads the newest page only
            target, query = newer, None

    def _conversations(self, api: ApiClient, cursor: str) -> Iterator[StreamBatch]:
        target: str = "api/v1/conversations"
        query: list[tuple[str, Any]] | None = [("limit", PAGE)]
        seen = cursor
        for _ in range(MAX_PAGES):
            answer = api.call("GET", target, params=query)
            page = listing(decode_json(answer), "conversations page")
            items: list[Item] = []
            for raw in page:
                conversation = mapping(raw, "conversation")
                if not conversation.get("last_status"):
                    continue
                item = status_item(
                    conversation["last_status"], "dm", f"conversation:{conversation.get('id')}"
                )
                if item is not None:
                    item.kind = "dm"
                    items.append(item)
            fresh = [i for i in items if not cursor or id_key(i.external_id) > id_key(cursor)]
            seen = newest([seen, *[i.external_id for i in items]] if seen else [i.external_id for i in items])
            yield StreamBatch("conversations", fresh, seen)
            older = link_params(answer.headers.get("link", ""), "next")
            if not page or not fresh or not cursor or not older:
                return
            target, query = older, None

    # -- streaming API ----------------------------------------------------------------------------
    def stream_endpoints(self, config: ChannelConfig) -> list[tuple[str, str, list[tuple[str, Any]]]]:
        """``(name, url, query)`` of each server-sent-events stream the channel follows."""
        self.check(config)
        base = str(config.options.get("streaming_url") or config.base_url).rstrip("/") + "/"
        found: list[tuple[str, str, list[tuple[str, Any]]]] = []
        if config.credentials.get("token"):
            found.append(("user", urljoin(base, "api/v1/streaming/user"), []))
        for tag in config.options.get("hashtags") or []:
            name = str(tag).lstrip("#")
            found.append((f"tag:{name}", urljoin(base, "api/v1/streaming/hashtag"), [("tag", name)]))
        return found

    def stream_headers(self, config: ChannelConfig) -> dict[str, str]:
        if config.credentials.get("token"):
            return {"Authorization": f"Bearer {config.credentials['token']}"}
        return {}

    def stream_event(self, stream: str, event: Event) -> StreamUpdate | None:
        """The items of one event of ``stream`` (``user`` or ``tag:<name>``); None for an event that
        brings nothing the channel follows. ConnectorError for a malformed payload."""
        if event.event == "delete":
            status_id = event.data.strip()
            if not status_id:
                raise ConnectorError("a delete event has no status id")
            gone = Item(external_id=status_id, kind="post", created_at=datetime.now(UTC), deleted=True)
            return StreamUpdate(stream if stream != "user" else "notifications", [gone], known_only=True)
        if event.event not in {"notification", "conversation", "update", "status.update"}:
            return None  # filters_changed, announcement, encrypted_message, …
        try:
            payload = json.loads(event.data)
        except ValueError as exc:
            raise ConnectorError(f"the {event.event} event of {stream} is not JSON: {exc}") from exc
        tagged = stream.startswith("tag:")
        if event.event == "notification" and not tagged:
            _, item = self._notification(payload)
            return StreamUpdate("notifications", [item] if item else [])
        if event.event == "conversation" and not tagged:
            conversation = mapping(payload, "conversation")
            if not conversation.get("last_status"):
                return StreamUpdate("conversations", [])
            item = status_item(conversation["last_status"], "dm", f"conversation:{conversation.get('id')}")
            if item is not None:
                item.kind = "dm"
            return StreamUpdate("conversations", [item] if item else [])
        if event.event == "update" and tagged:
            _, item = self._tagged(payload)
            return StreamUpdate(stream, [item] if item else [])
        if event.event == "status.update":
            item = status_item(payload, "post" if tagged else "mention")
            return StreamUpdate(stream, [item] if item else [], known_only=not tagged)
        return None  # the user stream's home timeline

    def post(self, config: ChannelConfig, draft: Draft) -> Item:
        if not config.credentials.get("token"):
            raise ValueError("posting to Mastodon needs the channel's access token")
        if not draft.text.strip():
            raise ValueError("the text is empty")
        if len(draft.text) > POST_LIMIT:
            raise ValueError(f"the text is {len(draft.text)} characters; Mastodon allows {POST_LIMIT}")
        body: dict[str, Any] = {
            "status": draft.text,
            "visibility": config.options.get("visibility", "public"),
        }
        if draft.in_reply_to:
            body["in_reply_to_id"] = draft.in_reply_to
        if draft.scheduled_at:
            body["scheduled_at"] = draft.scheduled_at.astimezone(UTC).isoformat().replace("+00:00", "Z")
        if draft.language:
            body["language"] = draft.language
        headers = {"Idempotency-Key": draft.idempotency_key} if draft.idempotency_key else {}
        answer = mapping(
            self.client(config).json("POST", "api/v1/statuses", json_body=body, headers=headers), "status"
        )
        kind = "reply" if draft.in_reply_to else "post"
        if "params" in answer and "scheduled_at" in answer:  # a ScheduledStatus
            return Item(
                external_id=f"scheduled:{answer.get('id')}",
                kind=kind,
                created_at=datetime.now(UTC),
                text=draft.text,
                direction="out",
                in_reply_to=draft.in_reply_to,
                scheduled_at=parse_time(answer["scheduled_at"], "scheduled_at"),
                raw=answer,
            )
        item = status_item(answer, kind)
        if item is None:
            raise ConnectorError("Mastodon answered the post with a reblog")
        item.kind, item.direction = kind, "out"
        return item


register(MastodonConnector())
