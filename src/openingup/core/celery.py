"""The Celery application, used only when ``OPENINGUP_BROKER_URL`` is set (``openingup worker``)."""

from __future__ import annotations

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openingup.settings")

app = Celery("openingup")
app.conf.update(
    broker_connection_retry_on_startup=True,
    task_ignore_result=True,
    worker_hijack_root_logger=False,
    task_acks_late=True,
)


def configure(broker_url: str) -> Celery:
    """Point the app at a broker (called with settings.BROKER_URL before use)."""
    if app.conf.broker_url != broker_url:
        app.conf.broker_url = broker_url
    return app


@app.task(name="openingup.run_job")
def run_job_task(job_id: str) -> str:
    from openingup.core.tasks import run_job

    return run_job(job_id).status
