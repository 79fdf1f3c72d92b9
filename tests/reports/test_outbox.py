"""The outbox: messages are stored, sent through Django's e-mail backend, retried with growing waits,
and given up on after their attempts; templates are rendered per language and editable."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.core import mail
from django.core.mail.backends.base import BaseEmailBackend
from django.utils import timezone

from openingup.reports import mailtexts, outbox
from openingup.reports.models import MessageTemplate, OutboxMessage

pytestmark = pytest.mark.django_db


class FailingBackend(BaseEmailBackend):
    def send_messages(self, messages: Any) -> int:
        raise ConnectionRefusedError("mail server at 127.0.0.1:2525 refused the connection")


def test_a_queued_message_is_sent_by_the_task(sent_jobs: list[str], mail_settings: Any) -> None:
    message = outbox.queue_mail(to="me@example.org", subject="Hello", text="Body\n", html="<p>Body</p>")

    assert sent_jobs == [outbox.TASK] and message.status == "queued"
    assert outbox.deliver_due() == {"sent": 1, "retry": 0, "failed": 0}

    message.refresh_from_db()
    assert (message.status, message.attempts, message.last_error) == ("sent", 1, "")
    (sent,) = mail.outbox
    assert sent.to == ["me@example.org"] and sent.subject == "Hello" and sent.body == "Body\n"
    assert sent.alternatives[0][0] == "<p>Body</p>"
    assert outbox.deliver_due() == {"sent": 0, "retry": 0, "failed": 0}  # never sent twice


def test_a_failing_server_is_retried_with_backoff_and_finally_given_up(
    sent_jobs: list[str], mail_settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    mail_settings.EMAIL_BACKEND = f"{__name__}.FailingBackend"
    monkeypatch.setenv("OPENINGUP_MAIL_ATTEMPTS", "3")
    message = outbox.queue_mail(to="me@example.org", subject="Hello", text="Body")
    now = timezone.now()

    assert outbox.deliver_due(now=now) == {"sent": 0, "retry": 1, "failed": 0}
    message.refresh_from_db()
    assert message.status == "queued" and message.attempts == 1
    assert "ConnectionRefusedError: mail server at 127.0.0.1:2525 refused" in message.last_error
    assert message.next_attempt_at == now + timedelta(minutes=1)

    assert outbox.deliver_due(now=now + timedelta(seconds=59)) == {"sent": 0, "retry": 0, "failed": 0}
    now += timedelta(minutes=1)
    assert outbox.deliver_due(now=now)["retry"] == 1
    message.refresh_from_db()
    assert message.attempts == 2 and message.next_attempt_at == now + timedelta(minutes=4)

    now += timedelta(minutes=4)
    assert outbox.deliver_due(now=now) == {"sent": 0, "retry": 0, "failed": 1}
    message.refresh_from_db()
    assert (message.status, message.attempts) == ("failed", 3)
    assert outbox.deliver_due(now=now + timedelta(days=1))["failed"] == 0  # failed stays failed

    mail_settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    outbox.retry_failed(message=message)
    assert outbox.deliver_due()["sent"] == 1 and len(mail.outbox) == 1


def test_backoff_grows_and_is_capped() -> None:
    waits = [outbox.backoff(n) for n in range(1, 8)]

    assert waits[:4] == [timedelta(minutes=m) for m in (1, 4, 16, 64)]
    assert waits[-1] == timedelta(hours=6)


@pytest.mark.parametrize(
    ("language", "subject"),
    [
        ("en", "Report 7: In progress"),
        ("nl", "Melding 7: In behandeling"),
        ("fr", "Signalement 7 : En cours"),
        ("de", "Meldung 7: In Bearbeitung"),
        ("da", "Indberetning 7: Under behandling"),
        ("sv", "Anmälan 7: Pågår"),
        ("nb", "Melding 7: Under arbeid"),
    ],
)
def test_templates_are_rendered_per_language(language: str, subject: str) -> None:
    from django.utils import translation

    from openingup.reports import workflow

    with translation.override(language):
        status = str(workflow.state("in_progress").label)
    values = {
        "id": "7",
        "service": "Litter",
        "status": status,
        "note": "",
        "tracking_url": "https://x.example/t/",
    }

    rendered = mailtexts.render("status:in_progress", language, values, footer="Stop: https://x.example/u/")

    assert rendered.subject == subject
    assert "https://x.example/t/" in rendered.text and rendered.text.endswith("Stop: https://x.example/u/\n")
    assert "\n\n\n" not in rendered.text  # the empty note leaves no gap
    assert '<a href="https://x.example/t/" rel="nofollow">' in rendered.html


def test_an_edited_template_wins_and_values_are_escaped_in_html() -> None:
    MessageTemplate.objects.create(
        event="status:done", language="en", subject="Fixed: $service", body="Done! $note $unknown"
    )
    values = {"service": "Litter", "note": "<b>swept</b>"}

    done = mailtexts.render("status:done", "en", values)
    other = mailtexts.render("status:scheduled", "en", values | {"id": "1", "status": "Scheduled"})

    assert done.subject == "Fixed: Litter" and done.text == "Done! <b>swept</b> $unknown\n"
    assert "&lt;b&gt;swept&lt;/b&gt;" in done.html and "<b>" not in done.html
    assert other.subject == "Report 1: Scheduled"


def test_the_default_templates_are_written_once_as_editable_rows(settings: Any) -> None:
    written = mailtexts.install_default_templates()

    assert written == len(settings.LANGUAGES) * len(mailtexts.EVENTS)
    MessageTemplate.objects.filter(event="received", language="nl").update(subject="Bedankt!")
    assert mailtexts.install_default_templates() == 0
    assert MessageTemplate.objects.get(event="received", language="nl").subject == "Bedankt!"
    assert "$satisfaction" in MessageTemplate.objects.get(event="closed", language="sv").body
    assert OutboxMessage.objects.count() == 0


@pytest.mark.parametrize("model", ["outboxmessage", "messagetemplate", "follower", "satisfaction", "address"])
def test_the_admin_lists_and_edits_them(admin_client: Any, model: str) -> None:
    MessageTemplate.objects.create(event="received", language="en", subject="Thanks", body="$id")

    assert admin_client.get(f"/admin/reports/{model}/").status_code == 200
    assert admin_client.get(f"/admin/reports/{model}/add/").status_code in (200, 403)
