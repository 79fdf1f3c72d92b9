"""Background tasks of reports: delivering the e-mail outbox, the daily privacy run (anonymising and
deleting after the retention period), the daily open dataset and the removal of photos of forms never
sent; the scheduler (:mod:`openingup.core.schedule`) runs each on its interval."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from openingup.core.schedule import periodic
from openingup.core.tasks import Progress, task
from openingup.reports import outbox

PRIVACY = "reports.privacy"
OPEN_DATA = "reports.publish_dataset"
CLEAN_PHOTOS = "reports.clean_photos"


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


@task(CLEAN_PHOTOS)
def clean_photos(progress: Progress) -> dict[str, Any]:
    """Delete the photos of report forms that were never sent, a day after their upload."""
    from openingup.reports.photos import remove_unused

    return {"removed": remove_unused(older_than=timedelta(hours=24))}


# New mails are sent at once (the outbox queues itself); this run retries those whose wait is over.
periodic(outbox.TASK, every=timedelta(minutes=5), task=outbox.TASK)
periodic(PRIVACY, every=timedelta(days=1), task=PRIVACY)
periodic(OPEN_DATA, every=timedelta(days=1), task=OPEN_DATA)
periodic(CLEAN_PHOTOS, every=timedelta(hours=6), task=CLEAN_PHOTOS)
