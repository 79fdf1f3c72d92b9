"""The inbox states and the moves between them, as one table.

``MOVES[(state, action)]`` is the state after ``action``; a pair missing from the table is not allowed.
``REOPEN`` is a target that depends on the item: back to ``assigned`` when a team or person holds it,
else to ``new``. A new incoming message reopens an answered or closed conversation that way.
"""

from __future__ import annotations

from openingup.social.inbox.models import InboxItem

State = InboxItem.State
NEW, ASSIGNED, ANSWERED, CLOSED = (
    State.NEW.value,
    State.ASSIGNED.value,
    State.ANSWERED.value,
    State.CLOSED.value,
)
STATES = (NEW, ASSIGNED, ANSWERED, CLOSED)
LABELS = dict(State.choices)
REOPEN = "reopen"

ASSIGN, UNASSIGN, ANSWER, CLOSE, INCOMING = "assign", "unassign", "answer", "close", "incoming"

MOVES: dict[tuple[str, str], str] = {
    (NEW, ASSIGN): ASSIGNED,
    (ASSIGNED, ASSIGN): ASSIGNED,
    (ANSWERED, ASSIGN): ANSWERED,
    (NEW, UNASSIGN): NEW,
    (ASSIGNED, UNASSIGN): NEW,
    (ANSWERED, UNASSIGN): ANSWERED,
    (NEW, ANSWER): ANSWERED,
    (ASSIGNED, ANSWER): ANSWERED,
    (ANSWERED, ANSWER): ANSWERED,
    (NEW, CLOSE): CLOSED,
    (ASSIGNED, CLOSE): CLOSED,
    (ANSWERED, CLOSE): CLOSED,
    (NEW, INCOMING): NEW,
    (ASSIGNED, INCOMING): ASSIGNED,
    (ANSWERED, INCOMING): REOPEN,
    (CLOSED, INCOMING): REOPEN,
    (CLOSED, REOPEN): REOPEN,
}


def allowed(state: str, action: str) -> bool:
    return (state, action) in MOVES


def target(state: str, action: str, *, held: bool) -> str:
    """The state after ``action``; ``held`` says whether a team or person holds the item. ValueError
    naming the state when the move is not in the table."""
    try:
        found = MOVES[(state, action)]
    except KeyError:
        raise ValueError(f"a conversation that is {state} does not allow {action!r}") from None
    if found == REOPEN:
        return ASSIGNED if held else NEW
    return found


def actions_from(state: str) -> list[str]:
    """The actions a person may take in ``state`` (the system's ``incoming`` left out)."""
    return [action for (s, action) in MOVES if s == state and action != INCOMING]
