"""The datastore listens to the catalogue: new or changed tabular distributions are ingested."""

from __future__ import annotations

from openingup.catalogue import events as catalogue_events
from openingup.core.events import Event, subscribe, subscribe_batch
from openingup.core.tasks import enqueue


@subscribe_batch(catalogue_events.DISTRIBUTION_CREATED, catalogue_events.DISTRIBUTION_UPDATED)
def ingest_changed_distributions(events: list[Event]) -> None:
    """One ingest job per changed tabular distribution (a commit's distributions read in one query)."""
    from openingup.catalogue.models import Distribution
    from openingup.datastore.sources import kind_for

    ids = list(
        dict.fromkeys(e.payload["distribution_id"] for e in events if e.payload.get("distribution_id"))
    )
    for distribution in Distribution.objects.filter(pk__in=ids):
        name = (
            distribution.file.name
            if distribution.file
            else next(iter(distribution.download_url or distribution.access_url or []), "")
        )
        if kind_for(name or "", distribution.media_type, distribution.format):
            enqueue("datastore.ingest", distribution_id=str(distribution.pk))


@subscribe(catalogue_events.DISTRIBUTION_DELETED)
def drop_deleted(event: Event) -> None:
    from openingup.datastore.services import drop_orphans

    drop_orphans()


@subscribe("*")
def forget_recent_tables(event: Event) -> None:
    """Any catalogue or datastore change may change which table answers, or who may see it."""
    from openingup.datastore.queries import forget
    from openingup.datastore.reading import clear_cache

    forget()
    clear_cache()
