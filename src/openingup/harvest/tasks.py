"""Background work of harvesting, run through :mod:`openingup.core.tasks`."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from openingup.core.schedule import periodic
from openingup.core.tasks import Progress, task


@task("harvest.run")
def run(progress: Progress, *, harvest_job_id: str) -> dict[str, Any]:
    """Run one queued harvest job; raises (so the background job fails too) when the harvest failed."""
    from openingup.harvest.pipeline import run_job

    job = run_job(harvest_job_id, progress=progress)
    if job.status == job.Status.FAILED:
        raise RuntimeError(job.error)
    return {"harvest_job": str(job.pk), "created": job.created, "updated": job.updated, "failed": job.failed}


@task("harvest.withdraw_datasets")
def withdraw_datasets(progress: Progress, *, dataset_ids: list[str]) -> dict[str, Any]:
    """Archive the datasets of a removed source (its person chose to withdraw them)."""
    from openingup.harvest import services

    def report(done: int, total: int) -> None:
        progress.update(100 * done / max(total, 1), f"{done} of {total} datasets")

    return {"withdrawn": services.withdraw_datasets(dataset_ids=dataset_ids, progress=report)}


@task("harvest.start_due")
def start_due(progress: Progress) -> dict[str, Any]:
    """Queue a job for every active source whose next scheduled run has come."""
    from openingup.harvest.services import start_due_harvests

    started = start_due_harvests()
    return {"started": [str(j.source_id) for j in started]}


# Sources are daily, weekly or monthly; looking every few minutes starts each close to its time.
periodic("harvest.start_due", every=timedelta(minutes=5), task="harvest.start_due")
