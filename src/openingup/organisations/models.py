"""Organisations (a municipality, its departments, other publishers), memberships and API tokens.

An organisation is also the DCAT ``foaf:Agent`` that publishes datasets: its URI, multilingual name
and publisher type go straight into the DCAT-AP output.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Organisation(models.Model):
    class Kind(models.TextChoices):
        MUNICIPALITY = "municipality"
        DEPARTMENT = "department"
        PUBLISHER = "publisher"
        EXTERNAL = "external"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.PUBLISHER)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.JSONField(default=dict, help_text="Name per language code.")
    description = models.JSONField(default=dict, blank=True)
    uri = models.URLField(
        max_length=500, blank=True, help_text="Persistent URI; minted from the base URL when empty."
    )
    publisher_type = models.URLField(max_length=300, blank=True, help_text="ADMS publisher type URI.")
    homepage = models.URLField(max_length=500, blank=True)
    email = models.EmailField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["slug"]

    def __str__(self) -> str:
        return self.display_name()

    def display_name(self, lang: str = "en") -> str:
        name = self.name or {}
        return name.get(lang) or name.get("en") or next(iter(name.values()), self.slug)

    @property
    def agent_uri(self) -> str:
        return self.uri or f"{settings.BASE_URL}/organisations/{self.slug}"


class Membership(models.Model):
    class Role(models.TextChoices):
        EDITOR = "editor"
        VIEWER = "viewer"

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships")
    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="memberships")
    role = models.CharField(max_length=10, choices=Role.choices, default=Role.VIEWER)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organisation"], name="one_membership_per_org")
        ]

    def __str__(self) -> str:
        return f"{self.user} {self.role} of {self.organisation.slug}"


class ApiToken(models.Model):
    """A bearer token; only its SHA-256 hash is stored, the token itself is shown once."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    scopes = models.JSONField(default=list, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
