"""Background work of the social context, run through :mod:`openingup.core.tasks`."""

from __future__ import annotations

from typing import Any

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
