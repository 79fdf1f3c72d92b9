"""The published benchmark follows the submissions: each submitted result has the catalogue's benchmark
dataset updated in the background, once it has been published (see :mod:`openingup.readiness.tasks`)."""

from __future__ import annotations

from openingup.core.events import Event, subscribe_batch
from openingup.readiness import events


@subscribe_batch(events.ASSESSMENT_SUBMITTED)
def republish_benchmark(batch: list[Event]) -> None:
    """Once per commit however many results it submitted; imported entries are not re-published."""
    from openingup.core.tasks import enqueue
    from openingup.readiness import exchange

    if exchange.benchmark_dataset() is not None:
        enqueue("readiness.publish_benchmark")
