"""Writers of the search index: one dataset, its removal, or everything again in bounded batches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction

from openingup.search.backends import backend
from openingup.search.documents import document_for

BATCH = 1000
ProgressFn = Callable[[int, int], None]


def _datasets() -> Any:
    from openingup.catalogue.models import Dataset

    return Dataset.objects.select_related("publisher").prefetch_related("distributions")


def index_dataset(dataset_id: Any) -> bool:
    """Bring the dataset's document up to date; removes it when the dataset is gone. True when indexed."""
    dataset = _datasets().filter(pk=dataset_id).first()
    with transaction.atomic():
        if dataset is None:
            backend().remove([str(dataset_id)])
            return False
        backend().index([document_for(dataset)])
    return True


def remove_dataset(dataset_id: Any) -> None:
    with transaction.atomic():
        backend().remove([str(dataset_id)])


def reindex(progress: ProgressFn | None = None, *, batch: int = BATCH) -> int:
    """Rebuild the whole index, ``batch`` datasets at a time (keyset over ids: memory stays bounded).

    Documents of datasets that no longer exist are removed; ``progress(done, total)`` after each batch.
    Returns the number of datasets indexed.
    """
    from openingup.catalogue.models import Dataset
    from openingup.search.models import SearchDocument

    total = Dataset.objects.count()
    done = 0
    last: Any = None
    if progress:
        progress(0, total)
    while True:
        rows = _datasets().order_by("pk")
        if last is not None:
            rows = rows.filter(pk__gt=last)
        page = list(rows[:batch])
        if not page:
            break
        with transaction.atomic():
            backend().index([document_for(d) for d in page])
        done += len(page)
        last = page[-1].pk
        if progress:
            progress(done, max(total, done))
    known = set(Dataset.objects.values_list("pk", flat=True).iterator())
    stale = [
        str(d)
        for d in SearchDocument.objects.values_list("dataset_id", flat=True).iterator()
        if d not in known
    ]
    for start in range(0, len(stale), batch):
        with transaction.atomic():
            backend().remove(stale[start : start + batch])
    return done
