"""The organisation's own outgoing feed (a channel of kind ``feed``) as RSS 2.0: its published posts."""

from __future__ import annotations

import uuid

from django.http import HttpRequest, HttpResponse
from django.utils.feedgenerator import Rss201rev2Feed
from django.views.decorators.http import require_GET

from openingup.social.models import Channel, Message
from openingup.web.views.common import not_found

ITEMS = 50


@require_GET
def feed(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    channel = Channel.objects.filter(pk=pk, kind=Channel.Kind.FEED, active=True).first()
    if channel is None:
        return not_found(request)
    rss = Rss201rev2Feed(
        title=str(channel),
        link=channel.base_url,
        description=str(channel),
        feed_url=request.build_absolute_uri(),
    )
    messages = Message.objects.filter(channel=channel, direction="out", deleted_at__isnull=True).order_by(
        "-created_at", "-id"
    )
    for message in messages[:ITEMS]:
        first_line = message.text.strip().split("\n")[0]
        rss.add_item(
            title=first_line[:100],
            link=message.url or channel.base_url,
            description=message.text,
            unique_id=message.external_id,
            unique_id_is_permalink=False,
            pubdate=message.created_at,
        )
    return HttpResponse(rss.writeString("utf-8"), content_type="application/rss+xml; charset=utf-8")
