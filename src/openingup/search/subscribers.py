"""The index listens to the catalogue: every dataset or distribution change updates its document.

Events are dispatched after commit (:mod:`openingup.core.events`), so the document is built from the
committed state; a failure is logged by the bus and repaired by the next change or ``search reindex``.
"""

from __future__ import annotations

from openingup.catalogue import events as catalogue_events
from openingup.core.events import Event, subscribe


@subscribe(catalogue_events.DATASET_CREATED)
@subscribe(catalogue_events.DATASET_UPDATED)
@subscribe(catalogue_events.DATASET_PUBLISHED)
@subscribe(catalogue_events.DATASET_ARCHIVED)
@subscribe(catalogue_events.DISTRIBUTION_CREATED)
@subscribe(catalogue_events.DISTRIBUTION_UPDATED)
@subscribe(catalogue_events.DISTRIBUTION_DELETED)
def index_changed_dataset(event: Event) -> None:
    from openingup.search.services import index_dataset

    if event.payload.get("dataset_id"):
        index_dataset(event.payload["dataset_id"])


@subscribe(catalogue_events.DATASET_DELETED)
def remove_deleted_dataset(event: Event) -> None:
    from openingup.search.services import remove_dataset

    if event.payload.get("dataset_id"):
        remove_dataset(event.payload["dataset_id"])
