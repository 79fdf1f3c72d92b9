"""The outbox: e-mails to reporters are stored first and sent by a background task, with retries.

:func:`queue_mail` stores an :class:`~openingup.reports.models.OutboxMessage` and asks the background
worker (:mod:`openingup.core.tasks`) to deliver after commit, so a request is never held up or rolled
back by a mail server. :func:`deliver_due` sends every queued message whose time has come through
Django's e-mail backend; a failure is recorded and tried again after a growing wait (1, 4, 16, 64 …
minutes, at most 6 hours) until ``OPENINGUP_MAIL_ATTEMPTS`` tries, then the message is ``failed``.
Run ``openingup reports send-mail`` from cron to retry messages whose wait has passed.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.db import transaction
from django.utils import timezone

from openingup import config
from openingup.core import tasks
from openingup.reports.models import OutboxMessage, ServiceRequest

log = logging.getLogger(__name__)

TASK = "reports.deliver_outbox"
FIRST_WAIT = timedelta(minutes=1)
LONGEST_WAIT = timedelta(hours=6)
LEASE = timedelta(minutes=5)  # a message being sent is not picked up by a second worker meanwhile


def max_attempts() -> int:
    return max(1, config.get_int("OPENINGUP_MAIL_ATTEMPTS"))


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failed try."""
    return min(LONGEST_WAIT, FIRST_WAIT * (4 ** max(0, attempts - 1)))


def queue_mail(
    *,
    to: str,
    subject: str,
    text: str,
    html: str = "",
    request: ServiceRequest | None = None,
    event: str = "",
) -> OutboxMessage:
    """Store a message for ``to`` and have it delivered after the current transaction commits."""
    message = OutboxMessage.objects.create(
        to=to,
        subject=subject[:300],
        body_text=text,
        body_html=html,
        next_attempt_at=timezone.now(),
        request=request,
        event=event[:50],
    )
    tasks.enqueue(TASK)
    return message


def _send(message: OutboxMessage) -> None:
    mail = EmailMultiAlternatives(
        subject=message.subject,
        body=message.body_text,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[message.to],
    )
    if message.body_html:
        mail.attach_alternative(message.body_html, "text/html")
    mail.send(fail_silently=False)


def deliver(message: OutboxMessage, *, now: datetime | None = None) -> OutboxMessage:
    """Try to send one queued message once and record the outcome; never raises for a send failure."""
    moment = now or timezone.now()
    claimed = OutboxMessage.objects.filter(
        pk=message.pk,
        status=OutboxMessage.Status.QUEUED,
        attempts=message.attempts,
        next_attempt_at=message.next_attempt_at,
    ).update(next_attempt_at=moment + LEASE)
    if not claimed:
        return OutboxMessage.objects.get(pk=message.pk)
    try:
        _send(message)
    except Exception as exc:
        attempts = message.attempts + 1
        gave_up = attempts >= max_attempts()
        log.warning("mail %s to the outbox recipient failed (try %s): %s", message.pk, attempts, exc)
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=attempts,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            status=OutboxMessage.Status.FAILED if gave_up else OutboxMessage.Status.QUEUED,
            next_attempt_at=moment + backoff(attempts),
        )
    else:
        OutboxMessage.objects.filter(pk=message.pk).update(
            attempts=message.attempts + 1, status=OutboxMessage.Status.SENT, sent_at=moment, last_error=""
        )
    return OutboxMessage.objects.get(pk=message.pk)


def deliver_due(*, now: datetime | None = None, limit: int = 200) -> dict[str, int]:
    """Send the queued messages whose time has come, oldest first; counts what became of them."""
    moment = now or timezone.now()
    due = OutboxMessage.objects.filter(
        status=OutboxMessage.Status.QUEUED, next_attempt_at__lte=moment
    ).order_by("next_attempt_at", "id")[:limit]
    counts = {"sent": 0, "retry": 0, "failed": 0}
    for message in list(due):
        outcome = deliver(message, now=moment)
        key = {"sent": "sent", "failed": "failed"}.get(outcome.status, "retry")
        counts[key] += 1
    return counts


@transaction.atomic
def retry_failed(*, message: OutboxMessage) -> OutboxMessage:
    """Queue a failed message again with fresh attempts (for an administrator, after fixing the cause)."""
    OutboxMessage.objects.filter(pk=message.pk, status=OutboxMessage.Status.FAILED).update(
        status=OutboxMessage.Status.QUEUED, attempts=0, next_attempt_at=timezone.now()
    )
    tasks.enqueue(TASK)
    return OutboxMessage.objects.get(pk=message.pk)
