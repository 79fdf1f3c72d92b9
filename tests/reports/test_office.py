"""The back office's services and queries: work queues per department, assignment, merging a duplicate,
splitting a request, and canned replies with their placeholders."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.utils import timezone

from openingup.core.errors import InvalidInput, PermissionDenied
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from openingup.reports import canned, queues, services
from openingup.reports.models import (
    CannedReply,
    Follower,
    OutboxMessage,
    Reporter,
    Service,
    ServiceRequest,
)
from openingup.reports.services import feedback, office

pytestmark = pytest.mark.django_db


def file(
    service: str = "pothole", *, lat: float = 52.29, long: float = 4.48, address: str = "", **extra: Any
) -> ServiceRequest:
    location = services.Location(lat=lat, long=long, address_string=address)
    return services.file_request(
        actor=None, filing=services.Filing(service_code=service, location=location, **extra)
    )


@pytest.fixture
def roads_editor(django_user_model: Any, roads: Organisation, admin_user_: Any) -> Any:
    person = django_user_model.objects.create_user(username="rita", password="x")
    organisations.add_member(actor=admin_user_, organisation=roads, user=person, role="editor")
    return person


@pytest.fixture
def parks_viewer(django_user_model: Any, parks: Organisation, admin_user_: Any) -> Any:
    person = django_user_model.objects.create_user(username="piet", password="x")
    organisations.add_member(actor=admin_user_, organisation=parks, user=person, role="viewer")
    return person


# ----------------------------------------------------------------------------------------------- queues


def test_a_queue_holds_the_departments_requests_soonest_due_first(
    pothole: Service,
    litter: Service,
    parks: Organisation,
    roads_editor: Any,
    parks_viewer: Any,
    admin_user_: Any,
) -> None:
    late = file()
    late.expected_datetime = timezone.now() + timedelta(days=5)
    late.save()
    soon = file()
    soon.expected_datetime = timezone.now() + timedelta(days=1)
    soon.save()
    undated = file()
    park = file()
    park.department = parks
    park.save()

    everything = queues.QueueFilter()
    assert list(queues.queue(roads_editor, everything)) == [soon, late, undated]
    assert list(queues.queue(parks_viewer, everything)) == [park]
    assert set(queues.queue(admin_user_, everything)) == {soon, late, undated, park}
    # Assigned to someone of another department: in that person's queue too.
    late.assignee = parks_viewer
    late.save()
    assert list(queues.queue(parks_viewer, queues.QueueFilter(mine=True))) == [late]


def test_queue_filters(pothole: Service, litter: Service, roads_editor: Any, admin_user_: Any) -> None:
    overdue = file(description="Deep hole by the school")
    overdue.expected_datetime = timezone.now() - timedelta(hours=1)
    overdue.assignee = roads_editor
    overdue.save()
    rubbish = file("litter", description="Bags", attributes={"size": "small"}, address="Kerkplein 4")
    done = file(description="Fixed hole")
    services.change_status(actor=None, request=done, status="done")
    user = admin_user_

    def ids(**wanted: Any) -> list[int]:
        return [r.pk for r in queues.queue(user, queues.QueueFilter(**wanted))]

    assert ids(overdue=True) == [overdue.pk]
    assert ids(service_codes=["litter"]) == [rubbish.pk]
    assert set(ids(statuses=["open"])) == {overdue.pk, rubbish.pk}
    assert ids(statuses=["done"]) == [done.pk]
    assert set(ids(unassigned=True)) == {rubbish.pk, done.pk}
    assert ids(text="school") == [overdue.pk]
    assert ids(text="kerkplein") == [rubbish.pk]
    assert ids(text=f"#{done.pk}") == [done.pk]
    assert ids(departments=["parks"]) == []
    user = roads_editor
    assert ids(mine=True) == [overdue.pk]
    assert queues.is_overdue(overdue) and not queues.is_overdue(rubbish)


def test_someone_without_a_role_has_no_queue_and_sees_no_request(pothole: Service, user: Any) -> None:
    filed = file()
    assert list(queues.queue(user, queues.QueueFilter())) == []
    with pytest.raises(PermissionDenied):
        queues.office_request(user, filed.pk)


# ------------------------------------------------------------------------------------------- assignment


def test_assigning_to_a_department_and_a_person(
    pothole: Service, parks: Organisation, roads_editor: Any, parks_viewer: Any
) -> None:
    filed = file()
    office.assign_request(actor=roads_editor, request=filed, department=parks, assignee=parks_viewer)
    filed.refresh_from_db()
    assert (
        filed.department == parks and filed.assignee == parks_viewer and filed.agency_responsible == "Parks"
    )
    note = filed.updates.get()
    assert note.internal and "Parks" in note.description and "piet" in note.description
    # Rita (roads) no longer works on it; Piet only views parks, so may not move it on either.
    with pytest.raises(PermissionDenied):
        office.assign_request(actor=roads_editor, request=filed, department=parks, assignee=None)


def test_only_people_of_the_department_can_be_assigned(
    pothole: Service, roads: Organisation, parks_viewer: Any, admin_user_: Any
) -> None:
    filed = file()
    with pytest.raises(InvalidInput) as problem:
        office.assign_request(actor=admin_user_, request=filed, department=roads, assignee=parks_viewer)
    assert problem.value.problems[0].field == "assignee"
    assert ServiceRequest.objects.get(pk=filed.pk).assignee is None


# --------------------------------------------------------------------------------------- merge, split


def test_merging_a_duplicate_moves_its_followers_and_tells_its_reporter(
    pothole: Service,
    roads_editor: Any,
    mail_settings: Any,
    sent_jobs: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        original = file(contact={"email": "first@example.org"})
        copy = file(contact={"email": "second@example.org"})
    feedback.follow_request(actor=None, request=copy, email="first@example.org")  # already follows A
    with django_capture_on_commit_callbacks(execute=True):
        office.mark_duplicate(actor=roads_editor, request=copy, original=original, note="Already reported.")

    copy.refresh_from_db()
    assert copy.status == "duplicate" and copy.duplicate_of == original
    assert sorted(original.followers.values_list("email", flat=True)) == [
        "first@example.org",
        "second@example.org",
    ]
    assert original.updates.get().internal and f"Report {copy.pk}" in original.updates.get().description
    mails = {(m.to, m.event) for m in OutboxMessage.objects.filter(request=copy)}
    assert ("second@example.org", "closed") in mails


def test_a_duplicate_of_a_duplicate_goes_to_the_first_and_bad_merges_are_refused(
    pothole: Service, roads_editor: Any, user: Any
) -> None:
    first, second, third = file(), file(), file()
    office.mark_duplicate(actor=roads_editor, request=second, original=first)
    office.mark_duplicate(actor=roads_editor, request=third, original=second)
    assert ServiceRequest.objects.get(pk=third.pk).duplicate_of == first
    with pytest.raises(InvalidInput):
        office.mark_duplicate(actor=roads_editor, request=first, original=first)
    closed = file()
    services.change_status(actor=None, request=closed, status="done")
    with pytest.raises(InvalidInput):
        office.mark_duplicate(actor=roads_editor, request=file(), original=closed)
    with pytest.raises(PermissionDenied):
        office.mark_duplicate(actor=user, request=file(), original=first)
    with pytest.raises(InvalidInput):  # "duplicate" cannot follow "duplicate" in the workflow
        office.mark_duplicate(actor=roads_editor, request=second, original=file())


def test_splitting_makes_a_linked_request_for_the_second_problem(
    pothole: Service,
    litter: Service,
    parks: Organisation,
    roads_editor: Any,
    mail_settings: Any,
    sent_jobs: list[str],
    django_capture_on_commit_callbacks: Any,
) -> None:
    services.save_routing_rule(actor=None, name="Litter: parks", department=parks, service=litter)
    with django_capture_on_commit_callbacks(execute=True):
        filed = file(
            description="A pothole, and rubbish beside it",
            address="Kerkplein 4",
            contact={"email": "citizen@example.org", "first_name": "Ann"},
        )
    with django_capture_on_commit_callbacks(execute=True):
        new = office.split_request(
            actor=roads_editor, request=filed, service_code="litter", description="Rubbish beside the hole"
        )

    assert new.split_from == filed and list(filed.split_into.all()) == [new]
    assert (new.lat, new.long, new.address_string) == (filed.lat, filed.long, "Kerkplein 4")
    assert new.department == parks and new.routed_by == "Litter: parks" and new.status == "received"
    assert new.expected_datetime is not None  # litter has a service level of two working days
    assert Reporter.objects.get(request=new).email == "citizen@example.org"
    assert Follower.objects.get(request=new).is_reporter
    assert f"report {new.pk}" in filed.updates.get().description
    assert f"report {filed.pk}" in new.updates.get().description
    assert not filed.updates.get().internal  # the reporter may read where the other part went
    assert OutboxMessage.objects.filter(request=new, event="received", to="citizen@example.org").exists()


def test_splitting_needs_a_service_and_a_description(pothole: Service, roads_editor: Any) -> None:
    filed = file()
    with pytest.raises(InvalidInput) as problem:
        office.split_request(actor=roads_editor, request=filed, service_code="nope", description=" ")
    assert {p.field for p in problem.value.problems} == {"service", "description"}
    assert ServiceRequest.objects.count() == 1


# ------------------------------------------------------------------------------------- canned replies


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("Report {request_id} about {service}", "Report 7 about Pothole"),
        ("{{request_id}} is written as is", "{request_id} is written as is"),
        ("{unknown} stays", "{unknown} stays"),
        ("At {address}.", "At {service} <b>&amp;</b>."),  # a value is not filled in again
        ("{status}: {{{request_id}}}", "Done: {7}"),
    ],
)
def test_filling_in_placeholders(body: str, expected: str) -> None:
    values = {"request_id": "7", "service": "Pothole", "address": "{service} <b>&amp;</b>", "status": "Done"}
    assert canned.fill(body, values) == expected


def test_a_reply_is_filled_in_for_the_request_in_its_language(pothole: Service) -> None:
    filed = file(address="Kerkplein 4")
    reply = CannedReply.objects.create(
        title="Fixed", language="nl", body="Melding {request_id} ({service}) op {address}: {status}."
    )
    assert canned.render(reply, filed, "done") == f"Melding {filed.pk} (Pothole) op Kerkplein 4: Afgehandeld."


def test_canned_replies_are_checked_and_need_an_editor(
    pothole: Service, litter: Service, roads_editor: Any, user: Any
) -> None:
    with pytest.raises(InvalidInput) as problem:
        office.save_canned_reply(actor=roads_editor, title="", body="Hi {naem}", language="xx", status="nope")
    assert {p.field for p in problem.value.problems} == {"title", "body", "language", "status"}
    with pytest.raises(PermissionDenied):
        office.save_canned_reply(actor=user, title="t", body="b", language="en")
    reply = office.save_canned_reply(
        actor=roads_editor,
        title="Done",
        body="Fixed: {address}",
        language="en",
        service=pothole,
        status="done",
    )
    other = office.save_canned_reply(actor=roads_editor, title="Any", body="Thanks", language="en")
    filed = file()
    assert list(canned.replies_for(filed, "done")) == [other, reply]
    assert list(canned.replies_for(filed, "in_progress")) == [other]
    rubbish = file("litter", attributes={"size": "small"})
    assert list(canned.replies_for(rubbish, "done")) == [other]
    office.delete_canned_reply(actor=roads_editor, reply=reply)
    assert not CannedReply.objects.filter(pk=reply.pk).exists()
