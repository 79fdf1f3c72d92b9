"""Assessments of an organisation on a versioned instrument, their answers, frozen results and the cohort.

An :class:`Assessment` names the instrument by id and version; the instrument itself is a data file
(see :mod:`openingup.readiness.instruments`). Several respondents each keep a :class:`Response`; the
coordinator consolidates them into the assessment's answers, and submission computes a :class:`Result`
once: it keeps the scores as they were, whatever later versions of the instrument or its scoring change.
A submitted result also becomes an anonymised :class:`BenchmarkEntry`; entries imported from other
instances join the same cohort.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models

SIZE_BANDS = ("<20k", "20k-50k", "50k-100k", "100k-250k", ">250k")
_BAND_LIMITS = ((20_000, "<20k"), (50_000, "20k-50k"), (100_000, "50k-100k"), (250_000, "100k-250k"))


def size_band(population: int | None) -> str:
    """The size band of a population ("" when unknown): below 20,000 is "<20k", 250,000 and more ">250k"."""
    if population is None:
        return ""
    for limit, band in _BAND_LIMITS:
        if population < limit:
            return band
    return ">250k"


class ReadinessProfile(models.Model):
    """What places an organisation in a cohort: its country and population."""

    organisation = models.OneToOneField(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="readiness_profile"
    )
    country = models.CharField(max_length=2, help_text="ISO 3166-1 alpha-2 code, upper case.")
    population = models.PositiveIntegerField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "readiness_profile"

    def __str__(self) -> str:
        return f"{self.organisation_id} {self.country} {self.size_band}"

    @property
    def size_band(self) -> str:
        return size_band(self.population)


class Assessment(models.Model):
    class Status(models.TextChoices):
        OPEN = "open"
        SUBMITTED = "submitted"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    organisation = models.ForeignKey(
        "organisations.Organisation", on_delete=models.CASCADE, related_name="readiness_assessments"
    )
    instrument_id = models.CharField(max_length=50)
    instrument_version = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.OPEN)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    answers = models.JSONField(
        default=dict, blank=True, help_text="The consolidated answers, {question_key: answer}."
    )
    consolidated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        db_table = "readiness_assessment"
        ordering = ["-year", "instrument_id", "-created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "instrument_id", "year"], name="readiness_one_assessment_per_year"
            )
        ]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.instrument_version} {self.year} ({self.status})"


class Response(models.Model):
    """One respondent's answers, ``{question_key: {"value", "na", "evidence", "override_reason"}}``."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="responses")
    respondent = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="readiness_responses"
    )
    answers = models.JSONField(default=dict, blank=True)
    completed = models.BooleanField(default=False)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        db_table = "readiness_response"
        ordering = ["assessment", "updated_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["assessment", "respondent"], name="readiness_one_response_per_user"
            )
        ]

    def __str__(self) -> str:
        return f"{self.assessment_id} by {self.respondent_id}"


class EvidenceFile(models.Model):
    """A document uploaded as the answer to an "evidence" question."""

    assessment = models.ForeignKey(Assessment, on_delete=models.CASCADE, related_name="evidence_files")
    question_key = models.CharField(max_length=100)
    file = models.FileField(upload_to="readiness/%Y/%m/", max_length=300)
    name = models.CharField(max_length=300, blank=True, help_text="The file name as uploaded.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "readiness_evidence_file"
        ordering = ["assessment", "question_key", "uploaded_at"]

    def __str__(self) -> str:
        return f"{self.assessment_id} {self.question_key} {self.name}"


class Result(models.Model):
    """The scores of a submitted assessment, computed once at submission and never rewritten."""

    assessment = models.OneToOneField(Assessment, on_delete=models.CASCADE, related_name="result")
    instrument_id = models.CharField(max_length=50)
    instrument_version = models.CharField(max_length=20)
    overall = models.FloatField(null=True, blank=True)
    level = models.CharField(max_length=50, blank=True)
    tree = models.JSONField(default=dict, help_text="Scores per measure, dimension and driver (ScoreTree).")
    answers = models.JSONField(default=dict, help_text="The consolidated answers the scores came from.")
    computed_at = models.DateTimeField()

    class Meta:
        db_table = "readiness_result"
        ordering = ["-computed_at"]

    def __str__(self) -> str:
        return f"{self.instrument_id} {self.instrument_version} {self.overall}"


class BenchmarkEntry(models.Model):
    """One anonymised result in the cohort: a local submission, or one imported from another instance."""

    LOCAL = "local"

    origin = models.CharField(max_length=500, default=LOCAL, help_text='"local" or the instance\'s URL.')
    entry = models.UUIDField(default=uuid.uuid4, help_text="Stable id of the entry across instances.")
    result = models.OneToOneField(
        Result, null=True, blank=True, on_delete=models.CASCADE, related_name="benchmark_entry"
    )
    instrument_id = models.CharField(max_length=50)
    instrument_version = models.CharField(max_length=20)
    year = models.PositiveSmallIntegerField()
    country = models.CharField(max_length=2, blank=True)
    size_band = models.CharField(max_length=10, blank=True)
    overall = models.FloatField(null=True, blank=True)
    level = models.CharField(max_length=50, blank=True)
    tree = models.JSONField(default=dict)
    imported_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        db_table = "readiness_benchmark_entry"
        ordering = ["instrument_id", "-year", "country", "size_band"]
        constraints = [
            models.UniqueConstraint(fields=["origin", "entry"], name="readiness_one_entry_per_origin")
        ]
        indexes = [models.Index(fields=["instrument_id", "year"], name="readiness_cohort_idx")]

    def __str__(self) -> str:
        return f"{self.origin} {self.instrument_id} {self.year} {self.country} {self.size_band}"
