"""Background work of the quality context, run through :mod:`openingup.core.tasks`.

``quality.check_links`` checks the links due for a check (never checked, or older than
``OPENINGUP_LINK_CHECK_MAX_AGE_HOURS``); the scheduler (:mod:`openingup.core.schedule`) queues it every
few hours, ``openingup quality check-links --enqueue`` on demand, and ``openingup quality check-links``
runs it in the foreground.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from openingup.core.schedule import periodic
from openingup.core.tasks import Progress, task


def _reporter(progress: Progress, noun: str) -> Any:
    return lambda n, total: progress.update(100 * n / max(total, 1), f"{n} of {total} {noun}")


@task("quality.check_links")
def check_links(progress: Progress, everything: bool = False) -> dict[str, Any]:
    from openingup.quality import services

    urls = services.links_to_check(everything=everything)
    return services.check_links(urls=urls, progress=_reporter(progress, "links"))


@task("quality.score_all")
def score_all(progress: Progress) -> dict[str, Any]:
    from openingup.quality import services

    return {"scored": services.score_all(_reporter(progress, "datasets"))}


@task("quality.score_pending")
def score_pending(progress: Progress) -> dict[str, Any]:
    from openingup.quality import services

    return {"scored": services.score_pending(_reporter(progress, "datasets"))}


# Only the links due for a check are checked, so a run every few hours spreads the work over the day.
periodic("quality.check_links", every=timedelta(hours=6), task="quality.check_links")
