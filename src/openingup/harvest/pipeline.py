"""One harvest job: gather → fetch → transform (the harvester) → validate → import (:mod:`.records`).

Contract: the job is claimed once (queued → running); pages are handled one at a time, so memory is
bounded by the page size. Each remote item ends as one HarvestRecord: created, updated, unchanged or
failed with its reason. When the source was read to its end, the records of items no longer there are
withdrawn (their datasets archived). The job ends ``done`` — even with failed items — or ``failed`` as a
whole when the source cannot be read (refused URL, HTTP or parse error, timeout): then what was
harvested before the failure is kept and nothing is withdrawn. Never raises for harvest failures.
"""

from __future__ import annotations

import logging
import time
from typing import Any, Protocol

from django.db import transaction
from django.utils import timezone

from openingup import config
from openingup.core.events import publish
from openingup.core.http import UnsafeURL
from openingup.harvest import events
from openingup.harvest.fetching import Fetcher, FetchError, Timeout
from openingup.harvest.harvesters import Gathering, HarvestError, Item, Page, harvester_for
from openingup.harvest.models import HarvestJob, HarvestRecord, HarvestSource
from openingup.harvest.records import Known, fail, process, withdraw

log = logging.getLogger(__name__)
MAX_REPORTED = 1000  # failures and withdrawals listed in a job's report; every record keeps its own


class Progress(Protocol):
    """Where the job's progress is also shown: a background job, or the command line's bar."""

    def update(self, percent: float, message: str = "") -> None: ...


class _Run:
    def __init__(self, job: HarvestJob, gathering: Gathering, progress: Progress | None) -> None:
        self.job = job
        self.source = job.source
        self.gathering = gathering
        self.progress = progress
        self.seen: set[str] = set()
        self.report: dict[str, Any] = {"failed": [], "withdrawn": [], "warnings": [], "pages": 0}
        self.process = process  # a harvester may bring its own per-item step (Open311: requests)

    def item(self, item: Item, known: Known) -> str:
        if item.remote_id in self.seen:
            return "duplicate"
        self.seen.add(item.remote_id)
        try:
            with transaction.atomic():  # an item that breaks midway leaves nothing of itself behind
                outcome = self.process(self.source, self.job, item, known)
        except Exception as exc:  # one broken item must not stop the others; its record says why
            log.exception("harvest of %s failed", item.remote_id)
            known.pending.pop(item.remote_id[:500], None)
            outcome = fail(self.source, self.job, item, f"{type(exc).__name__}: {exc}")
        setattr(self.job, outcome.status, getattr(self.job, outcome.status) + 1)
        if outcome.reason and len(self.report["failed"]) < MAX_REPORTED:
            self.report["failed"].append({"id": item.remote_id, "reason": outcome.reason})
        return outcome.status

    def page(self, page: Page) -> None:
        self.gathering.fetcher.check_deadline()
        unchanged, duplicates = [], 0
        # One commit per page (each item still in its own savepoint): far fewer disk syncs.
        with transaction.atomic():
            known = Known.load(self.source, page.items)
            for item in page.items:
                status = self.item(item, known)
                if status == HarvestRecord.Status.UNCHANGED:
                    unchanged.append(item.remote_id)
                duplicates += status == "duplicate"
            known.flush()
            HarvestRecord.objects.filter(source=self.source, remote_id__in=unchanged).update(
                status=HarvestRecord.Status.UNCHANGED, last_job=self.job
            )
        if duplicates:
            self.gathering.warnings.append(
                f"{page.url} repeats {duplicates} items of earlier pages; they were read once"
            )
        self.report["pages"] += 1
        done = len(self.seen)
        percent = min(95, 95 * done // page.total) if page.total else 0
        self.save(progress=percent, message=f"{done} items read from {self.report['pages']} pages")
        if self.progress is not None:
            self.progress.update(percent, self.job.message)

    def withdraw_missing(self) -> None:
        stale = HarvestRecord.objects.filter(source=self.source).exclude(
            status=HarvestRecord.Status.WITHDRAWN
        )
        for record in stale.iterator():
            if record.remote_id in self.seen:
                continue
            if withdraw(record, self.job):
                self.job.withdrawn += 1
                if len(self.report["withdrawn"]) < MAX_REPORTED:
                    self.report["withdrawn"].append(record.remote_id)

    def save(self, **fields: Any) -> None:
        for name, value in fields.items():
            setattr(self.job, name, value)
        self.report["warnings"] = self.gathering.warnings[:MAX_REPORTED]
        self.job.report = self.report
        self.job.save()


def gathering_for(job: HarvestJob, transport: Any = None) -> Gathering:
    timeout = config.get_int("OPENINGUP_HARVEST_TIMEOUT")
    fetcher = Fetcher(deadline=time.monotonic() + timeout, transport=transport)
    return Gathering(
        url=job.source.url, fetcher=fetcher, page_size=config.get_int("OPENINGUP_HARVEST_PAGE_SIZE")
    )


def run_job(
    job_id: Any,
    *,
    progress: Progress | None = None,
    gathering: Gathering | None = None,
    transport: Any = None,
) -> HarvestJob:
    """Run a queued harvest job to its end and return it; a job not queued is returned untouched."""
    claimed = HarvestJob.objects.filter(pk=job_id, status=HarvestJob.Status.QUEUED).update(
        status=HarvestJob.Status.RUNNING, started_at=timezone.now(), message="starting"
    )
    job = HarvestJob.objects.select_related("source", "source__organisation", "source__created_by").get(
        pk=job_id
    )
    if not claimed:
        return job
    HarvestSource.objects.filter(pk=job.source_id).update(last_run_at=job.started_at)
    run = _Run(job, gathering or gathering_for(job, transport), progress)
    try:
        harvester = harvester_for(job.source.type)
        run.process = getattr(harvester, "process", process)
        for page in harvester.pages(run.gathering):
            run.page(page)
        if not getattr(harvester, "withdraws", True):
            pass  # the source is read in a window of time: what is not in it is older, not gone
        elif run.gathering.complete:
            run.withdraw_missing()
        else:
            run.gathering.warnings.append("paging did not end cleanly, so no dataset was withdrawn")
        run.save(status=HarvestJob.Status.DONE, progress=100, message="finished", finished_at=timezone.now())
    except (UnsafeURL, FetchError, HarvestError, Timeout) as exc:
        _fail(run, str(exc))
    except Exception as exc:  # a bug must still end the job with a reason, never leave it running
        log.exception("harvest job %s failed", job_id)
        _fail(run, f"{type(exc).__name__}: {exc}")
    finally:
        run.gathering.fetcher.close()
    publish(
        events.HARVEST_FINISHED, harvest_job_id=str(job.pk), source_id=str(job.source_id), status=job.status
    )
    return job


def _fail(run: _Run, reason: str) -> None:
    kept = "; the datasets harvested before this are kept and nothing was withdrawn"
    run.save(
        status=HarvestJob.Status.FAILED, error=reason + kept, message="failed", finished_at=timezone.now()
    )
