"""The only writers of reports: services and their questions, requests and their updates, API keys."""

from openingup.reports.services.apikeys import authenticate_api_key, create_api_key, revoke_api_key
from openingup.reports.services.catalogue import (
    add_routing_rule,
    create_service,
    define_attribute,
    set_jurisdiction,
)
from openingup.reports.services.requests import Filing, Location, add_note, change_status, file_request

__all__ = [
    "Filing",
    "Location",
    "add_note",
    "add_routing_rule",
    "authenticate_api_key",
    "change_status",
    "create_api_key",
    "create_service",
    "define_attribute",
    "file_request",
    "revoke_api_key",
    "set_jurisdiction",
]
