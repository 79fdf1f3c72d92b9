"""Bluesky / AT Protocol over XRPC: notifications, the account's author feed, searches; posting.

Credentials are the handle (``identifier``) and an app password; ``createSession`` turns them into an
access and a refresh token, kept (encrypted) with the credentials and refreshed when expired.

The list endpoints page backwards (newest first, ``cursor`` to older pages), so each stream reads pages
until it reaches an item indexed at or before the stream's cursor (the newest ``indexedAt`` stored),
then yields the new items with the new cursor as one batch. A first poll reads the newest page only.
Bluesky has no server-side scheduling: a draft with ``scheduled_at`` is refused here and sent at its
time by the caller.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from openingup.social.connectors import (
    ChannelConfig,
    ConnectorError,
    Draft,
    Item,
    StreamBatch,
    register,
)
from openingup.social.connectors import facets as richtext
from openingup.social.connectors.client import ApiClient, decode_json, error_detail
from openingup.social.connectors.text import listing, mapping, obj, parse_time, text_of

PAGE = 50
MAX_PAGES = 20
POST_GRAPHEMES = 300
REASONS = {"mention": "mention", "reply": "reply", "quote": "mention"}
EXPIRED = {"ExpiredToken", "InvalidToken"}


def post_url(uri: str, handle: str) -> str:
    """The bsky.app address of an ``at://did/app.bsky.feed.post/rkey`` URI."""
    parts = uri.removeprefix("at://").split("/")
    if len(parts) == 3 and parts[1] == "app.bsky.feed.post":
        return f"https://bsky.app/profile/{handle or parts[0]}/post/{parts[2]}"
    return ""


def _media(embed: Any) -> list[dict[str, str]]:
    if not isinstance(embed, dict):
        return []
    kind = str(embed.get("$type") or "")
    if "images" in kind:
        return [
            {"type": "image", "url": text_of(i.get("fullsize")), "description": text_of(i.get("alt"))}
            for i in embed.get("images") or []
            if isinstance(i, dict)
        ]
    if "external" in kind and isinstance(embed.get("external"), dict):
        link = embed["external"]
        return [{"type": "link", "url": text_of(link.get("uri")), "description": text_of(link.get("title"))}]
    if "recordWithMedia" in kind:
        return _media(embed.get("media"))
    return []


def post_item(
    uri: Any, author: Any, record: Any, *, kind: str, raw: dict[str, Any], embed: Any = None
) -> Item:
    """An item of a post's parts (a PostView, or a notification, which has the same three)."""
    if not isinstance(uri, str) or not uri.startswith("at://"):
        raise ConnectorError(f"a post has no at:// uri: {str(uri)[:80]!r}")
    who = mapping(author, f"author of {uri}")
    body = mapping(record, f"record of {uri}")
    reply = obj(body.get("reply"))
    root = obj(reply.get("root"))
    parent = obj(reply.get("parent"))
    if kind == "post" and parent:
        kind = "reply"
    langs = body.get("langs") if isinstance(body.get("langs"), list) else []
    handle = text_of(who.get("handle"))
    return Item(
        external_id=uri,
        kind=kind,
        created_at=parse_time(body.get("createdAt") or raw.get("indexedAt"), f"createdAt of {uri}"),
        text=text_of(body.get("text")),
        author_handle=handle,
        author_name=text_of(who.get("displayName")),
        author_url=f"https://bsky.app/profile/{handle}" if handle else "",
        url=post_url(uri, handle),
        in_reply_to=text_of(parent.get("uri")),
        thread_key=text_of(root.get("uri")) or uri,
        declared_language=text_of(langs[0]) if langs else "",
        media=_media(embed if embed is not None else body.get("embed")),
        raw=raw,
    )


