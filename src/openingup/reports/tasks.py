"""Background tasks of reports: delivering the e-mail outbox."""

from __future__ import annotations

from typing import Any

from openingup.core.tasks import Progress, task
from openingup.reports import outbox


@task(outbox.TASK)
def deliver_outbox(progress: Progress) -> dict[str, Any]:
    """Send the queued e-mails whose time has come (see :func:`openingup.reports.outbox.deliver_due`)."""
    return dict(outbox.deliver_due())
