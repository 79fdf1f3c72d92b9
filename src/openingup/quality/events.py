"""Events the quality context publishes after commit (see :mod:`openingup.core.events`)."""

DATASET_SCORED = "quality.dataset_scored"  # dataset_id, total, band
LINKS_CHECKED = "quality.links_checked"  # checked, failed
