"""Writers of the search index (one dataset, its removal, or everything again in bounded batches) and
of saved searches."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db import transaction
from django.http import QueryDict

from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.search.backends import backend
from openingup.search.documents import document_for
from openingup.search.models import SavedSearch

BATCH = 1000
MAX_SAVED = 100
MAX_NAME = 200
MAX_SAVED_QUERY = 4000
# Paging and output parameters of /search/: not part of what a saved search asks for.
_NOT_SAVED = frozenset({"cursor", "format", "csrfmiddlewaretoken"})
ProgressFn = Callable[[int, int], None]


def _datasets() -> Any:
    from openingup.catalogue.models import Dataset

    return Dataset.objects.select_related("publisher").prefetch_related("distributions")


def index_dataset(dataset_id: Any) -> bool:
    """Bring the dataset's document up to date; removes it when the dataset is gone. True when indexed."""
    return bool(index_datasets([dataset_id]))


def index_datasets(ids: list[Any]) -> int:
    """Bring the documents of these datasets up to date in one transaction (the gone ones removed);
    returns how many were indexed."""
    if not ids:
        return 0
    found = list(_datasets().filter(pk__in=ids))
    present = {str(d.pk) for d in found}
    with transaction.atomic():
        gone = [str(pk) for pk in ids if str(pk) not in present]
        if gone:
            backend().remove(gone)
        backend().index([document_for(d) for d in found])
    return len(found)


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


def clean_query(query: str) -> str:
    """The /search/ query string without paging, output format or empty parameters."""
    params = QueryDict(query.lstrip("?"), mutable=True)
    kept = QueryDict(mutable=True)
    for key in sorted(params):
        values = [v for v in params.getlist(key) if v]
        if key not in _NOT_SAVED and values:
            kept.setlist(key, values)
    return kept.urlencode()


@transaction.atomic
def save_search(*, actor: Any, name: str, query: str) -> SavedSearch:
    """Save a /search/ query under a name for a signed-in person (at most ``MAX_SAVED`` each)."""
    if actor is None or not getattr(actor, "is_authenticated", False):
        raise PermissionDenied("Sign in to save a search.")
    name = (name or "").strip()
    if not name:
        raise InvalidInput("A saved search needs a name.", [FieldProblem("name", "is empty")])
    if len(name) > MAX_NAME:
        raise InvalidInput(
            f"The name is too long: use at most {MAX_NAME} characters.",
            [FieldProblem("name", f"is longer than {MAX_NAME} characters")],
        )
    cleaned = clean_query(query or "")
    if len(cleaned) > MAX_SAVED_QUERY:
        raise InvalidInput(
            "The search is too long to save.",
            [FieldProblem("query", f"is longer than {MAX_SAVED_QUERY} characters")],
        )
    if SavedSearch.objects.select_for_update().filter(user=actor).count() >= MAX_SAVED:
        raise InvalidInput(
            f"You have {MAX_SAVED} saved searches already: delete one first.",
            [FieldProblem("name", f"more than {MAX_SAVED} saved searches")],
        )
    return SavedSearch.objects.create(user=actor, name=name, query=cleaned)


@transaction.atomic
def delete_saved_search(*, actor: Any, saved: SavedSearch) -> None:
    if actor is None or not getattr(actor, "is_authenticated", False) or actor.pk != saved.user_id:
        raise PermissionDenied("You can only delete your own saved searches.")
    saved.delete()
