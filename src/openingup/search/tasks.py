"""Background work of the search index, run through :mod:`openingup.core.tasks`."""

from __future__ import annotations

from typing import Any

from openingup.core.tasks import Progress, task


@task("search.reindex")
def reindex(progress: Progress) -> dict[str, Any]:
    from openingup.search import services

    done = services.reindex(lambda n, total: progress.update(100 * n / max(total, 1), f"{n} of {total}"))
    return {"indexed": done}
