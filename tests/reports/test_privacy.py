"""Privacy: contact data anonymised after the set period, reports deleted after the retention, the
``openingup reports anonymise`` command; and no public page or Open311 answer shows personal data."""

from __future__ import annotations

from datetime import datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.utils import timezone

from openingup.cli.main import main
from openingup.reports import photos, privacy, services
from openingup.reports.models import (
    Follower,
    OutboxMessage,
    Reporter,
    RequestUpdate,
    Satisfaction,
    Service,
    ServiceRequest,
)
from openingup.reports.services import feedback
from tests.reports.conftest import INSIDE
from tests.reports.images import png

CONTACT = {
    "email": "jan.jansen@example.org",
    "first_name": "Jantje",
    "last_name": "Jansenius",
    "phone": "+31 6 12345678",
    "device_id": "device-7f3a9c",
    "account_id": "account-42b8e1",
}
FOLLOWER = "buurvrouw@example.org"
NOW = timezone.now()


def file(*, when: datetime, contact: dict[str, str] | None = None, media_url: str = "") -> ServiceRequest:
    filing = services.Filing(
        service_code="litter",
        location=services.Location(lat=float(INSIDE["lat"]), long=float(INSIDE["long"])),
        description="Rubbish by the bench",
        media_url=media_url,
        attributes={"size": "small"},
        contact=dict(CONTACT if contact is None else contact),
    )
    return services.file_request(actor=None, filing=filing, now=when)


def with_personal_data(request: ServiceRequest, *, closed: datetime | None) -> ServiceRequest:
    """A follower, a sent e-mail, an answered satisfaction question with personal details, and closed."""
    feedback.follow_request(actor=None, request=request, email=FOLLOWER, language="nl")
    OutboxMessage.objects.create(
        to=CONTACT["email"],
        subject=f"We received your report {request.pk}",
        body_text="Dear Jantje Jansenius, thank you.",
        status=OutboxMessage.Status.SENT,
        next_attempt_at=NOW,
        request=request,
    )
    if closed is not None:
        services.change_status(actor=None, request=request, status="done", when=closed)
    question = feedback.ask_satisfaction(request=request)
    feedback.answer_satisfaction(
        actor=None,
        satisfaction=question,
        satisfied=True,
        comment="Great work! Call jantje jansenius on 06-12345678 or mail jan.jansen@example.org",
    )
    request.refresh_from_db()
    if closed is not None:  # the note of the answer must not count as activity after closure here
        ServiceRequest.objects.filter(pk=request.pk).update(updated_datetime=closed)
    return request


@pytest.fixture
def old_closed(litter: Service) -> ServiceRequest:
    return with_personal_data(file(when=NOW - timedelta(days=200)), closed=NOW - timedelta(days=100))


def test_contact_data_of_requests_closed_long_ago_is_removed(old_closed: ServiceRequest) -> None:
    recent = with_personal_data(file(when=NOW - timedelta(days=20)), closed=NOW - timedelta(days=10))
    still_open = file(when=NOW - timedelta(days=400))

    counts = privacy.anonymise_due(now=NOW)

    assert counts == {
        "requests": 1,
        "reporters": 1,
        "followers": 1,  # the neighbour (the reporter's own follow comes after commit)
        "mails": 1,
        "comments": 1,
        "notes": 1,
    }
    reporter = Reporter.objects.get(request=old_closed)
    assert reporter.anonymised_at == NOW
    assert all(getattr(reporter, field) == "" for field in CONTACT)
    assert not Follower.objects.filter(request=old_closed).exists()
    mail = OutboxMessage.objects.get(request=old_closed)
    assert (mail.to, mail.body_text, mail.subject) == ("", "", f"We received your report {old_closed.pk}")
    answer = Satisfaction.objects.get(request=old_closed)
    assert answer.satisfied is True
    assert answer.comment == "Great work! Call […] on […] or mail […]"
    note = RequestUpdate.objects.get(request=old_closed, internal=True)
    assert "jansen" not in note.description.lower() and "12345678" not in note.description
    old_closed.refresh_from_db()
    assert (old_closed.description, old_closed.status) == ("Rubbish by the bench", "done")
    # Recently closed and still open requests keep everything.
    for untouched in (recent, still_open):
        assert Reporter.objects.get(request=untouched).email == CONTACT["email"]
    assert Follower.objects.filter(request=recent).count() == 1
    assert "jan.jansen@example.org" in Satisfaction.objects.get(request=recent).comment

    again = privacy.anonymise_due(now=NOW)
    assert set(again.values()) == {0}