class BlueskyConnector:
    kind = "bluesky"
    can_post = True

    def check(self, config: ChannelConfig) -> None:
        if not (config.credentials.get("identifier") or config.handle):
            raise ValueError("a Bluesky channel needs the account's handle")
        if not (config.credentials.get("password") or config.credentials.get("accessJwt")):
            raise ValueError("a Bluesky channel needs an app password (--token)")

    # -- session ---------------------------------------------------------------------------------
    def _api(self, config: ChannelConfig, token: str = "") -> ApiClient:
        headers = {"Accept": "application/json"}
        if token:
            headers["Authorization"] = f"Bearer {token}"
        return ApiClient(config.base_url, headers=headers, transport=config.transport, sleep=config.sleep)

    def _login(self, config: ChannelConfig) -> None:
        body = {
            "identifier": config.credentials.get("identifier") or config.handle,
            "password": config.credentials.get("password", ""),
        }
        session = mapping(
            self._api(config).json("POST", "xrpc/com.atproto.server.createSession", json_body=body), "session"
        )
        if not session.get("accessJwt") or not session.get("did"):
            raise ConnectorError("createSession answered without accessJwt or did")
        keep: dict[str, Any] = {
            k: config.credentials[k] for k in ("identifier", "password") if k in config.credentials
        }
        keep.update({k: session[k] for k in ("accessJwt", "refreshJwt", "did", "handle") if k in session})
        config.set_credentials(keep)

    def _refresh(self, config: ChannelConfig) -> None:
        refresh = config.credentials.get("refreshJwt")
        if refresh:
            api = self._api(config, refresh)
            answer = api.call("POST", "xrpc/com.atproto.server.refreshSession")
            if answer.status < 400:
                session = mapping(decode_json(answer), "session")
                config.set_credentials({**config.credentials, **session})
                return
        self._login(config)

    def xrpc(
        self, config: ChannelConfig, method: str, nsid: str, *, params: Any = None, body: Any = None
    ) -> Any:
        """One XRPC call with the session, logging in or refreshing once when needed."""
        if not config.credentials.get("accessJwt"):
            self._login(config)
        for attempt in range(2):
            api = self._api(config, config.credentials["accessJwt"])
            answer = api.call(method, f"xrpc/{nsid}", params=params, json_body=body)
            if (
                answer.status in (400, 401)
                and attempt == 0
                and any(code in error_detail(answer.content) for code in EXPIRED)
            ):
                self._refresh(config)
                continue
            return decode_json(answer)
        raise ConnectorError(f"{nsid}: the session could not be renewed")  # pragma: no cover

    # -- polling ---------------------------------------------------------------------------------
    def poll(self, config: ChannelConfig, cursor: dict[str, Any]) -> Iterator[StreamBatch]:
        self.check(config)
        yield self._backwards(config, "notifications", "app.bsky.notification.listNotifications", {}, cursor)
        actor = config.handle or config.credentials.get("identifier", "")
        yield self._backwards(
            config,
            "author",
            "app.bsky.feed.getAuthorFeed",
            {"actor": actor, "filter": "posts_and_author_threads"},
            cursor,
        )
        for query in config.options.get("searches") or []:
            yield self._backwards(
                config, f"search:{query}", "app.bsky.feed.searchPosts", {"q": query, "sort": "latest"}, cursor
            )

    def _backwards(
        self, config: ChannelConfig, stream: str, nsid: str, params: dict[str, Any], cursors: dict[str, Any]
    ) -> StreamBatch:
        since = str(cursors.get(stream) or "")
        since_time = parse_time(since, f"{stream} cursor") if since else None
        items: list[Item] = []
        newest = since
        page_cursor = ""
        for _ in range(MAX_PAGES if since else 1):
            query = {**params, "limit": PAGE, **({"cursor": page_cursor} if page_cursor else {})}
            answer = mapping(self.xrpc(config, "GET", nsid, params=query), f"{nsid} answer")
            reached = False
            for indexed, item in self._items(config, stream, answer):
                if since_time is not None and indexed <= since_time:
                    reached = True
                    continue
                if not newest or indexed > parse_time(newest, "cursor"):
                    newest = indexed.isoformat()
                if item is not None:
                    items.append(item)
            page_cursor = text_of(answer.get("cursor"))
            if reached or not page_cursor:
                break
        return StreamBatch(stream, items, newest)

    def _items(
        self, config: ChannelConfig, stream: str, answer: dict[str, Any]
    ) -> Iterator[tuple[datetime, Item | None]]:
        own = {config.handle, config.credentials.get("did"), config.credentials.get("handle")} - {None, ""}
        if stream == "notifications":
            for raw in listing(answer.get("notifications"), "notifications"):
                note = mapping(raw, "notification")
                indexed = parse_time(note.get("indexedAt"), "notification indexedAt")
                kind = REASONS.get(str(note.get("reason")))
                item = (
                    post_item(note.get("uri"), note.get("author"), note.get("record"), kind=kind, raw=note)
                    if kind
                    else None
                )
                yield indexed, item
            return
        rows = answer.get("feed") if stream == "author" else answer.get("posts")
        for raw in listing(rows, f"{stream} posts"):
            entry = mapping(raw, "feed entry")
            post = mapping(entry.get("post"), "post") if stream == "author" else entry
            indexed = parse_time(post.get("indexedAt"), "post indexedAt")
            if stream == "author" and entry.get("reason"):
                yield indexed, None  # a repost: someone else's post
                continue
            item = post_item(
                post.get("uri"),
                post.get("author"),
                post.get("record"),
                kind="post",
                raw=post,
                embed=post.get("embed"),
            )
            author = obj(post.get("author"))
            if {author.get("did"), author.get("handle")} & own:
                item.direction = "out"
            yield indexed, item

    # -- posting ---------------------------------------------------------------------------------
    def _reply_refs(self, config: ChannelConfig, uri: str) -> dict[str, Any]:
        answer = mapping(self.xrpc(config, "GET", "app.bsky.feed.getPosts", params={"uris": uri}), "posts")
        posts = listing(answer.get("posts"), "posts")
        if not posts:
            raise ValueError(f"the post {uri} to reply to was not found")
        parent = mapping(posts[0], "post")
        ref = {"uri": parent.get("uri"), "cid": parent.get("cid")}
        record = obj(parent.get("record"))
        reply = obj(record.get("reply"))
        root: dict[str, Any] = obj(reply.get("root")) or ref
        return {"root": {"uri": root.get("uri"), "cid": root.get("cid")}, "parent": ref}

    def _resolve(self, config: ChannelConfig, handle: str) -> str | None:
        try:
            answer = self.xrpc(config, "GET", "com.atproto.identity.resolveHandle", params={"handle": handle})
        except ConnectorError:
            return None
        did = answer.get("did") if isinstance(answer, dict) else None
        return did if isinstance(did, str) else None

    def post(self, config: ChannelConfig, draft: Draft) -> Item:
        self.check(config)
        text = draft.text
        if not text.strip():
            raise ValueError("the text is empty")
        if draft.scheduled_at and draft.scheduled_at > datetime.now(UTC):
            raise ValueError("Bluesky cannot schedule posts; keep the draft and send it at its time")
        if richtext.graphemes(text) > POST_GRAPHEMES:
            raise ValueError(f"the text is longer than the {POST_GRAPHEMES} characters Bluesky allows")
        now = datetime.now(UTC).isoformat().replace("+00:00", "Z")
        record: dict[str, Any] = {"$type": "app.bsky.feed.post", "text": text, "createdAt": now}
        found = richtext.detect(text, lambda handle: self._resolve(config, handle))
        if found:
            record["facets"] = found
        if draft.language:
            record["langs"] = [draft.language]
        if draft.in_reply_to:
            record["reply"] = self._reply_refs(config, draft.in_reply_to)
        if not config.credentials.get("did"):
            self._login(config)
        body = {"repo": config.credentials["did"], "collection": "app.bsky.feed.post", "record": record}
        created = mapping(self.xrpc(config, "POST", "com.atproto.repo.createRecord", body=body), "created")
        handle = config.credentials.get("handle") or config.handle
        author = {"did": config.credentials["did"], "handle": handle}
        item = post_item(
            created.get("uri"),
            author,
            record,
            kind="reply" if draft.in_reply_to else "post",
            raw={**created, "record": record},
        )
        item.direction = "out"
        return item


register(BlueskyConnector())
