"""Names of the events the readiness context publishes (after commit, see :mod:`openingup.core.events`).

Payloads carry ids only: ``assessment_id`` (and ``organisation_id``); ``benchmark_imported`` carries
``origin`` and ``count``.
"""

ASSESSMENT_STARTED = "readiness.assessment_started"
ANSWERS_SAVED = "readiness.answers_saved"  # assessment_id, respondent_id
ASSESSMENT_CONSOLIDATED = "readiness.assessment_consolidated"
ASSESSMENT_SUBMITTED = "readiness.assessment_submitted"  # assessment_id, organisation_id, result_id
PROFILE_SET = "readiness.profile_set"  # organisation_id
BENCHMARK_IMPORTED = "readiness.benchmark_imported"  # origin, count
