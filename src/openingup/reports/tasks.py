"""Background tasks of reports: delivering the e-mail outbox, the daily privacy run (anonymising and
deleting after the retention period) and the daily open dataset."""

from __future__ import annotations

from typing import Any

from openingup.core.tasks import Progress, task
from openingup.reports import outbox

PRIVACY = "reports.privacy"
OPEN_DATA = "reports.publish_dataset"


@task(outbox.TASK)
def deliver_outbox(progress: Progress) -> dict[str, Any]:
    """Send the queued e-mails whose time has come (see :func:`openingup.reports.outbox.deliver_due`)."""
    return dict(outbox.deliver_due())


@task(PRIVACY)
def run_privacy(progress: Progress) -> dict[str, Any]:
    """Anonymise the contact data that is due, then delete the requests past the retention period."""
    from openingup.reports import privacy

    return {"anonymised": privacy.anonymise_due(), "deleted": privacy.purge_expired()}


@task(OPEN_DATA)
def publish_dataset(progress: Progress) -> dict[str, Any]:
    """Publish every jurisdiction's open dataset of reports (see :mod:`openingup.reports.opendata`)."""
    from openingup.reports import opendata

    return {
        p.link.jurisdiction.code: {"rows": p.link.rows, "created": p.created, "changed": p.changed}
        for p in opendata.publish_all()
    }
