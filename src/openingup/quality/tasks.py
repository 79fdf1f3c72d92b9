"""Background work of the quality context, run through :mod:`openingup.core.tasks`.

``quality.check_links`` checks the links due for a check (never checked, or older than
``OPENINGUP_LINK_CHECK_MAX_AGE_HOURS``); run it on a schedule with ``openingup quality check-links
--enqueue`` (cron, systemd timer) or directly with ``openingup quality check-links``.
"""

from __future__ import annotations

from typing import Any

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
