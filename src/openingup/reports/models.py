"""Citizen reports: the Open311 services a municipality offers, the requests filed against them, their
updates, the routing rules that assign them, and the API keys that may file them.

The reporter's personal data lives in :class:`Reporter`, apart from the request itself, so it can be
anonymised (the row blanked) without touching the public record. Workflow states are readable strings
from :mod:`openingup.reports.workflow`; the Open311 ``open``/``closed`` status is derived from them.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Jurisdiction(models.Model):
    """A municipality that takes reports: its Open311 ``jurisdiction_id`` and the box reports must fall in.

    The box (WGS 84 degrees) is where the municipality answers for; a report outside it is refused.
    ``contact`` and ``key_service`` are the texts of Open311 service discovery.
    """

    code = models.SlugField(max_length=100, unique=True, help_text="Open311 jurisdiction_id.")
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="jurisdictions"
    )
    west = models.FloatField()
    south = models.FloatField()
    east = models.FloatField()
    north = models.FloatField()
    contact = models.CharField(max_length=500, blank=True)
    key_service = models.CharField(max_length=500, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "reports_jurisdiction"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    def contains(self, lat: float, long: float) -> bool:
        return self.south <= lat <= self.north and self.west <= long <= self.east


class Service(models.Model):
    """An Open311 service (a category of report); texts per language code."""

    class Type(models.TextChoices):
        REALTIME = "realtime"
        BATCH = "batch"
        BLACKBOX = "blackbox"

    id = models.BigAutoField(primary_key=True)
    code = models.CharField(max_length=100, unique=True, help_text="Open311 service_code.")
    name = models.JSONField(default=dict, help_text="Name per language code.")
    description = models.JSONField(default=dict, blank=True)
    group = models.CharField(max_length=100, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    type = models.CharField(max_length=10, choices=Type.choices, default=Type.REALTIME)
    service_notice = models.JSONField(
        default=dict, blank=True, help_text="Per language: what the reporter may expect after filing."
    )
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.PROTECT, related_name="report_services"
    )
    department = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="handled_report_services",
        help_text="Where requests go when no routing rule matches.",
    )
    due_days = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="Service level: days until a request should be handled."
    )
    due_working_days = models.BooleanField(default=True, help_text="Count only Monday to Friday.")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reports_service"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code


class ServiceAttribute(models.Model):
    """One extra question of a service (an Open311 attribute); ``values`` for the list datatypes."""

    class Datatype(models.TextChoices):
        STRING = "string"
        NUMBER = "number"
        DATETIME = "datetime"
        TEXT = "text"
        SINGLEVALUELIST = "singlevaluelist"
        MULTIVALUELIST = "multivaluelist"

    id = models.BigAutoField(primary_key=True)
    service = models.ForeignKey(Service, on_delete=models.CASCADE, related_name="attributes")
    code = models.CharField(max_length=100)
    datatype = models.CharField(max_length=20, choices=Datatype.choices, default=Datatype.STRING)
    required = models.BooleanField(default=False)
    variable = models.BooleanField(default=True, help_text="False: only information shown to the user.")
    order = models.PositiveIntegerField(default=1)
    description = models.JSONField(default=dict, help_text="The question per language code.")
    datatype_description = models.JSONField(default=dict, blank=True)
    values = models.JSONField(default=list, blank=True, help_text='[{"key": "...", "name": {lang: text}}]')

    class Meta:
        db_table = "reports_service_attribute"
        ordering = ["service", "order", "code"]
        constraints = [models.UniqueConstraint(fields=["service", "code"], name="one_attribute_code")]

    def __str__(self) -> str:
        return f"{self.service.code}/{self.code}"


class ServiceRequest(models.Model):
    """A citizen's report. ``status`` is the workflow state; ``attributes`` maps code → value(s)."""

    id = models.BigAutoField(primary_key=True)
    service = models.ForeignKey(Service, on_delete=models.PROTECT, related_name="requests")
    jurisdiction = models.ForeignKey(
        Jurisdiction, null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    status = models.CharField(max_length=30, default="received", db_index=True)
    status_notes = models.TextField(blank=True)
    description = models.TextField(blank=True)
    lat = models.FloatField(null=True, blank=True)
    long = models.FloatField(null=True, blank=True)
    address_string = models.CharField(max_length=500, blank=True)
    address_id = models.CharField(max_length=100, blank=True)
    zipcode = models.CharField(max_length=20, blank=True)
    media_url = models.URLField(max_length=1000, blank=True)
    attributes = models.JSONField(default=dict, blank=True)
    agency_responsible = models.CharField(max_length=300, blank=True)
    service_notice = models.TextField(blank=True)
    department = models.ForeignKey(
        "organisations.Organisation",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="report_requests",
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="assigned_report_requests",
    )
    routed_by = models.CharField(max_length=200, blank=True, help_text="The routing rule that matched.")
    token = models.CharField(max_length=40, unique=True, help_text="Open311 token, given at filing.")
    api_key = models.ForeignKey(
        "reports.ApiKey", null=True, blank=True, on_delete=models.SET_NULL, related_name="requests"
    )
    requested_datetime = models.DateTimeField(db_index=True)
    updated_datetime = models.DateTimeField()
    expected_datetime = models.DateTimeField(null=True, blank=True)
    duplicate_of = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="duplicates",
        help_text="The request this one was merged into as a duplicate.",
    )
    split_from = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="split_into",
        help_text="The request this one was split off from.",
    )
    # Requests harvested from another city's Open311 endpoint (see openingup.harvest.harvesters.open311):
    # the source, the request's id there and where it was read. Empty for requests filed here.
    # No index of its own: "IS NULL" (every request filed here) would lead SQLite to it instead of the
    # date index; harvested requests are found by remote_id, which has one.
    harvest_source = models.ForeignKey(
        "harvest.HarvestSource",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    remote_id = models.CharField(max_length=200, blank=True, db_index=True)
    remote_url = models.URLField(max_length=2000, blank=True)

    class Meta:
        db_table = "reports_request"
        ordering = ["-requested_datetime", "-id"]
        indexes = [
            models.Index(fields=["service", "requested_datetime"]),
            # the nearby-duplicate lookup (reports.nearby): a service's requests in a band of latitude
            models.Index(fields=["service", "lat"], name="reports_request_service_lat"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.service.code} ({self.status})"


class Reporter(models.Model):
    """The personal data of whoever filed a request, kept apart so it can be anonymised on its own."""

    request = models.OneToOneField(ServiceRequest, on_delete=models.CASCADE, related_name="reporter")
    email = models.EmailField(blank=True)
    device_id = models.CharField(max_length=200, blank=True)
    account_id = models.CharField(max_length=200, blank=True)
    first_name = models.CharField(max_length=200, blank=True)
    last_name = models.CharField(max_length=200, blank=True)
    phone = models.CharField(max_length=50, blank=True)
    anonymised_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reports_reporter"

    def __str__(self) -> str:
        return f"reporter of {self.request_id}"


class RequestUpdate(models.Model):
    """A status change or note on a request (FixMyStreet's servicerequestupdates); internal notes stay
    in the back office and never leave through Open311."""

    id = models.BigAutoField(primary_key=True)
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=30, help_text="The workflow state after this update.")
    previous_status = models.CharField(max_length=30, blank=True)
    description = models.TextField(blank=True)
    internal = models.BooleanField(default=False)
    media_url = models.URLField(max_length=1000, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "reports_request_update"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"update {self.pk} of {self.request_id}: {self.status}"


class RoutingRule(models.Model):
    """Sends matching requests to a department or person; rules are tried by ``order``, first match wins.

    Every condition given must hold: the service, the point inside ``area`` (a GeoJSON Polygon or
    MultiPolygon in WGS 84), the local time within the weekdays and hours, the attribute's answer.
    """

    id = models.BigAutoField(primary_key=True)
    name = models.CharField(max_length=200)
    order = models.PositiveIntegerField(default=100)
    active = models.BooleanField(default=True)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="routing_rules"
    )
    area = models.JSONField(null=True, blank=True, help_text="GeoJSON Polygon or MultiPolygon.")
    weekdays = models.JSONField(default=list, blank=True, help_text="0 = Monday … 6 = Sunday; empty: all.")
    start_time = models.TimeField(null=True, blank=True)
    end_time = models.TimeField(null=True, blank=True)
    attribute_code = models.CharField(max_length=100, blank=True)
    attribute_value = models.CharField(max_length=200, blank=True)
    department = models.ForeignKey(
        "organisations.Organisation", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    class Meta:
        db_table = "reports_routing_rule"
        ordering = ["order", "id"]

    def __str__(self) -> str:
        return self.name


class ApiKey(models.Model):
    """A key that lets a client file Open311 requests; only its SHA-256 hash is stored, as for the
    organisations' API tokens, and the key itself is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    name = models.CharField(max_length=100)
    scope = models.CharField(max_length=30, default="open311")
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reports_api_key"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


# --------------------------------------------------------------- reporter feedback and the reporting app


class Follower(models.Model):
    """Someone who gets the e-mails about a request: its reporter (``is_reporter``) or a citizen who
    chose to follow it instead of filing the same report again. Personal data, like :class:`Reporter`."""

    id = models.BigAutoField(primary_key=True)
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="followers")
    email = models.EmailField()
    language = models.CharField(max_length=10, help_text="The language of the e-mails.")
    is_reporter = models.BooleanField(default=False)
    token = models.CharField(max_length=40, unique=True, help_text="Lets the follower stop following.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "reports_follower"
        ordering = ["created_at", "id"]
        constraints = [models.UniqueConstraint(fields=["request", "email"], name="one_follow_per_email")]

    def __str__(self) -> str:
        return f"follower {self.pk} of {self.request_id}"


class Satisfaction(models.Model):
    """The satisfaction question put to the reporter when a request closes, and the answer."""

    id = models.BigAutoField(primary_key=True)
    request = models.ForeignKey(ServiceRequest, on_delete=models.CASCADE, related_name="satisfactions")
    token = models.CharField(max_length=40, unique=True)
    asked_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)
    satisfied = models.BooleanField(null=True, blank=True)
    comment = models.TextField(blank=True)

    class Meta:
        db_table = "reports_satisfaction"
        ordering = ["-asked_at", "-id"]

    def __str__(self) -> str:
        return f"satisfaction {self.pk} of {self.request_id}"


class MessageTemplate(models.Model):
    """An e-mail to reporters and followers for one event in one language, editable in the admin.

    ``event`` is ``received``, ``status_changed``, ``status:<state>`` (overrides ``status_changed``
    for one workflow state) or ``closed``. Subject and body take ``$placeholders`` (see
    :mod:`openingup.reports.mailtexts`); without a row the project's translated default is used."""

    id = models.BigAutoField(primary_key=True)
    event = models.CharField(max_length=50)
    language = models.CharField(max_length=10)
    subject = models.CharField(max_length=200)
    body = models.TextField(
        help_text="Placeholders: $id $service $status $note $notice $date $tracking_url $satisfaction"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reports_message_template"
        ordering = ["event", "language"]
        constraints = [
            models.UniqueConstraint(fields=["event", "language"], name="one_template_per_language")
        ]

    def __str__(self) -> str:
        return f"{self.event} ({self.language})"


class OutboxMessage(models.Model):
    """An e-mail waiting to be sent, sent, or given up on after its attempts (see :mod:`.outbox`)."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        SENT = "sent"
        FAILED = "failed"

    id = models.BigAutoField(primary_key=True)
    to = models.EmailField()
    subject = models.CharField(max_length=300)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(db_index=True)
    last_error = models.TextField(blank=True)
    request = models.ForeignKey(
        ServiceRequest, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    event = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reports_outbox_message"
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.status} mail {self.pk} to {self.to}"


class Address(models.Model):
    """One address of the municipality's own address register (a BAG-style export), with its point in
    WGS 84; what the report form's address search looks in."""

    id = models.BigAutoField(primary_key=True)
    key = models.CharField(max_length=100, blank=True, help_text="The register's own id, if it has one.")
    street = models.CharField(max_length=200, db_index=True)
    number = models.CharField(max_length=20, blank=True, help_text="House number with letter or addition.")
    postcode = models.CharField(max_length=20, blank=True, db_index=True)
    city = models.CharField(max_length=100, blank=True)
    lat = models.FloatField()
    long = models.FloatField()

    class Meta:
        db_table = "reports_address"
        ordering = ["street", "number", "id"]

    def __str__(self) -> str:
        return self.label()

    def label(self) -> str:
        line = f"{self.street} {self.number}".strip()
        place = f"{self.postcode} {self.city}".strip()
        return f"{line}, {place}" if place else line


class OpenDataset(models.Model):
    """The open dataset of a jurisdiction's reports in the catalogue: made once, its CSV distribution
    replaced every day (see :mod:`openingup.reports.opendata`)."""

    jurisdiction = models.OneToOneField(Jurisdiction, on_delete=models.CASCADE, related_name="open_dataset")
    dataset = models.ForeignKey("catalogue.Dataset", on_delete=models.CASCADE, related_name="+")
    distribution = models.ForeignKey(
        "catalogue.Distribution", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    rows = models.PositiveIntegerField(default=0, help_text="Reports in the file last published.")
    published_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "reports_open_dataset"

    def __str__(self) -> str:
        return f"open dataset of {self.jurisdiction.code}"


# ------------------------------------------------------------------------------------- the back office


class CannedReply(models.Model):
    """A ready-made public message for a status change, per service (empty: every service), workflow
    state (empty: every state) and language. ``body`` takes ``{placeholders}`` (see
    :mod:`openingup.reports.canned`); ``{{`` and ``}}`` write a brace."""

    id = models.BigAutoField(primary_key=True)
    title = models.CharField(max_length=200)
    service = models.ForeignKey(
        Service, null=True, blank=True, on_delete=models.CASCADE, related_name="canned_replies"
    )
    status = models.CharField(max_length=30, blank=True, help_text="Workflow state; empty: any.")
    language = models.CharField(max_length=10)
    body = models.TextField(
        help_text="Placeholders: {request_id} {service} {status} {address} {date} {expected}"
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "reports_canned_reply"
        ordering = ["title", "language", "id"]

    def __str__(self) -> str:
        return f"{self.title} ({self.language})"


# Classification keeps its own rows (model versions, corrections) beside the requests.
from openingup.reports.classify.models import ClassifierModel, ServiceCorrection  # noqa: E402, F401
