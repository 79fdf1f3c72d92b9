"""Reporter feedback: e-mails on filing and on every status change to the reporter and the followers,
each in their own language; the satisfaction question at closure, which can reopen the report.

The tests commit (``transaction=True``), so events reach the subscribers as in production; the outbox
is delivered in the test's thread (``sent_jobs``)."""

from __future__ import annotations

import re
from typing import Any

import pytest
from django.core import mail

from openingup.core.errors import InvalidInput
from openingup.reports import outbox, services
from openingup.reports.models import Follower, RequestUpdate, Satisfaction, Service, ServiceRequest
from openingup.reports.services import feedback
from tests.reports.conftest import INSIDE

pytestmark = pytest.mark.django_db(transaction=True)


def file(email: str = "reporter@example.org") -> ServiceRequest:
    filing = services.Filing(
        service_code="litter",
        location=services.Location(lat=float(INSIDE["lat"]), long=float(INSIDE["long"])),
        description="Rubbish",
        attributes={"size": "small"},
        contact={"email": email} if email else {},
    )
    return services.file_request(actor=None, filing=filing)


@pytest.fixture
def filed(litter: Service, sent_jobs: list[str], mail_settings: Any) -> ServiceRequest:
    """A request filed through Open311 with an e-mail address, and a Dutch follower."""
    request = file()
    feedback.follow_request(actor=None, request=request, email="buur@example.org", language="nl")
    outbox.deliver_due()
    return request


def move(request: ServiceRequest, status: str, note: str = "") -> None:
    services.change_status(actor=None, request=request, status=status, note=note)
    outbox.deliver_due()


def test_the_reporter_of_an_open311_request_gets_the_received_mail(filed: ServiceRequest) -> None:
    (received,) = mail.outbox
    assert received.to == ["reporter@example.org"]
    assert received.subject == f"We received your report {filed.pk}: Litter"
    assert f"https://city.example/report/track/{filed.token}/" in received.body
    assert "Cleaned within two working days." in received.body
    follower = Follower.objects.get(request=filed, is_reporter=True)
    assert f"https://city.example/report/unfollow/{follower.token}/" in received.body


def test_a_status_change_mails_the_reporter_and_the_followers_in_their_language(
    filed: ServiceRequest,
) -> None:
    mail.outbox.clear()

    move(filed, "in_progress", note="The crew comes tomorrow.")

    by_address = {m.to[0]: m for m in mail.outbox}
    assert set(by_address) == {"reporter@example.org", "buur@example.org"}
    assert by_address["reporter@example.org"].subject == f"Report {filed.pk}: In progress"
    assert "The crew comes tomorrow." in by_address["reporter@example.org"].body
    assert by_address["buur@example.org"].subject == f"Melding {filed.pk}: In behandeling"
    assert not Satisfaction.objects.exists()


def test_an_anonymous_report_sends_nothing(litter: Service, sent_jobs: list[str], mail_settings: Any) -> None:
    request = file(email="")
    move(request, "in_progress")

    assert mail.outbox == [] and sent_jobs == []


def closing_question(filed: ServiceRequest) -> Satisfaction:
    mail.outbox.clear()
    move(filed, "done", note="Swept.")
    reporter = next(m for m in mail.outbox if m.to == ["reporter@example.org"])
    neighbour = next(m for m in mail.outbox if m.to == ["buur@example.org"])
    assert reporter.subject == f"Report {filed.pk} has been handled: Done"
    assert "Are you satisfied with how we handled your report?" in reporter.body
    assert "/report/satisfaction/" not in neighbour.body  # only the reporter is asked
    token = re.search(r"/report/satisfaction/([\w-]+)/", reporter.body).group(1)  # type: ignore[union-attr]
    return Satisfaction.objects.get(token=token)


def test_not_satisfied_reopens_the_report(client: Any, filed: ServiceRequest) -> None:
    question = closing_question(filed)
    page = client.get(f"/report/satisfaction/{question.token}/").content.decode()
    assert "Are you satisfied with how your report was handled?" in page

    response = client.post(
        f"/report/satisfaction/{question.token}/", {"satisfied": "no", "comment": "Still dirty, ask Jan"}
    )

    assert "We have reopened your report" in response.content.decode()
    filed.refresh_from_db()
    assert filed.status == "reopened"
    reopen = RequestUpdate.objects.get(request=filed, status="reopened", internal=False)
    assert reopen.previous_status == "done" and not reopen.internal
    assert "not satisfied" in reopen.description
    note = RequestUpdate.objects.get(request=filed, internal=True)
    assert note.description == "Reporter (not satisfied): Still dirty, ask Jan"
    track = client.get(f"/report/track/{filed.token}/").content.decode()
    assert "Reopened" in track and "Jan" not in track
    again = client.post(f"/report/satisfaction/{question.token}/", {"satisfied": "yes"})
    assert "Thank you for your answer" in again.content.decode()
    question.refresh_from_db()
    assert question.satisfied is False


def test_satisfied_leaves_the_report_closed(client: Any, filed: ServiceRequest) -> None:
    question = closing_question(filed)

    response = client.post(f"/report/satisfaction/{question.token}/", {"satisfied": "yes"})

    assert "We are glad the problem was solved." in response.content.decode()
    filed.refresh_from_db()
    assert filed.status == "done" and not RequestUpdate.objects.filter(request=filed, internal=True).exists()


def test_the_satisfaction_form_needs_an_answer(client: Any, filed: ServiceRequest) -> None:
    question = closing_question(filed)

    response = client.post(f"/report/satisfaction/{question.token}/", {"comment": "x" * 3000})

    page = response.content.decode()
    assert response.status_code == 400
    assert "Say whether you are satisfied." in page and "at most 2000 characters" in page
    assert client.get("/report/satisfaction/unknown/").status_code == 404


def test_unfollowing_deletes_the_address(client: Any, filed: ServiceRequest) -> None:
    follower = Follower.objects.get(email="buur@example.org")

    assert "Stop the e-mails" in client.get(f"/report/unfollow/{follower.token}/").content.decode()
    assert Follower.objects.filter(pk=follower.pk).exists()  # a GET (a mail scanner) changes nothing
    client.post(f"/report/unfollow/{follower.token}/")

    assert not Follower.objects.filter(pk=follower.pk).exists()
    assert client.get(f"/report/unfollow/{follower.token}/").status_code == 404


def test_a_closed_report_cannot_be_followed(filed: ServiceRequest) -> None:
    services.change_status(actor=None, request=filed, status="done")

    with pytest.raises(InvalidInput, match="closed"):
        feedback.follow_request(actor=None, request=filed, email="late@example.org")
