"""The search index's structured side, shared by every SQL backend.

One row per dataset in ``search_document`` (filters, sort keys, visibility) and one row per facet value in
``search_facet``; the text side lives in the backend's own structures (an FTS5 table on SQLite,
``tsvector`` columns added to ``search_document`` on PostgreSQL), created by migration 0002.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class SearchDocument(models.Model):
    id = models.BigAutoField(primary_key=True)
    dataset_id = models.UUIDField(unique=True)
    slug = models.CharField(max_length=120)
    status = models.CharField(max_length=10, db_index=True)
    publisher_id = models.UUIDField(null=True, blank=True, db_index=True)
    title = models.JSONField(default=dict)
    title_sort = models.CharField(max_length=200, db_index=True)
    modified = models.CharField(max_length=40, db_index=True)
    texts = models.JSONField(default=dict, help_text="{lang: title, description and keywords}")
    stems = models.JSONField(default=dict, help_text="{lang: the texts stemmed to the fixpoint}")
    all_text = models.TextField(blank=True)
    title_text = models.TextField(blank=True, help_text="Titles and keywords, unstemmed (autocomplete).")
    west = models.FloatField(null=True, blank=True)
    south = models.FloatField(null=True, blank=True)
    east = models.FloatField(null=True, blank=True)
    north = models.FloatField(null=True, blank=True)
    temporal_start = models.CharField(max_length=10, blank=True)
    temporal_end = models.CharField(max_length=10, blank=True)

    class Meta:
        db_table = "search_document"

    def __str__(self) -> str:
        return self.slug


class SearchFacet(models.Model):
    id = models.BigAutoField(primary_key=True)
    document = models.ForeignKey(SearchDocument, on_delete=models.CASCADE, related_name="facets")
    name = models.CharField(max_length=20)
    value = models.CharField(max_length=300)

    class Meta:
        db_table = "search_facet"
        indexes = [models.Index(fields=["name", "value", "document"], name="search_facet_value_documents")]

    def __str__(self) -> str:
        return f"{self.name}={self.value}"


class SavedSearch(models.Model):
    """A person's named /search/ query; its Atom feed is public by the unguessable id."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="saved_searches"
    )
    name = models.CharField(max_length=200)
    query = models.TextField(blank=True, help_text="The /search/ query string, without cursor and format.")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "search_saved"
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class SearchGeneration(models.Model):
    """One row: a fresh random number written by every change to the index (see ``snapshot``)."""

    id = models.IntegerField(primary_key=True)
    value = models.BigIntegerField()

    class Meta:
        db_table = "search_generation"

    def __str__(self) -> str:
        return str(self.value)
