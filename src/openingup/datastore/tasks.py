"""Background work of the datastore, run through :mod:`openingup.core.tasks`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from openingup.core.schedule import periodic
from openingup.core.tasks import Progress, task


@task("datastore.ingest")
def ingest(progress: Progress, distribution_id: str) -> dict[str, Any]:
    from openingup.catalogue.models import Distribution
    from openingup.core.models import Job
    from openingup.datastore import services

    distribution = Distribution.objects.filter(pk=distribution_id).first()
    if distribution is None:
        return {"status": "gone"}
    job = Job.objects.filter(pk=progress.job_id).first()
    table = services.ingest_distribution(
        distribution, progress=lambda f, m: progress.update(100 * f, m), job=job
    )
    if table is None:
        return {"status": "unchanged"}
    result = {
        "table": str(table.pk),
        "version": table.version,
        "status": table.status,
        "rows": table.row_count,
    }
    if table.status == table.Status.FAILED:
        errors = table.report.get("errors") or [{}]
        raise RuntimeError(f"the data could not be loaded: {errors[-1].get('message', 'unknown problem')}")
    return result


@task("datastore.expire")
def expire(progress: Progress) -> dict[str, Any]:
    from openingup.datastore import services

    return {"expired": services.expire_versions(), "orphans": services.drop_orphans()}


periodic("datastore.expire", every=timedelta(days=1), task="datastore.expire")
