"""RSS 2.0 and Atom 1.0 feeds: the municipality's news and others' feeds, as feed items.

The XML is parsed with defusedxml (no entity expansion, no external entities, no DTD retrieval). An
item is known by its ``guid`` / Atom ``id``, else its link, else a hash of title and date, so a feed
read twice adds nothing. The stream's cursor keeps the ETag and Last-Modified of the last answer, sent
back as ``If-None-Match`` / ``If-Modified-Since``; a ``304`` means nothing new.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any
from xml.etree.ElementTree import Element, ParseError

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from openingup.social.connectors import ChannelConfig, ConnectorError, Draft, Item, StreamBatch, register
from openingup.social.connectors.client import ApiClient
from openingup.social.connectors.text import html_to_text, obj, parse_time

ATOM = "{http://www.w3.org/2005/Atom}"
CONTENT = "{http://purl.org/rss/1.0/modules/content/}encoded"
DC = "{http://purl.org/dc/elements/1.1/}"
ACCEPT = "application/atom+xml, application/rss+xml;q=0.9, application/xml;q=0.8, text/xml;q=0.7"


def _text(element: Element | None, path: str) -> str:
    if element is None:
        return ""
    found = element.find(path)
    return (found.text or "").strip() if found is not None and found.text else ""


def _time(value: str, where: str) -> datetime | None:
    return parse_time(value, where) if value else None


def _external_id(raw: dict[str, Any]) -> str:
    if raw.get("id") or raw.get("link"):
        return str(raw.get("id") or raw.get("link"))[:500]
    digest = hashlib.sha256(json.dumps([raw.get("title"), raw.get("published")]).encode()).hexdigest()
    return f"sha256:{digest}"


def _item(raw: dict[str, Any], where: str, now: datetime) -> Item:
    published = _time(raw.get("published", ""), f"{where} date")
    updated = _time(raw.get("updated", ""), f"{where} updated")
    body = html_to_text(raw.get("html", ""))
    text = "\n\n".join(part for part in (raw.get("title", ""), body) if part)
    return Item(
        external_id=_external_id(raw),
        kind="feed-item",
        created_at=published or updated or now,
        text=text,
        html=raw.get("html", ""),
        author_name=raw.get("author", ""),
        url=raw.get("link", ""),
        declared_language=raw.get("language", ""),
        edited_at=updated if published and updated and updated > published else None,
        media=raw.get("media", []),
        raw=raw,
    )


def _rss(root: Element) -> list[dict[str, Any]]:
    channel = root.find("channel")
    if channel is None:
        raise ConnectorError("the RSS document has no <channel>")
    language = _text(channel, "language")
    rows = []
    for item in channel.findall("item"):
        enclosure = item.find("enclosure")
        media = []
        if enclosure is not None and enclosure.get("url"):
            media.append(
                {"type": enclosure.get("type", ""), "url": enclosure.get("url", ""), "description": ""}
            )
        rows.append(
            {
                "id": _text(item, "guid"),
                "title": _text(item, "title"),
                "link": _text(item, "link"),
                "html": _text(item, CONTENT) or _text(item, "description"),
                "published": _text(item, "pubDate") or _text(item, f"{DC}date"),
                "author": _text(item, f"{DC}creator") or _text(item, "author"),
                "categories": [c.text.strip() for c in item.findall("category") if c.text],
                "language": language,
                "media": media,
            }
        )
    return rows


def _atom_link(entry: Element) -> str:
    links = entry.findall(f"{ATOM}link")
    for link in links:
        if link.get("rel", "alternate") == "alternate" and link.get("href"):
            return link.get("href", "")
    return links[0].get("href", "") if links else ""


def _atom(root: Element) -> list[dict[str, Any]]:
    language = root.get("{http://www.w3.org/XML/1998/namespace}lang", "")
    rows = []
    for entry in root.findall(f"{ATOM}entry"):
        content = entry.find(f"{ATOM}content")
        summary = entry.find(f"{ATOM}summary")
        html = ""
        for part in (content, summary):
            if part is not None and part.text:
                html = part.text.strip()
                break
        rows.append(
            {
                "id": _text(entry, f"{ATOM}id"),
                "title": _text(entry, f"{ATOM}title"),
                "link": _atom_link(entry),
                "html": html,
                "published": _text(entry, f"{ATOM}published"),
                "updated": _text(entry, f"{ATOM}updated"),
                "author": _text(entry, f"{ATOM}author/{ATOM}name") or _text(root, f"{ATOM}author/{ATOM}name"),
                "categories": [
                    c.get("label") or c.get("term") or "" for c in entry.findall(f"{ATOM}category")
                ],
                "language": entry.get("{http://www.w3.org/XML/1998/namespace}lang", language),
            }
        )
    return rows


def parse_feed(content: bytes, *, now: datetime | None = None) -> list[Item]:
    """The items of an RSS 2.0 or Atom 1.0 document; ConnectorError for anything else or bad XML."""
    try:
        root = fromstring(content)
    except (ParseError, DefusedXmlException, ValueError) as exc:
        raise ConnectorError(f"the feed is not well-formed or safe XML: {exc}") from exc
    if root.tag == "rss":
        rows = _rss(root)
    elif root.tag == f"{ATOM}feed":
        rows = _atom(root)
    else:
        raise ConnectorError(f"not an RSS 2.0 or Atom feed (the root element is {root.tag!r})")
    moment = now or datetime.now(UTC)
    return [_item(row, f"feed item {n + 1}", moment) for n, row in enumerate(rows)]


class FeedConnector:
    kind = "rss"
    can_post = False

    def check(self, config: ChannelConfig) -> None:
        if not config.base_url.startswith(("http://", "https://")):
            raise ValueError("a feed channel needs the feed's http(s) address as its base URL")

    def poll(self, config: ChannelConfig, cursor: dict[str, Any]) -> Iterator[StreamBatch]:
        self.check(config)
        state: dict[str, Any] = obj(cursor.get("feed"))
        headers = {"Accept": ACCEPT}
        if state.get("etag"):
            headers["If-None-Match"] = state["etag"]
        if state.get("modified"):
            headers["If-Modified-Since"] = state["modified"]
        api = ApiClient(config.base_url, transport=config.transport, sleep=config.sleep)
        answer = api.call("GET", config.base_url, headers=headers)
        if answer.status == 304:
            yield StreamBatch("feed", [], state)
            return
        if answer.status >= 400:
            raise ConnectorError(f"{answer.url} answered HTTP {answer.status}")
        items = parse_feed(answer.content)
        new_state = {
            k: v
            for k, v in (
                ("etag", answer.headers.get("etag")),
                ("modified", answer.headers.get("last-modified")),
            )
            if v
        }
        yield StreamBatch("feed", items, new_state)

    def post(self, config: ChannelConfig, draft: Draft) -> Item:
        raise ValueError("a feed cannot be posted to")


register(FeedConnector())
