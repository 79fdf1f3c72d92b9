"""The back office's page of the report classifier: the active model's evaluation (table and heat
map), the earlier versions, and "train now" with the training job's progress.

Site administrators and editors only. ``classifier.json`` is the page's machine-readable twin.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST, require_safe

from openingup.core.errors import InvalidInput, NotFound, PermissionDenied
from openingup.core.models import Job
from openingup.organisations import permissions as organisations
from openingup.reports.classify import heatmap, permissions, queries, services
from openingup.reports.classify.tasks import TRAIN_TASK
from openingup.web.views.common import service_errors
from openingup.web.views.imports import finished, status_text


def _guard(request: HttpRequest) -> None:
    if not permissions.can_view_classifier(request.user):
        raise PermissionDenied(_("Only site administrators and editors manage the report classifier."))


def _job(request: HttpRequest) -> Job | None:
    """The training job named in ``?job=``, if the person may see it."""
    try:
        pk = uuid.UUID(request.GET.get("job", ""))
    except ValueError:
        return None
    job = Job.objects.filter(pk=pk, name=TRAIN_TASK).first()
    user: Any = request.user
    if job is None or not (organisations.is_admin(user) or job.created_by_id == user.pk):
        return None
    return job


def _heatmap(report: Any) -> str:
    # Safe: heatmap.render escapes every text it writes.
    return mark_safe(
        heatmap.render(
            report,
            title=_("Confusion matrix"),
            description=_(
                "Rows are the true categories, columns the predicted ones; the darker a cell, the larger "
                "the share of the row's examples. The table below gives the same numbers."
            ),
            true_label=_("True category"),
            predicted_label=_("Predicted category"),
        )
    )


@login_required
@never_cache
@require_safe
@service_errors
def classifier_page(request: HttpRequest) -> HttpResponse:
    _guard(request)
    model = queries.active_model()
    report = queries.report(model) if model else None
    job = _job(request)
    context = {
        "model": model,
        "report": report,
        "rows": list(zip(report.labels, report.matrix, strict=True)) if report else [],
        "heatmap": _heatmap(report) if report and report.labels else "",
        "sources": sorted((model.metrics.get("sources") or {}).items()) if model else [],
        "versions": list(queries.models()[:20]),
        "job": job,
        "job_finished": finished(job) if job else True,
        "job_status": status_text(job) if job else "",
    }
    return render(request, "web/classifier.html", context)


@login_required
@never_cache
@require_safe
@service_errors
def classifier_json(request: HttpRequest) -> HttpResponse:
    """The active model and its evaluation as JSON (``null`` when none has been trained)."""
    _guard(request)
    model = queries.active_model()
    if model is None:
        return JsonResponse({"model": None})
    data = {
        "id": model.pk,
        "created_at": model.created_at.isoformat(),
        "trained_on": model.trained_on,
        **model.metrics,
    }
    return JsonResponse({"model": data}, json_dumps_params={"ensure_ascii": False})


@login_required
@require_POST
@service_errors
def classifier_train(request: HttpRequest) -> HttpResponse:
    job = services.start_training(actor=request.user)
    return redirect(f"{reverse('web:report-classifier')}?job={job.pk}")


@login_required
@require_POST
@service_errors
def classifier_activate(request: HttpRequest, pk: int) -> HttpResponse:
    _guard(request)
    model = queries.models().filter(pk=pk).first()
    if model is None:
        raise NotFound(f"No classifier {pk}.")
    try:
        services.activate_classifier(actor=request.user, model=model)
    except InvalidInput as exc:
        messages.error(request, exc.message)
    return redirect("web:report-classifier")
