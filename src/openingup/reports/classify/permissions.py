"""Who may train the classifier and correct a request's service; named after the services they guard."""

from __future__ import annotations

from typing import Any

from openingup.organisations import permissions as organisations
from openingup.reports import permissions as reports
from openingup.reports.models import ServiceRequest


def can_train_classifier(user: Any) -> bool:
    """Site administrators and editors of an organisation."""
    return organisations.is_admin(user) or bool(organisations.editable_organisations(user))


can_activate_classifier = can_train_classifier
can_view_classifier = can_train_classifier


def can_correct_service(user: Any, request: ServiceRequest) -> bool:
    return reports.can_change_request(user, request)
