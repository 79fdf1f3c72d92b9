"""The only writers of reports: services and their questions, requests and their updates, API keys."""

from openingup.reports.services.apikeys import authenticate_api_key, create_api_key, revoke_api_key
from openingup.reports.services.catalogue import (
    add_routing_rule,
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

__all__ = [
    "Filing",
    "Location",
    "add_note",
    "add_routing_rule",
    "assign_request",
    "authenticate_api_key",
    "change_status",
    "create_api_key",
    "create_service",
    "define_attribute",
    "delete_canned_reply",
    "file_request",
    "mark_duplicate",
    "revoke_api_key",
    "save_canned_reply",
    "set_jurisdiction",
    "split_request",
]
