"""The inbox's transition table and the placeholders of canned replies."""

from __future__ import annotations

import pytest

from openingup.social.inbox import canned, workflow


@pytest.mark.parametrize(
    ("state", "action", "held", "after"),
    [
        ("new", "assign", True, "assigned"),
        ("assigned", "unassign", False, "new"),
        ("new", "answer", False, "answered"),
        ("assigned", "answer", True, "answered"),
        ("answered", "close", True, "closed"),
        ("answered", "incoming", True, "assigned"),
        ("answered", "incoming", False, "new"),
        ("closed", "incoming", True, "assigned"),
        ("closed", "incoming", False, "new"),
        ("closed", "reopen", False, "new"),
        ("new", "incoming", False, "new"),
    ],
)
def test_moves(state: str, action: str, held: bool, after: str) -> None:
    assert workflow.target(state, action, held=held) == after


@pytest.mark.parametrize(("state", "action"), [("closed", "answer"), ("closed", "assign"), ("new", "reopen")])
def test_moves_outside_the_table_are_refused(state: str, action: str) -> None:
    assert not workflow.allowed(state, action)
    with pytest.raises(ValueError, match=f"{state} does not allow"):
        workflow.target(state, action, held=False)


def test_every_state_can_be_left() -> None:
    assert all(workflow.actions_from(state) for state in workflow.STATES)
    assert set(workflow.LABELS) == set(workflow.STATES)


def test_placeholders() -> None:
    values = {"name": "Anna", "tracking_url": "https://x.test/1"}
    assert canned.fill("Dag {name}: {tracking_url}", values) == "Dag Anna: https://x.test/1"
    assert canned.fill("Dag {name}, zie {tracking_url}", {"name": "Anna"}) == "Dag Anna, zie {tracking_url}"
    assert canned.open_placeholders("{handle} {handle} {channel}") == ["handle", "channel"]
    canned.check("Dag {name}, {{braces}} kept")
    assert canned.fill("{{name}} is {name}", {"name": "Anna"}) == "{name} is Anna"
    for bad, problem in [
        ("{name.__class__}", "is not a placeholder"),
        ("{email}", "is not a placeholder"),
        ("{name!r}", "is not a placeholder"),
        ("{name", "braces do not match"),
    ]:
        with pytest.raises(ValueError, match=problem):
            canned.check(bad)
