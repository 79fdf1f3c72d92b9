"""The DCAT-AP 3.0.1 catalogue model.

Column names equal the field names of the property table in
:mod:`openingup.exchange.dcat.fields`; multilingual texts are ``{lang: text}`` dicts, nested value
objects (contact points, periods, locations, checksums, relationships, identifiers) are JSON, and
links to other resources are IRIs, exactly as DCAT-AP states them. A test checks that every table
row has its column.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

from openingup.organisations.models import Organisation


class Status(models.TextChoices):
    DRAFT = "draft"
    PUBLISHED = "published"
    ARCHIVED = "archived"


def _json_list() -> models.JSONField:
    return models.JSONField(default=list, blank=True)


def _json_dict() -> models.JSONField:
    return models.JSONField(default=dict, blank=True)


def _date() -> models.CharField:
    return models.CharField(
        max_length=40, blank=True, help_text="ISO 8601 date, date-time, year or year-month."
    )


class Described(models.Model):
    """What datasets, series, services and the catalogue share: identity, texts, publisher, lifecycle."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    uri = models.CharField(
        max_length=500, blank=True, db_index=True, help_text="Original URI; minted when empty."
    )
    title = _json_dict()
    description = _json_dict()
    publisher = models.ForeignKey(
        Organisation, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    contact_points = _json_list()
    issued = _date()
    modified = _date()
    applicable_legislation = _json_list()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True, db_index=True)

    class Meta:
        abstract = True

    def text(self, field: str, lang: str = "en") -> str:
        values = getattr(self, field) or {}
        return values.get(lang) or values.get("en") or values.get("") or next(iter(values.values()), "")


class Catalogue(Described):
    """The instance's own catalogue (one row); its URI is the base URL's /catalog."""

    homepage = models.CharField(max_length=500, blank=True)
    language = _json_list()
    licence = models.CharField(max_length=300, blank=True)
    spatial = _json_list()
    theme_taxonomy = _json_list()

    def __str__(self) -> str:
        return self.text("title")


class DatasetSeries(Described):
    slug = models.SlugField(max_length=120, unique=True)
    frequency = models.CharField(max_length=300, blank=True)
    spatial = _json_list()
    temporal = _json_list()

    class Meta:
        verbose_name_plural = "dataset series"

    def __str__(self) -> str:
        return self.text("title")


class Dataset(Described):
    slug = models.SlugField(max_length=120, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    published_at = models.DateTimeField(null=True, blank=True)
    keywords = _json_dict()
    themes = _json_list()
    identifier = _json_list()
    other_identifiers = _json_list()
    language = _json_list()
    creator = models.JSONField(null=True, blank=True)
    spatial = _json_list()
    temporal = _json_list()
    frequency = models.CharField(max_length=300, blank=True)
    access_rights = models.CharField(max_length=300, blank=True)
    conforms_to = _json_list()
    landing_page = _json_list()
    documentation = _json_list()
    version = models.CharField(max_length=100, blank=True)
    version_notes = _json_dict()
    type = models.CharField(max_length=300, blank=True)
    provenance = _json_list()
    relations = _json_list()
    qualified_relations = _json_list()
    qualified_attributions = _json_list()
    sources = _json_list()
    has_version = _json_list()
    is_version_of = _json_list()
    is_referenced_by = _json_list()
    samples = _json_list()
    was_generated_by = _json_list()
    spatial_resolution = models.CharField(max_length=40, blank=True)
    temporal_resolution = models.CharField(max_length=40, blank=True)
    hvd_categories = _json_list()
    in_series = _json_list()

    class Meta:
        ordering = ["-updated_at"]
        indexes = [models.Index(fields=["status", "updated_at"])]

    def __str__(self) -> str:
        return self.text("title")


class DataService(Described):
    slug = models.SlugField(max_length=120, unique=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT, db_index=True)
    endpoint_url = _json_list()
    endpoint_description = _json_list()
    serves_dataset = _json_list()
    keywords = _json_dict()
    themes = _json_list()
    identifier = _json_list()
    licence = models.CharField(max_length=300, blank=True)
    access_rights = models.CharField(max_length=300, blank=True)
    conforms_to = _json_list()
    landing_page = _json_list()
    documentation = _json_list()
    format = _json_list()
    hvd_categories = _json_list()

    def __str__(self) -> str:
        return self.text("title")


class Distribution(models.Model):
    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    dataset = models.ForeignKey(Dataset, on_delete=models.CASCADE, related_name="distributions")
    position = models.PositiveIntegerField(default=0)
    uri = models.CharField(max_length=500, blank=True, help_text="Original URI; minted when empty.")
    file = models.FileField(upload_to="distributions/%Y/%m/", blank=True, max_length=300)
    title = _json_dict()
    description = _json_dict()
    access_url = _json_list()
    download_url = _json_list()
    format = models.CharField(max_length=300, blank=True)
    media_type = models.CharField(max_length=300, blank=True)
    compress_format = models.CharField(max_length=300, blank=True)
    package_format = models.CharField(max_length=300, blank=True)
    licence = models.CharField(max_length=300, blank=True)
    rights = models.JSONField(null=True, blank=True)
    availability = models.CharField(max_length=300, blank=True)
    status = models.CharField(max_length=300, blank=True)
    byte_size = models.BigIntegerField(null=True, blank=True)
    checksum = models.JSONField(null=True, blank=True)
    issued = _date()
    modified = _date()
    language = _json_list()
    conforms_to = _json_list()
    documentation = _json_list()
    access_services = _json_list()
    spatial_resolution = models.CharField(max_length=40, blank=True)
    temporal_resolution = models.CharField(max_length=40, blank=True)
    applicable_legislation = _json_list()
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "created_at"]

    def __str__(self) -> str:
        values = self.title or {}
        return values.get("en") or next(iter(values.values()), str(self.id))


class Change(models.Model):
    """Change history: who did what to which resource, and which fields changed from what to what."""

    id = models.BigAutoField(primary_key=True)
    resource_type = models.CharField(max_length=30)
    resource_id = models.UUIDField(db_index=True)
    action = models.CharField(max_length=30)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    at = models.DateTimeField(auto_now_add=True)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.action} {self.resource_type} {self.resource_id}"
