"""The status workflow of a report, as data: its states and the transitions allowed between them.

Each state maps to Open311's ``open``/``closed`` and to FixMyStreet's extended states (the values its
``servicerequestupdates`` carry). The states follow Signalen's list (gemeld, in afwachting, in
behandeling, ingepland, on hold, reactie gevraagd/ontvangen, doorgezet naar extern, afgehandeld,
geannuleerd, verzoek tot heropenen, heropend, gesplitst) plus ``duplicate``.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class State:
    key: str
    label: Promise
    open311: str  # "open" or "closed"
    fixmystreet: str


STATES: tuple[State, ...] = (
    State("received", _("Received"), "open", "open"),
    State("awaiting", _("Awaiting handling"), "open", "open"),
    State("in_progress", _("In progress"), "open", "in_progress"),
    State("scheduled", _("Scheduled"), "open", "action_scheduled"),
    State("on_hold", _("On hold"), "open", "investigating"),
    State("reaction_requested", _("Reaction requested"), "open", "investigating"),
    State("reaction_received", _("Reaction received"), "open", "investigating"),
    State("forwarded", _("Forwarded"), "closed", "internal_referral"),
    State("done", _("Done"), "closed", "fixed"),
    State("cancelled", _("Cancelled"), "closed", "no_further_action"),
    State("not_responsible", _("Not our responsibility"), "closed", "not_councils_responsibility"),
    State("duplicate", _("Duplicate"), "closed", "duplicate"),
    State("reopen_requested", _("Reopening requested"), "closed", "closed"),
    State("reopened", _("Reopened"), "open", "open"),
    State("split", _("Split"), "closed", "closed"),
)

INITIAL = "received"

_WORKING = ("in_progress", "scheduled", "on_hold", "reaction_requested")
_ENDINGS = ("done", "cancelled", "not_responsible", "duplicate", "forwarded", "split")

# Allowed moves: from a state to each state listed. Everything not listed is refused.
TRANSITIONS: dict[str, tuple[str, ...]] = {
    "received": ("awaiting", *_WORKING, *_ENDINGS),
    "awaiting": (*_WORKING, *_ENDINGS),
    "in_progress": ("scheduled", "on_hold", "reaction_requested", *_ENDINGS),
    "scheduled": ("in_progress", "on_hold", "reaction_requested", *_ENDINGS),
    "on_hold": ("in_progress", "scheduled", *_ENDINGS),
    "reaction_requested": ("reaction_received", "in_progress", "on_hold", "cancelled", "done"),
    "reaction_received": ("in_progress", "scheduled", "on_hold", *_ENDINGS),
    "forwarded": ("reopened", "done"),
    "done": ("reopen_requested", "reopened"),
    "cancelled": ("reopened",),
    "not_responsible": ("reopened",),
    "duplicate": ("reopened",),
    "reopen_requested": ("reopened", "done", "cancelled"),
    "reopened": ("awaiting", *_WORKING, *_ENDINGS),
    "split": (),
}

BY_KEY: dict[str, State] = {state.key: state for state in STATES}


def state(key: str) -> State:
    """The state named ``key``; KeyError for an unknown one."""
    return BY_KEY[key]


def can_move(current: str, target: str) -> bool:
    return target in TRANSITIONS.get(current, ())


def next_states(current: str) -> tuple[str, ...]:
    return TRANSITIONS.get(current, ())


def open311_status(key: str) -> str:
    return BY_KEY[key].open311


def fixmystreet_status(key: str) -> str:
    return BY_KEY[key].fixmystreet


def keys_with_open311_status(status: str) -> list[str]:
    """The workflow states that Open311 shows as ``status`` (``open`` or ``closed``)."""
    return [s.key for s in STATES if s.open311 == status]


def keys_with_fixmystreet_status(status: str) -> list[str]:
    return [s.key for s in STATES if s.fixmystreet == status]
