"""Read side of classification: the model versions and their evaluations."""

from __future__ import annotations

from django.db.models import QuerySet

from openingup.reports.classify.evaluation import Report
from openingup.reports.classify.models import ClassifierModel


def models() -> QuerySet[ClassifierModel]:
    """Every stored model, newest first."""
    return ClassifierModel.objects.select_related("created_by").order_by("-created_at", "-id")


def active_model() -> ClassifierModel | None:
    return models().filter(active=True).first()


def report(model: ClassifierModel) -> Report | None:
    """The evaluation stored with ``model``; None when its metrics hold none (or an unreadable one)."""
    try:
        return Report.from_dict(model.metrics["evaluation"])
    except (KeyError, TypeError, ValueError):
        return None
