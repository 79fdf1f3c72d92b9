"""Background work of the readiness context, run through :mod:`openingup.core.tasks`.

``readiness.publish_benchmark`` brings the catalogue's benchmark dataset up to date with the local
results; it does nothing until the dataset has been published once (``openingup readiness
benchmark-publish --publisher SLUG`` chooses the publishing organisation).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from openingup.core.schedule import periodic
from openingup.core.tasks import Progress, task


@task("readiness.publish_benchmark")
def publish_benchmark(progress: Progress) -> dict[str, Any]:
    from openingup.readiness import exchange

    dataset = exchange.benchmark_dataset()
    if dataset is None or dataset.publisher is None:
        return {"published": False}
    exchange.publish_benchmark(publisher=dataset.publisher)
    return {"published": True, "entries": len(exchange.local_entries())}


# Events already republish after each frozen result; the daily run catches what an event missed.
periodic("readiness.publish_benchmark", every=timedelta(days=1), task="readiness.publish_benchmark")
