"""Who may compose, approve and see posts, manage announcement rules and export the archive."""

from __future__ import annotations

from typing import Any

from openingup.organisations.permissions import is_admin
from openingup.social.permissions import can_add_channel, can_poll_channel, can_view_messages


def can_compose_on(user: Any, channel: Any) -> bool:
    return can_poll_channel(user, channel)


def can_approve_post(user: Any, post: Any) -> bool:
    """A second person: an editor of every target channel who is not the post's author."""
    if not getattr(user, "is_authenticated", False) or user.pk == post.author_id:
        return False
    return all(can_poll_channel(user, target.channel) for target in post.targets.all())


def can_view_post(user: Any, post: Any) -> bool:
    return is_admin(user) or all(can_view_messages(user, t.channel) for t in post.targets.all())


def can_manage_rules(user: Any, organisation: Any) -> bool:
    return can_add_channel(user, organisation)


def can_export_archive(user: Any) -> bool:
    """Site administrators and editors of an organisation."""
    from openingup.organisations.models import Membership

    if is_admin(user):
        return True
    return bool(
        getattr(user, "is_authenticated", False)
        and Membership.objects.filter(user=user, role=Membership.Role.EDITOR).exists()
    )