def test_a_dry_run_counts_and_changes_nothing(old_closed: ServiceRequest) -> None:
    assert privacy.anonymise_due(now=NOW, dry_run=True)["reporters"] == 1
    assert Reporter.objects.get(request=old_closed).email == CONTACT["email"]
    assert Follower.objects.filter(request=old_closed).count() == 1


def test_batches_each_commit_their_own_requests(litter: Service) -> None:
    closed = NOW - timedelta(days=100)
    made = [with_personal_data(file(when=NOW - timedelta(days=120)), closed=closed) for _ in range(5)]
    assert privacy.anonymise_due(now=NOW, batch_size=2)["reporters"] == 5
    assert not Reporter.objects.filter(request__in=made, anonymised_at__isnull=True).exists()


def test_the_period_comes_from_the_setting(
    old_closed: ServiceRequest, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("OPENINGUP_REPORTS_ANONYMISE_DAYS", "365")
    assert privacy.anonymise_due(now=NOW)["requests"] == 0
    monkeypatch.setenv("OPENINGUP_REPORTS_ANONYMISE_DAYS", "-1")
    with pytest.raises(ValueError, match="OPENINGUP_REPORTS_ANONYMISE_DAYS must be 0 or more"):
        privacy.anonymise_due(now=NOW)


def test_requests_past_the_retention_are_deleted_with_updates_and_photos(
    litter: Service, media_root: Path, django_capture_on_commit_callbacks: Any
) -> None:
    name = photos.store_photo(photos.read_photo(png()))
    ancient = file(when=NOW - timedelta(days=8 * 366), media_url=f"https://city.example/report/photos/{name}")
    with_personal_data(ancient, closed=NOW - timedelta(days=8 * 365))
    kept = file(when=NOW - timedelta(days=6 * 365))

    preview = privacy.purge_expired(now=NOW, dry_run=True)
    assert preview == {"requests": 1, "updates": 2, "photos": 1, "mails": 1}
    assert ServiceRequest.objects.filter(pk=ancient.pk).exists()

    with django_capture_on_commit_callbacks(execute=True):
        assert privacy.purge_expired(now=NOW) == preview
    assert list(ServiceRequest.objects.values_list("pk", flat=True)) == [kept.pk]
    assert not RequestUpdate.objects.filter(request_id=ancient.pk).exists()
    assert not OutboxMessage.objects.exists()
    assert not default_storage.exists(f"{photos.FOLDER}/{name}")
    assert privacy.purge_expired(now=NOW)["requests"] == 0


@pytest.mark.django_db(transaction=True)
def test_the_command(
    litter: Service, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr("openingup.reports.outbox.tasks.enqueue", lambda name, **kw: None)
    request = with_personal_data(file(when=NOW - timedelta(days=200)), closed=NOW - timedelta(days=100))
    file(when=NOW - timedelta(days=3000))

    assert main(["reports", "anonymise", "--dry-run"]) == 0
    out = capsys.readouterr().out
    assert "anonymised (would be): 1 requests, 1 reporters" in out
    assert "deleted (would be): 1 requests" in out
    assert Reporter.objects.get(request=request).email == CONTACT["email"]

    assert main(["reports", "anonymise"]) == 0
    assert "anonymised (were): 1 requests, 1 reporters" in capsys.readouterr().out
    assert Reporter.objects.get(request=request).email == ""
    assert ServiceRequest.objects.count() == 1

    monkeypatch.setenv("OPENINGUP_REPORTS_RETENTION_YEARS", "0")
    assert main(["reports", "anonymise"]) == 2
    assert "OPENINGUP_REPORTS_RETENTION_YEARS must be at least 1" in capsys.readouterr().err


# ------------------------------------------------------------------------- public pages show none of it


def test_public_pages_never_show_contact_data(client: Any, litter: Service) -> None:
    request = with_personal_data(file(when=NOW - timedelta(days=2)), closed=None)
    services.change_status(actor=None, request=request, status="in_progress", note="We are on it.")
    base = "/open311/v2"
    pages = [f"/report/track/{request.token}/", f"{base}/tokens/{request.token}.json"]
    for fmt in ("json", "xml"):
        for suffix in ("", "?extensions=true"):
            pages += [f"{base}/requests.{fmt}{suffix}", f"{base}/requests/{request.pk}.{fmt}{suffix}"]
    secrets = [*CONTACT.values(), FOLLOWER, "Jantje", "Jansenius", "12345678"]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode().lower()
        assert str(request.pk) in body, url  # the page is about the request
        for secret in secrets:
            assert secret.lower() not in body, (url, secret)
