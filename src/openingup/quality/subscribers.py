"""Scores follow the catalogue: every dataset or distribution change has the dataset scored again.

The subscriber only notes the dataset (:func:`~openingup.quality.services.request_scoring`); the
background task ``quality.score_pending`` computes the scores from the committed state, each dataset once
however many events it sent. Deleted datasets take their score with them (the row cascades).
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
def score_changed_dataset(event: Event) -> None:
    from openingup.quality.services import request_scoring

    if event.payload.get("dataset_id"):
        request_scoring(dataset_id=event.payload["dataset_id"])
