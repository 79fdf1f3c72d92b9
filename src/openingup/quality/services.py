"""The only writers of the quality context: scores and link checks.

Scores are derived from the catalogue and can be recomputed at any time; writing one is atomic and a
failure leaves the previous score in place. Events are sent after commit.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import Any

import httpx
from django.db import transaction
from django.utils import timezone

from openingup import config
from openingup.catalogue.models import Dataset, Distribution, Status
from openingup.core.events import publish
from openingup.core.models import Job
from openingup.core.tasks import enqueue
from openingup.quality import events
from openingup.quality.linkcheck import LinkChecker, LinkResult
from openingup.quality.models import LinkCheck, PendingScore, QualityScore
from openingup.quality.scoring import Score, score
from openingup.quality.subjects import subject_for, subjects_for, urls_of

log = logging.getLogger(__name__)
ProgressFn = Callable[[int, int], None]
BATCH = 200
SCORE_PENDING = "quality.score_pending"


def _values(result: Score) -> dict[str, Any]:
    return {
        "total": result.total,
        "band": result.band,
        **result.dimensions,
        "measurements": [m.as_json() for m in result.measurements],
        "distribution_id": result.distribution.pk if result.distribution else None,
        "computed_at": timezone.now(),
    }


def _write(dataset: Dataset, result: Score) -> QualityScore:
    row, _created = QualityScore.objects.update_or_create(dataset=dataset, defaults=_values(result))
    return row


def _write_all(results: list[tuple[Dataset, Score]]) -> None:
    """:func:`_write` for many datasets in one statement (inserting, or replacing the previous score)."""
    rows = [QualityScore(dataset=dataset, **_values(result)) for dataset, result in results]
    if rows:
        QualityScore.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["dataset"],
            update_fields=list(_values(results[0][1])),
        )


def score_dataset(*, dataset_id: Any, actor: Any = None) -> QualityScore | None:
    """Compute and store the dataset's score; None (and nothing stored) when the dataset is gone.

    ``actor`` is who asked (None for the system: events, schedules); scores are derived data that
    anyone who may see the dataset may see, so no permission is needed to recompute one.
    """
    started = timezone.now()
    dataset = Dataset.objects.select_related("publisher").filter(pk=dataset_id).first()
    if dataset is None:
        PendingScore.objects.filter(dataset_id=dataset_id).delete()
        return None
    result = score(subject_for(dataset))
    with transaction.atomic():
        row = _write(dataset, result)
        PendingScore.objects.filter(dataset_id=dataset.pk, queued_at__lte=started).delete()
        publish(events.DATASET_SCORED, dataset_id=str(dataset.pk), total=row.total, band=row.band)
    return row


def score_datasets(*, dataset_ids: list[Any]) -> int:
    """:func:`score_dataset` for many datasets at once (their distributions, link checks and SHACL
    validation read in one go); returns how many were scored. Gone datasets lose their note."""
    started = timezone.now()
    datasets = list(Dataset.objects.select_related("publisher").filter(pk__in=dataset_ids))
    found = {d.pk for d in datasets}
    gone = [pk for pk in dataset_ids if pk not in found]
    if gone:
        PendingScore.objects.filter(dataset_id__in=gone).delete()
    if not datasets:
        return 0
    results = [(subject.dataset, score(subject)) for subject in subjects_for(datasets)]
    with transaction.atomic():
        _write_all(results)
        for dataset, result in results:
            publish(events.DATASET_SCORED, dataset_id=str(dataset.pk), total=result.total, band=result.band)
        PendingScore.objects.filter(dataset_id__in=list(found), queued_at__lte=started).delete()
    return len(datasets)


def request_scoring(*, dataset_ids: list[Any]) -> None:
    """Note that the datasets must be scored again and make sure a background job will do it.

    Scoring validates a dataset against the SHACL shapes (tens of milliseconds), so the catalogue's
    events only note the datasets here, once per commit; a harvest of thousands of datasets is not
    slowed down by it, and a dataset changed several times in a row is scored once.
    """
    now = timezone.now()
    with transaction.atomic():
        PendingScore.objects.filter(dataset_id__in=dataset_ids).update(queued_at=now)
        known = {str(pk) for pk in PendingScore.objects.filter(dataset_id__in=dataset_ids).values_list(
            "dataset_id", flat=True)}  # fmt: skip
        PendingScore.objects.bulk_create(
            [PendingScore(dataset_id=pk, queued_at=now) for pk in dict.fromkeys(map(str, dataset_ids))
             if pk not in known],
            ignore_conflicts=True,
        )  # fmt: skip
    if not Job.objects.filter(name=SCORE_PENDING, status=Job.Status.QUEUED).exists():
        enqueue(SCORE_PENDING)


def score_pending(progress: ProgressFn | None = None, *, batch: int = BATCH) -> int:
    """Score every dataset noted by :func:`request_scoring`, oldest first; returns how many.

    A dataset noted again while it was being scored stays noted (its newer change is scored next).
    """
    done = 0
    while True:
        rows = list(PendingScore.objects.order_by("queued_at")[:batch])
        if not rows:
            return done
        try:  # the batch at once; when that fails, one by one to find the broken dataset
            score_datasets(dataset_ids=[row.dataset_id for row in rows])
        except Exception:
            log.exception("scoring %d datasets at once failed; scoring them one by one", len(rows))
            for row in rows:
                try:
                    score_dataset(dataset_id=row.dataset_id)
                except Exception:  # one broken dataset must not stop the others; its next change retries
                    log.exception("scoring dataset %s failed", row.dataset_id)
                    PendingScore.objects.filter(
                        dataset_id=row.dataset_id, queued_at__lte=row.queued_at
                    ).delete()
        done += len(rows)
        if progress:
            progress(done, done + PendingScore.objects.count())


def is_pending(dataset_id: Any) -> bool:
    return PendingScore.objects.filter(dataset_id=dataset_id).exists()


def score_all(progress: ProgressFn | None = None, *, only_missing: bool = False, batch: int = BATCH) -> int:
    """Score every dataset (``only_missing``: those without a score), keyset-paged; returns how many."""
    rows = Dataset.objects.order_by("pk")
    if only_missing:
        rows = rows.filter(quality_score__isnull=True)
    total = rows.count()
    done, last = 0, None
    if progress:
        progress(0, total)
    while True:
        page = rows.filter(pk__gt=last) if last is not None else rows
        ids = list(page.values_list("pk", flat=True)[:batch])
        if not ids:
            break
        score_datasets(dataset_ids=ids)
        done += len(ids)
        last = ids[-1]
        if progress:
            progress(done, max(total, done))
    return done


def links_to_check(*, everything: bool = False, dataset_ids: Iterable[Any] | None = None) -> list[str]:
    """Access and download URLs of datasets that are not archived: all of them (``everything``) or those
    never checked or checked longer ago than ``OPENINGUP_LINK_CHECK_MAX_AGE_HOURS``."""
    distributions = Distribution.objects.exclude(dataset__status=Status.ARCHIVED)
    if dataset_ids is not None:
        distributions = distributions.filter(dataset_id__in=list(dataset_ids))
    urls = urls_of(distributions.only("access_url", "download_url").iterator(chunk_size=1000))
    if everything:
        return urls
    cutoff = timezone.now() - timedelta(hours=config.get_int("OPENINGUP_LINK_CHECK_MAX_AGE_HOURS"))
    fresh: set[str] = set()
    for start in range(0, len(urls), 500):
        chunk = urls[start : start + 500]
        fresh.update(
            LinkCheck.objects.filter(url__in=chunk, checked_at__gte=cutoff).values_list("url", flat=True)
        )
    return [url for url in urls if url not in fresh]


@transaction.atomic
def record_link_check(*, result: LinkResult, actor: Any = None) -> LinkCheck:
    """Store the last check of a URL (replacing the previous one)."""
    row, _created = LinkCheck.objects.update_or_create(
        url=result.url,
        defaults={
            "status_code": result.status_code,
            "ok": result.ok,
            "error": result.error[:2000],
            "checked_at": timezone.now(),
        },
    )
    return row


def check_links(
    *,
    urls: Iterable[str],
    actor: Any = None,
    transport: httpx.BaseTransport | None = None,
    checker: LinkChecker | None = None,
    progress: ProgressFn | None = None,
) -> dict[str, int]:
    """Check the URLs politely, store each result as it comes, then rescore the datasets using them.

    Returns ``{"checked": n, "failed": n, "rescored": n}``.
    """
    wanted = list(dict.fromkeys(urls))
    checker = checker or LinkChecker(transport=transport)
    checked = failed = 0
    if progress:
        progress(0, len(wanted))
    for result in checker.check_all(wanted):
        record_link_check(result=result, actor=actor)
        checked += 1
        failed += 0 if result.ok else 1
        if progress:
            progress(checked, len(wanted))
    rescored = 0
    for dataset_id in datasets_using(wanted):
        if score_dataset(dataset_id=dataset_id) is not None:
            rescored += 1
    with transaction.atomic():
        publish(events.LINKS_CHECKED, checked=checked, failed=failed)
    return {"checked": checked, "failed": failed, "rescored": rescored}


def datasets_using(urls: list[str]) -> list[Any]:
    """Ids of the datasets with a distribution whose access or download URL is one of ``urls``."""
    wanted = set(urls)
    found: dict[Any, None] = {}
    rows = Distribution.objects.values_list("dataset_id", "access_url", "download_url")
    for dataset_id, access, download in rows.iterator(chunk_size=1000):
        if wanted.intersection([*(access or []), *(download or [])]):
            found.setdefault(dataset_id, None)
    return list(found)
