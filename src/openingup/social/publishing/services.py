"""The only writers of posts: compose, submit, approve (a second person), reject, publish and retry.

A post is checked against each target channel's limit when it is composed and again when it is
approved. Sending happens per target: Mastodon schedules with its own ``scheduled_at``; Bluesky targets
wait, client-side, for :func:`publish_due` (the ``social.publish_due`` task or ``openingup social
publish-due`` from cron). A target is claimed (``sending``) before it is sent, so two runs never send it
twice; a failure keeps the platform's reason on the target and the post shows ``failed`` until retried.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

import httpx
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from openingup.core.errors import Conflict, FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.social import events
from openingup.social import services as social
from openingup.social.archive import chain as archive
from openingup.social.connectors import Draft
from openingup.social.models import Channel
from openingup.social.publishing import limits, permissions
from openingup.social.publishing.models import Post, PostTarget

MAX_TEXT = 10_000
MASTODON_LEAD = timedelta(minutes=5)


def _check_texts(channels: list[Channel], text: str, variants: dict[str, str]) -> list[FieldProblem]:
    problems = []
    for channel in channels:
        if not channel.active:
            problems.append(FieldProblem(f"channel {channel}", _("The channel is switched off.")))
            continue
        found = limits.problem(channel.kind, variants.get(str(channel.pk)) or text)
        if found:
            problems.append(FieldProblem(f"channel {channel}", found))
    return problems


def compose(
    *,
    actor: Any,
    channels: list[Channel],
    text: str,
    variants: dict[str, str] | None = None,
    scheduled_at: datetime | None = None,
    language: str = "",
    submit: bool = False,
    now: datetime | None = None,
) -> Post:
    """A draft post for ``channels`` (optionally submitted for approval at once). InvalidInput names
    each channel whose text is too long or that cannot be posted to."""
    variants = {k: v.strip() for k, v in (variants or {}).items() if v and v.strip()}
    text = text.strip()
    problems: list[FieldProblem] = []
    if not channels:
        problems.append(FieldProblem("channels", _("Choose at least one channel.")))
    if len(text) > MAX_TEXT:
        problems.append(FieldProblem("text", _("The text is too long.")))
    if scheduled_at is not None and scheduled_at <= (now or timezone.now()):
        problems.append(FieldProblem("scheduled_at", _("The time to publish at has passed.")))
    for channel in channels:
        if actor is not None and not permissions.can_compose_on(actor, channel):
            raise PermissionDenied(_("You may not post on %(channel)s.") % {"channel": channel})
    problems += _check_texts(channels, text, variants)
    if problems:
        raise InvalidInput(_("The post cannot be saved."), problems)
    organisations = {c.organisation_id for c in channels}
    with transaction.atomic():
        post = Post.objects.create(
            organisation_id=organisations.pop() if len(organisations) == 1 else None,
            text=text,
            language=language[:8],
            scheduled_at=scheduled_at,
            author=actor if getattr(actor, "is_authenticated", False) else None,
        )
        for channel in channels:
            PostTarget.objects.create(post=post, channel=channel, variant=variants.get(str(channel.pk), ""))
        if submit:
            _submit(post)
    return post


def update_draft(
    *,
    actor: Any,
    post: Post,
    text: str,
    variants: dict[str, str] | None = None,
    scheduled_at: datetime | None = None,
    language: str = "",
    now: datetime | None = None,
) -> Post:
    """Change a draft's text, channel variants, time and language (its channels stay); checked like
    :func:`compose`, and nothing changes when a check fails."""
    variants = {k: v.strip() for k, v in (variants or {}).items() if v and v.strip()}
    text = text.strip()
    targets = list(post.targets.select_related("channel"))
    channels = [t.channel for t in targets]
    if actor is not None and not all(permissions.can_compose_on(actor, c) for c in channels):
        raise PermissionDenied(_("You may not post on these channels."))
    problems: list[FieldProblem] = []
    if len(text) > MAX_TEXT:
        problems.append(FieldProblem("text", _("The text is too long.")))
    if scheduled_at is not None and scheduled_at <= (now or timezone.now()):
        problems.append(FieldProblem("scheduled_at", _("The time to publish at has passed.")))
    problems += _check_texts(channels, text, variants)
    if problems:
        raise InvalidInput(_("The post cannot be saved."), problems)
    with transaction.atomic():
        locked = Post.objects.select_for_update().get(pk=post.pk)
        if locked.status != Post.Status.DRAFT:
            raise Conflict(_("Only a draft can be changed."))
        locked.text, locked.scheduled_at, locked.language = text, scheduled_at, language[:8]
        locked.save(update_fields=["text", "scheduled_at", "language", "updated_at"])
        for target in targets:
            target.variant = variants.get(str(target.channel_id), "")
            target.save(update_fields=["variant"])
    return locked


def _submit(post: Post) -> None:
    post.status = Post.Status.AWAITING
    post.rejection_note = ""
    post.save(update_fields=["status", "rejection_note", "updated_at"])
    publish(events.POST_SUBMITTED, post_id=post.pk)


def submit(*, actor: Any, post: Post) -> Post:
    """Ask a second person to approve a draft."""
    if actor is not None and not all(
        permissions.can_compose_on(actor, t.channel) for t in post.targets.all()
    ):
        raise PermissionDenied(_("You may not post on these channels."))
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status != Post.Status.DRAFT:
            raise Conflict(_("Only a draft can be submitted for approval."))
        _submit(post)
    return post


def approve(
    *, actor: Any, post: Post, transport: httpx.BaseTransport | None = None, now: datetime | None = None
) -> Post:
    """Approve a post awaiting approval (never its own author) and send what is due."""
    if not permissions.can_approve_post(actor, post):
        if getattr(actor, "pk", None) is not None and actor.pk == post.author_id:
            raise PermissionDenied(_("A second person must approve this post; its author cannot."))
        raise PermissionDenied(_("You may not approve posts on these channels."))
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status != Post.Status.AWAITING:
            raise Conflict(_("Only a post awaiting approval can be approved."))
        targets = list(post.targets.select_related("channel"))
        problems = _check_texts(
            [t.channel for t in targets], post.text, {str(t.channel_id): t.variant for t in targets}
        )
        if problems:
            raise InvalidInput(_("The post cannot be approved."), problems)
        post.status, post.approver, post.approved_at = Post.Status.APPROVED, actor, timezone.now()
        post.save(update_fields=["status", "approver", "approved_at", "updated_at"])
        publish(events.POST_APPROVED, post_id=post.pk)
    return dispatch(post=post, transport=transport, now=now)


def reject(*, actor: Any, post: Post, note: str) -> Post:
    """Send a post awaiting approval back to its author as a draft, with the reason."""
    if not permissions.can_approve_post(actor, post):
        raise PermissionDenied(_("You may not review posts on these channels."))
    if not note.strip():
        raise InvalidInput(_("Say why."), [FieldProblem("note", _("Say what should change."))])
    with transaction.atomic():
        post = Post.objects.select_for_update().get(pk=post.pk)
        if post.status != Post.Status.AWAITING:
            raise Conflict(_("Only a post awaiting approval can be sent back."))
        post.status, post.rejection_note = Post.Status.DRAFT, note.strip()[:2000]
        post.save(update_fields=["status", "rejection_note", "updated_at"])
        publish(events.POST_REJECTED, post_id=post.pk)
    return post


def _claim(target: PostTarget) -> bool:
    return bool(
        PostTarget.objects.filter(pk=target.pk, status=PostTarget.Status.PENDING).update(
            status=PostTarget.Status.SENDING
        )
    )


def _send(target: PostTarget, post: Post, *, schedule: bool, transport: httpx.BaseTransport | None) -> None:
    draft = Draft(
        text=target.text,
        scheduled_at=post.scheduled_at if schedule else None,
        language=post.language,
        idempotency_key=f"openingup-post-{post.pk}-{target.pk}",
    )
    try:
        message = social.send_message(actor=None, channel=target.channel, draft=draft, transport=transport)
    except InvalidInput as exc:
        target.status, target.error = PostTarget.Status.FAILED, "; ".join(p.problem for p in exc.problems)
        target.save(update_fields=["status", "error"])
        return
    except Exception as exc:
        target.status, target.error = PostTarget.Status.FAILED, f"{type(exc).__name__}: {exc}"[:2000]
        target.save(update_fields=["status", "error"])
        return
    target.external_id, target.url, target.error = message.external_id, message.url, ""
    with transaction.atomic():
        if message.scheduled_at and schedule:
            target.status = PostTarget.Status.SCHEDULED
        else:
            _published(target, post, timezone.now())
        target.save(update_fields=["status", "external_id", "url", "error", "published_at"])


def _published(target: PostTarget, post: Post, moment: datetime) -> None:
    """Mark the target published and archive it (the caller saves the target)."""
    target.status, target.published_at = PostTarget.Status.PUBLISHED, moment
    archive.append(
        kind=archive.ArchiveEntry.Kind.PUBLISHED,
        channel=target.channel,
        external_id=target.external_id,
        occurred_at=moment,
        content={
            "post_id": post.pk,
            "text": target.text,
            "language": post.language,
            "url": target.url,
            "author": str(post.author or ""),
            "approver": str(post.approver or ""),
            "approved_at": post.approved_at.isoformat() if post.approved_at else None,
            "rule_id": post.rule_id,
        },
    )


def _settle(post: Post) -> Post:
    states = set(post.targets.values_list("status", flat=True))
    if PostTarget.Status.FAILED in states:
        status = Post.Status.FAILED
    elif states <= {PostTarget.Status.PUBLISHED}:
        status = Post.Status.PUBLISHED
    else:
        status = Post.Status.SCHEDULED
    fields = {"status": status, "updated_at": timezone.now()}
    if status == Post.Status.PUBLISHED and post.published_at is None:
        fields["published_at"] = timezone.now()
    Post.objects.filter(pk=post.pk).update(**fields)
    post.refresh_from_db()
    if status != Post.Status.SCHEDULED or PostTarget.Status.SCHEDULED in states:
        publish(events.POST_PUBLISHED, post_id=post.pk, status=status)
    return post


def dispatch(
    *, post: Post, transport: httpx.BaseTransport | None = None, now: datetime | None = None
) -> Post:
    """Send an approved post's pending targets that are due; schedule Mastodon's ahead of time; mark
    platform-scheduled targets published once their time has come."""
    now = now or timezone.now()
    due = post.scheduled_at is None or post.scheduled_at <= now
    # Mastodon schedules only at least five minutes ahead; closer than that we send it at its time.
    platform_schedules = post.scheduled_at is not None and post.scheduled_at - now >= MASTODON_LEAD
    for target in post.targets.select_related("channel"):
        if target.status == PostTarget.Status.SCHEDULED and due:
            with transaction.atomic():
                _published(target, post, post.scheduled_at or now)
                target.save(update_fields=["status", "published_at"])
            continue
        if target.status != PostTarget.Status.PENDING:
            continue
        if not due and not (target.channel.kind == Channel.Kind.MASTODON and platform_schedules):
            continue  # client-side scheduling (Bluesky, the own feed): publish_due sends it at its time
        if _claim(target):
            _send(target, post, schedule=not due, transport=transport)
    return _settle(post)


def publish_due(*, now: datetime | None = None, transport: httpx.BaseTransport | None = None) -> list[Post]:
    """Send every approved post whose time has come (the cron command and the task call this)."""
    now = now or timezone.now()
    posts = Post.objects.filter(
        Q(scheduled_at__isnull=True) | Q(scheduled_at__lte=now),
        status__in=[Post.Status.APPROVED, Post.Status.SCHEDULED],
    ).order_by("scheduled_at", "id")
    return [dispatch(post=post, transport=transport, now=now) for post in posts]


def retry(*, actor: Any, post: Post, transport: httpx.BaseTransport | None = None) -> Post:
    """Try a failed post's failed targets again."""
    if actor is not None and not all(
        permissions.can_compose_on(actor, t.channel) for t in post.targets.all()
    ):
        raise PermissionDenied(_("You may not post on these channels."))
    if post.status != Post.Status.FAILED:
        raise Conflict(_("Only a failed post can be tried again."))
    post.targets.filter(status=PostTarget.Status.FAILED).update(status=PostTarget.Status.PENDING, error="")
    return dispatch(post=post, transport=transport)
