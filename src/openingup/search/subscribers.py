"""The index listens to the catalogue: every dataset or distribution change updates its document.

Events arrive after commit (:mod:`openingup.core.events`), once per commit with all of its changes, so
documents are built from the committed state and a transaction that touched many datasets (a harvest
page, an import) is indexed in one batch; a failure is logged by the bus and repaired by the next
change or ``search reindex``.
"""

from __future__ import annotations

from openingup.catalogue import events as catalogue_events
from openingup.core.events import Event, subscribe_batch


@subscribe_batch(
    catalogue_events.DATASET_CREATED,
    catalogue_events.DATASET_UPDATED,
    catalogue_events.DATASET_PUBLISHED,
    catalogue_events.DATASET_ARCHIVED,
    catalogue_events.DATASET_DELETED,
    catalogue_events.DISTRIBUTION_CREATED,
    catalogue_events.DISTRIBUTION_UPDATED,
    catalogue_events.DISTRIBUTION_DELETED,
)
def index_changed_datasets(events: list[Event]) -> None:
    from openingup.search.services import index_datasets

    index_datasets(
        list(dict.fromkeys(e.payload["dataset_id"] for e in events if e.payload.get("dataset_id")))
    )
