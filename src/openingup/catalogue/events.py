"""Events the catalogue publishes after commit (see :mod:`openingup.core.events`).

Subscribers (the search index, quality scores, notifications, announcements on social channels) listen
to these names; the payload carries ids only, so a subscriber reads the current state through
:mod:`openingup.catalogue.queries`.
"""

DATASET_CREATED = "dataset.created"  # dataset_id
DATASET_UPDATED = "dataset.updated"  # dataset_id
DATASET_PUBLISHED = "dataset.published"  # dataset_id
DATASET_ARCHIVED = "dataset.archived"  # dataset_id
DATASET_DELETED = "dataset.deleted"  # dataset_id
DISTRIBUTION_CREATED = "distribution.created"  # dataset_id, distribution_id
DISTRIBUTION_UPDATED = "distribution.updated"  # dataset_id, distribution_id
DISTRIBUTION_DELETED = "distribution.deleted"  # dataset_id, distribution_id
DATA_SERVICE_CREATED = "data_service.created"  # data_service_id
DATA_SERVICE_UPDATED = "data_service.updated"  # data_service_id
DATA_SERVICE_DELETED = "data_service.deleted"  # data_service_id
DATASET_SERIES_CREATED = "dataset_series.created"  # dataset_series_id
CATALOGUE_SAVED = "catalogue.saved"  # catalogue_id
IMPORT_STARTED = "catalogue.import_started"  # job_id

ALL = tuple(value for name, value in dict(globals()).items() if name.isupper() and isinstance(value, str))
