"""Writers of announcement rules: create one, switch it on or off."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.social.models import Channel
from openingup.social.publishing import limits, permissions
from openingup.social.publishing.models import AnnouncementRule


def save_rule(
    *,
    actor: Any,
    event: str,
    texts: dict[str, str],
    channels: list[Channel],
    auto_approve: bool = False,
    enabled: bool = True,
) -> AnnouncementRule:
    """A new rule; InvalidInput names an unknown event, missing texts or channels, or a channel that
    cannot be posted to."""
    problems = []
    if event not in AnnouncementRule.Event.values:
        problems.append(FieldProblem("event", _("Choose an event.")))
    known = {code for code, _name in settings.LANGUAGES}
    texts = {code: text.strip() for code, text in texts.items() if code in known and text.strip()}
    if not texts:
        problems.append(FieldProblem("texts", _("Write the text in at least one language.")))
    if not channels:
        problems.append(FieldProblem("channels", _("Choose at least one channel.")))
    for channel in channels:
        if channel.kind not in limits.LIMITS:
            problems.append(
                FieldProblem(f"channel {channel}", _("Posting to this kind of channel is not supported."))
            )
        elif actor is not None and not permissions.can_compose_on(actor, channel):
            raise PermissionDenied(_("You may not post on %(channel)s.") % {"channel": channel})
    if problems:
        raise InvalidInput(_("The rule cannot be saved."), problems)
    organisations = {c.organisation_id for c in channels}
    with transaction.atomic():
        rule = AnnouncementRule.objects.create(
            organisation_id=organisations.pop() if len(organisations) == 1 else None,
            event=event,
            texts=texts,
            auto_approve=auto_approve,
            enabled=enabled,
        )
        rule.channels.set(channels)
    return rule


def set_enabled(*, actor: Any, rule: AnnouncementRule, enabled: bool) -> AnnouncementRule:
    if actor is not None and not all(permissions.can_compose_on(actor, c) for c in rule.channels.all()):
        raise PermissionDenied(_("You may not change this rule."))
    AnnouncementRule.objects.filter(pk=rule.pk).update(enabled=enabled)
    rule.enabled = enabled
    return rule
