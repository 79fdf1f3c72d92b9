"""The only writers of the catalogue. Keyword-only, atomic, events after commit, history recorded.

Every service raises :class:`~openingup.core.errors.InvalidInput` naming each bad field before it
writes anything, and :class:`~openingup.core.errors.PermissionDenied` when the actor may not act.
"""

from openingup.catalogue.services.catalogue import (
    IMPORT_FORMATS,
    create_dataset_series,
    save_catalogue,
    start_import,
)
from openingup.catalogue.services.data_services import (
    create_data_service,
    delete_data_service,
    update_data_service,
)
from openingup.catalogue.services.datasets import (
    archive_dataset,
    create_dataset,
    delete_dataset,
    is_hvd,
    publication_problems,
    publish_dataset,
    update_dataset,
)
from openingup.catalogue.services.distributions import (
    SHA256,
    add_distribution,
    delete_distribution,
    update_distribution,
)

__all__ = [
    "IMPORT_FORMATS",
    "SHA256",
    "add_distribution",
    "archive_dataset",
    "create_data_service",
    "create_dataset",
    "create_dataset_series",
    "delete_data_service",
    "delete_dataset",
    "delete_distribution",
    "is_hvd",
    "publication_problems",
    "publish_dataset",
    "save_catalogue",
    "start_import",
    "update_data_service",
    "update_dataset",
    "update_distribution",
]
