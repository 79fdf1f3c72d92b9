"""Background work of the social context, run through :mod:`openingup.core.tasks`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from openingup.core.schedule import periodic
from openingup.core.tasks import Progress, task


@task("social.poll")
def poll(progress: Progress, *, channel_id: str = "") -> dict[str, Any]:
    """Poll one channel, or every active channel; the counts and errors per channel are the result."""
    from openingup.social import services
    from openingup.social.models import Channel

    channels = Channel.objects.filter(active=True).exclude(kind__in=list(services.IMPORT_KINDS))
    if channel_id:
        channels = Channel.objects.filter(pk=channel_id)
    result: dict[str, Any] = {}
    listed = list(channels)
    for n, channel in enumerate(listed, start=1):
        report = services.poll_channel(actor=None, channel=channel)
        result[str(channel.pk)] = {"recorded": report.recorded.in_words(), "error": report.error}
        progress.update(100 * n / max(len(listed), 1), f"{n} of {len(listed)} channels")
    return result


@task("social.publish_due")
def publish_due(progress: Progress) -> dict[str, Any]:
    """Send every approved post whose time has come (Bluesky's client-side scheduling)."""
    from openingup.social.publishing import services as publishing

    posts = publishing.publish_due()
    progress.update(100, f"{len(posts)} posts")
    return {str(post.pk): post.status for post in posts}


@task("social.archive_retention")
def archive_retention(progress: Progress, *, remove: bool = False) -> dict[str, Any]:
    """Report (and with ``remove``, remove) archive entries past their retention."""
    from openingup.social.archive import retention

    report = retention.apply(remove=remove)
    progress.update(100, report.in_words())
    return {"removable": dict(report.removable), "held_back": report.held_back, "removed": report.removed}


# Scheduled posts go out within a minute of their time; polling catches up on every active channel.
periodic("social.publish_due", every=timedelta(minutes=1), task="social.publish_due")
periodic("social.poll", every=timedelta(minutes=15), task="social.poll")
