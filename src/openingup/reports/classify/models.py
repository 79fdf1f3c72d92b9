"""What classification keeps: each trained model's version row, and each correction of a request's
service by the back office (the label the next training learns from)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ClassifierModel(models.Model):
    """One trained classifier: its file (relative to the classifier folder), what it was trained on and
    its evaluation. At most one row is ``active``; suggestions come from that one."""

    id = models.BigAutoField(primary_key=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    trained_on = models.PositiveIntegerField(help_text="Examples the model was fitted on.")
    metrics = models.JSONField(default=dict, help_text="Evaluation report, sources and timings.")
    path = models.CharField(max_length=300, help_text="The joblib file, relative to the classifier folder.")
    active = models.BooleanField(default=False, db_index=True)

    class Meta:
        app_label = "reports"
        db_table = "reports_classifier_model"
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["active"], condition=models.Q(active=True), name="one_active_classifier"
            )
        ]

    def __str__(self) -> str:
        return f"classifier {self.pk}{' (active)' if self.active else ''}"


class ServiceCorrection(models.Model):
    """A back-office user moved a request from one service to another."""

    id = models.BigAutoField(primary_key=True)
    request = models.ForeignKey(
        "reports.ServiceRequest", on_delete=models.CASCADE, related_name="corrections"
    )
    previous_service = models.ForeignKey("reports.Service", on_delete=models.CASCADE, related_name="+")
    service = models.ForeignKey("reports.Service", on_delete=models.CASCADE, related_name="+")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        app_label = "reports"
        db_table = "reports_service_correction"
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return f"request {self.request_id}: {self.previous_service_id} → {self.service_id}"
