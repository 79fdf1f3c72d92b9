"""The only writers of reports: services and their questions, requests and their updates, API keys."""

from openingup.reports.services.apikeys import authenticate_api_key, create_api_key, revoke_api_key
from openingup.reports.services.catalogue import (
    create_service,
    define_attribute,
    set_jurisdiction,
)
from openingup.reports.services.office import (
    assign_request,
    delete_canned_reply,
    mark_duplicate,
    save_canned_reply,
    split_request,
)
from openingup.reports.services.requests import Filing, Location, add_note, change_status, file_request
from openingup.reports.services.rules import (
    delete_routing_rule,
    move_routing_rule,
    save_routing_rule,
    set_routing_rule_active,
    update_service,
)

__all__ = [
    "Filing",
    "Location",
    "add_note",
    "assign_request",
    "authenticate_api_key",
    "change_status",
    "create_api_key",
    "create_service",
    "define_attribute",
    "delete_canned_reply",
    "delete_routing_rule",
    "file_request",
    "mark_duplicate",
    "move_routing_rule",
    "revoke_api_key",
    "save_canned_reply",
    "save_routing_rule",
    "set_jurisdiction",
    "set_routing_rule_active",
    "split_request",
    "update_service",
]
