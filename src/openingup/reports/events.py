"""Events the reports context publishes after commit (see :mod:`openingup.core.events`)."""

REQUEST_FILED = "reports.request_filed"  # request_id, service_code
REQUEST_STATUS_CHANGED = "reports.request_status_changed"  # request_id, previous, status, update_id
REQUEST_NOTE_ADDED = "reports.request_note_added"  # request_id, update_id, internal
SERVICE_CHANGED = "reports.service_changed"  # service_code
REQUEST_SERVICE_CORRECTED = "reports.request_service_corrected"  # request_id, previous, service_code
CLASSIFIER_TRAINED = "reports.classifier_trained"  # model_id, accuracy

ALL = (
    REQUEST_FILED,
    REQUEST_STATUS_CHANGED,
    REQUEST_NOTE_ADDED,
    SERVICE_CHANGED,
    REQUEST_SERVICE_CORRECTED,
    CLASSIFIER_TRAINED,
)
