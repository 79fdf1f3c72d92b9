"""Background work of classification: training a model, with progress for the back-office page.

Training code (scikit-learn) is imported when the task runs, not when Django starts."""

from __future__ import annotations

from typing import Any

from openingup.core.models import Job
from openingup.core.tasks import Progress, task

TRAIN_TASK = "reports.train_classifier"


@task(TRAIN_TASK)
def train_classifier(progress: Progress) -> dict[str, Any]:
    from openingup.reports.classify import services

    job = Job.objects.select_related("created_by").get(pk=progress.job_id)
    model = services.train_classifier(
        actor=None,
        progress=lambda share, message: progress.update(share * 100, message),
        requested_by=job.created_by,
    )
    return {"model_id": model.pk, "accuracy": model.metrics["evaluation"]["accuracy"]}
