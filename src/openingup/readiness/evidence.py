"""Evidence from the platform itself: the indicators an instrument may prefill, measured by the other
contexts' queries, each with its source and date.

:func:`indicator` returns a :class:`Figure` or None when the platform has nothing to measure (no
datasets, no channels, no closed reports): a missing figure is never prefilled as a zero. :func:`answer_for`
turns a figure into an answer with the question's ``evidence.map`` (docs/readiness.md). Providers are
registered in :data:`PROVIDERS` by indicator key, the built-in ones the same way another would be.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.utils import timezone

from openingup.organisations.models import Organisation
from openingup.readiness.instruments import Question

DAYS = 90


@dataclass(frozen=True)
class Figure:
    indicator: str
    value: float
    source: str
    date: str

    def as_json(self) -> dict[str, Any]:
        return {"indicator": self.indicator, "value": self.value, "source": self.source, "date": self.date}


Provider = Callable[[Organisation, date], "tuple[float, str] | None"]
PROVIDERS: dict[str, Provider] = {}


def provider(key: str) -> Callable[[Provider], Provider]:
    """Decorator: register the function measuring indicator ``key``; it returns (value, source) or None."""

    def register(fn: Provider) -> Provider:
        PROVIDERS[key] = fn
        return fn

    return register


def indicator(key: str, organisation: Organisation, today: date | None = None) -> Figure | None:
    """The organisation's figure for one indicator, or None when there is nothing to measure."""
    fn = PROVIDERS.get(key)
    if fn is None:
        raise LookupError(f"no evidence indicator {key!r}")
    today = today or timezone.localdate()
    measured = fn(organisation, today)
    if measured is None:
        return None
    value, source = measured
    return Figure(key, float(value), source, today.isoformat())


def answer_for(question: Question, value: float) -> Any:
    """The answer that ``value`` gives to the question, by its ``evidence.map``."""
    mapping = (question.evidence or {}).get("map") or {}
    if question.type == "number":
        return value
    if question.type == "yesno":
        return value >= float(mapping["at_least"])
    chosen = None
    for threshold, answer in mapping["steps"]:
        if threshold <= value:
            chosen = answer
    return chosen


# --- catalogue and quality -------------------------------------------------------------------------


def _public_datasets(organisation: Organisation) -> Any:
    from openingup.catalogue import queries as catalogue_queries

    return catalogue_queries.public_datasets().filter(publisher=organisation)


@provider("catalogue.datasets_published")
def _datasets_published(organisation: Organisation, today: date) -> tuple[float, str] | None:
    return float(_public_datasets(organisation).count()), "catalogue.queries.public_datasets"


@provider("catalogue.open_licence_share")
def _open_licence_share(organisation: Organisation, today: date) -> tuple[float, str] | None:
    from openingup.quality import hvd

    rows = list(_public_datasets(organisation).prefetch_related("distributions"))
    if not rows:
        return None
    open_ = 0
    for dataset in rows:
        report = hvd.report(dataset, list(dataset.distributions.all()), [])
        open_ += next(r.met for r in report.requirements if r.key == "open_licence")
    return open_ / len(rows), "catalogue.queries.public_datasets + quality.hvd open licence requirement"


@provider("catalogue.hvd_share")
def _hvd_share(organisation: Organisation, today: date) -> tuple[float, str] | None:
    from openingup.catalogue import queries as catalogue_queries
    from openingup.quality import hvd

    reports = hvd.reports(_public_datasets(organisation), catalogue_queries.public_data_services())
    if not reports:
        return None
    return sum(r.compliant for r in reports) / len(reports), "quality.hvd.reports"


def _quality(organisation: Organisation) -> Any:
    from openingup.quality import queries as quality_queries

    found = quality_queries.aggregate(quality_queries.organisation_datasets(organisation))
    return found if found.scored else None


@provider("quality.average_score")
def _quality_average(organisation: Organisation, today: date) -> tuple[float, str] | None:
    found = _quality(organisation)
    return (found.average, "quality.queries.aggregate (MQA points)") if found else None


@provider("quality.average_share")
def _quality_share(organisation: Organisation, today: date) -> tuple[float, str] | None:
    from openingup.quality.indicators import TOTAL

    found = _quality(organisation)
    return (found.average / TOTAL, "quality.queries.aggregate (share of the maximum)") if found else None


# --- social media hub --------------------------------------------------------------------------------


def _social(organisation: Organisation, today: date, name: str) -> tuple[float, str] | None:
    from openingup.social import queries as social_queries

    figure = social_queries.readiness_evidence(organisation, today=today, days=DAYS).get(name) or {}
    value = figure.get("value")
    if value is None:
        return None
    return float(value), f"social.queries.readiness_evidence ({figure.get('source', '')})"


@provider("social.channels_in_use")
def _channels(organisation: Organisation, today: date) -> tuple[float, str] | None:
    return _social(organisation, today, "channels_in_use")


@provider("social.first_response_hours")
def _first_response(organisation: Organisation, today: date) -> tuple[float, str] | None:
    return _social(organisation, today, "median_first_response_hours")


@provider("social.answered_share")
def _answered(organisation: Organisation, today: date) -> tuple[float, str] | None:
    # The hub measures answers within the channel's response target: stricter than "answered at all".
    return _social(organisation, today, "share_answered_within_target")


# --- reports (Open311) --------------------------------------------------------------------------------


def _report_services(organisation: Organisation) -> Any:
    from openingup.reports import queries as report_queries

    return report_queries.services().filter(organisation=organisation)


@provider("reports.open311_enabled")
def _open311(organisation: Organisation, today: date) -> tuple[float, str] | None:
    return (1.0 if _report_services(organisation).exists() else 0.0), "reports.queries.services"


@provider("reports.within_service_level_share")
def _within_service_level(organisation: Organisation, today: date) -> tuple[float, str] | None:
    from openingup.reports import workflow
    from openingup.reports.models import ServiceRequest

    since = timezone.make_aware(datetime.combine(today - timedelta(days=DAYS), time.min))
    closed = ServiceRequest.objects.filter(
        service__organisation=organisation,
        harvest_source__isnull=True,
        expected_datetime__isnull=False,
        status__in=workflow.keys_with_open311_status("closed"),
        updated_datetime__gte=since,
    )
    rows = list(closed.values_list("updated_datetime", "expected_datetime"))
    if not rows:
        return None
    within = sum(1 for closed_at, expected in rows if expected is not None and closed_at <= expected)
    return within / len(rows), "reports (closed requests, last update against expected_datetime)"
