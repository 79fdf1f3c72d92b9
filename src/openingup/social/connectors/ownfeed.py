"""The organisation's own outgoing RSS feed as a channel: posting adds an item (no platform involved),
and the site serves the channel's outgoing messages as RSS 2.0 at ``/social/feeds/<channel id>/rss.xml``.

A feed has no server-side scheduling: a draft with a future ``scheduled_at`` is refused here and the
publishing task adds it at its time (client-side), as for Bluesky. There is nothing to poll.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

from openingup.social.connectors import ChannelConfig, Draft, Item, StreamBatch, register


class OwnFeedConnector:
    kind = "feed"
    can_post = True

    def check(self, config: ChannelConfig) -> None:
        if not config.base_url.startswith(("http://", "https://")):
            raise ValueError(
                "an outgoing feed needs the public http(s) address it is read at as its base URL"
            )

    def poll(self, config: ChannelConfig, cursor: dict[str, Any]) -> Iterator[StreamBatch]:
        self.check(config)
        return iter(())

    def post(self, config: ChannelConfig, draft: Draft) -> Item:
        self.check(config)
        if not draft.text.strip():
            raise ValueError("the text is empty")
        if draft.in_reply_to:
            raise ValueError("a feed item cannot reply to anything")
        now = datetime.now(UTC)
        if draft.scheduled_at and draft.scheduled_at > now:
            raise ValueError("a feed cannot schedule items; keep the draft and add it at its time")
        key = draft.idempotency_key or uuid.uuid4().hex
        return Item(
            external_id=f"feed:{key}",
            kind="post",
            created_at=now,
            text=draft.text,
            direction="out",
            author_handle=config.handle,
            url=f"{config.base_url}#{key}",
            declared_language=draft.language,
            raw={"text": draft.text, "language": draft.language, "key": key},
        )


register(OwnFeedConnector())
