"""Events organisations publish after commit (see :mod:`openingup.core.events`)."""

ORGANISATION_CREATED = "organisation.created"  # organisation_id
ORGANISATION_UPDATED = "organisation.updated"  # organisation_id

ALL = (ORGANISATION_CREATED, ORGANISATION_UPDATED)
