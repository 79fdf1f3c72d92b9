"""Who may manage social channels and read their messages; named after the services they guard.

Site administrators may do everything; an organisation's editors manage its channels and read their
messages (the webcare roles of a later step refine this); viewers of the organisation may read them.
"""

from __future__ import annotations

from typing import Any

from openingup.organisations.models import Membership, Organisation
from openingup.organisations.permissions import is_admin, role_in


def can_add_channel(user: Any, organisation: Organisation | None) -> bool:
    if is_admin(user):
        return True
    return organisation is not None and role_in(user, organisation) == Membership.Role.EDITOR


def can_poll_channel(user: Any, channel: Any) -> bool:
    return can_add_channel(user, channel.organisation)


def can_view_messages(user: Any, channel: Any) -> bool:
    if is_admin(user):
        return True
    return channel.organisation is not None and role_in(user, channel.organisation) is not None


def can_handle_conversation(user: Any, channel: Any) -> bool:
    """Assign, answer, convert, note and close conversations of the channel: its organisation's editors."""
    return can_add_channel(user, channel.organisation)


can_assign_conversation = can_handle_conversation
can_reply_to_conversation = can_handle_conversation
can_convert_conversation = can_handle_conversation
can_close_conversation = can_handle_conversation
can_add_inbox_note = can_handle_conversation


def can_manage_canned_replies(user: Any, organisation: Organisation | None) -> bool:
    return can_add_channel(user, organisation)


can_set_response_targets = can_manage_canned_replies
