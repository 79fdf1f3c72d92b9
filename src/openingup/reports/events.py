"""Events the reports context publishes after commit (see :mod:`openingup.core.events`)."""

REQUEST_FILED = "reports.request_filed"  # request_id, service_code
REQUEST_STATUS_CHANGED = "reports.request_status_changed"  # request_id, previous, status, update_id
REQUEST_NOTE_ADDED = "reports.request_note_added"  # request_id, update_id, internal
SERVICE_CHANGED = "reports.service_changed"  # service_code
REQUEST_SERVICE_CORRECTED = "reports.request_service_corrected"  # request_id, previous, service_code
CLASSIFIER_TRAINED = "reports.classifier_trained"  # model_id, accuracy
REQUEST_HARVESTED = "reports.request_harvested"  # request_id, service_code (another city's request)
REQUEST_ASSIGNED = "reports.request_assigned"  # request_id, department, assignee_id
REQUEST_MERGED = "reports.request_merged"  # request_id, original_id, followers
REQUEST_SPLIT = "reports.request_split"  # request_id, new_request_id
CANNED_REPLY_CHANGED = "reports.canned_reply_changed"  # reply_id
ROUTING_RULE_CHANGED = "reports.routing_rule_changed"  # rule_id, action (saved, moved, deleted)

ALL = (
    REQUEST_FILED,
    REQUEST_STATUS_CHANGED,
    REQUEST_NOTE_ADDED,
    SERVICE_CHANGED,
    REQUEST_SERVICE_CORRECTED,
    CLASSIFIER_TRAINED,
    REQUEST_ASSIGNED,
    REQUEST_MERGED,
    REQUEST_SPLIT,
    CANNED_REPLY_CHANGED,
    REQUEST_HARVESTED,
    ROUTING_RULE_CHANGED,
)
