"""Scores follow the catalogue: every dataset or distribution change has the dataset scored again.

The subscriber only notes the dataset (:func:`~openingup.quality.services.request_scoring`); the
background task ``quality.score_pending`` computes the scores from the committed state, each dataset once
however many events it sent. Deleted datasets take their score with them (the row cascades).
"""

from __future__ import annotations

from openingup.catalogue import events as catalogue_events
from openingup.core.events import Event, subscribe_batch


@subscribe_batch(
    catalogue_events.DATASET_CREATED,
    catalogue_events.DATASET_UPDATED,
    catalogue_events.DATASET_PUBLISHED,
    catalogue_events.DATASET_ARCHIVED,
    catalogue_events.DISTRIBUTION_CREATED,
    catalogue_events.DISTRIBUTION_UPDATED,
    catalogue_events.DISTRIBUTION_DELETED,
)
def score_changed_datasets(events: list[Event]) -> None:
    from openingup.quality.services import request_scoring

    changed = dict.fromkeys(e.payload["dataset_id"] for e in events if e.payload.get("dataset_id"))
    if changed:
        request_scoring(dataset_ids=list(changed))
