"""Harvest sources for editors of an organisation and site administrators: list, add, change, remove,
run, jobs.

A source someone may not manage does not exist for them (404), as with jobs of other people.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from openingup.core.errors import Conflict, InvalidInput
from openingup.harvest import permissions, queries, services
from openingup.harvest.models import HarvestJob, HarvestSource
from openingup.organisations import permissions as org_permissions
from openingup.web.harvest_forms import DeleteSourceForm, HarvestSourceForm
from openingup.web.problems import apply_problems
from openingup.web.views.common import forbidden, service_errors


def status_text(job: HarvestJob | None) -> str:
    if job is None:
        return _("Never harvested")
    return {
        HarvestJob.Status.QUEUED: _("Waiting to start"),
        HarvestJob.Status.RUNNING: _("Running"),
        HarvestJob.Status.DONE: _("Finished"),
        HarvestJob.Status.FAILED: _("Failed"),
    }[HarvestJob.Status(job.status)]


def frequency_text(frequency: str) -> str:
    return {
        "manual": _("Only when I start it"),
        "hourly": _("Every hour"),
        "daily": _("Every day"),
        "weekly": _("Every week"),
        "monthly": _("Every month"),
    }.get(frequency, frequency)


@login_required
@require_safe
def source_list(request: HttpRequest) -> HttpResponse:
    if not permissions.may_harvest_at_all(request.user):
        return forbidden(request, _("Only editors of an organisation can harvest other catalogues."))
    rows = [(s, queries.latest_job(s)) for s in queries.sources_for(request.user)]
    sources = [{"source": s, "job": j, "status": status_text(j)} for s, j in rows]
    return render(request, "web/harvest/source_list.html", {"sources": sources})


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def source_new(request: HttpRequest) -> HttpResponse:
    organisations = org_permissions.editable_organisations(request.user)
    if not organisations:
        return forbidden(request, _("Only editors of an organisation can harvest other catalogues."))
    admin = org_permissions.is_admin(request.user)
    form = HarvestSourceForm(request.POST or None, organisations=organisations, admin=admin)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = next((o for o in organisations if o.slug == data["organisation"]), None)
        try:
            source = services.add_source(
                actor=request.user,
                type=data["type"],
                url=data["url"],
                organisation=organisation,
                title=data["title"],
                frequency=data["frequency"],
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems, exc.message)
        else:
            return redirect("web:harvest-source", pk=source.pk)
    return render(request, "web/harvest/source_form.html", {"form": form})


def _organisation_slug(source: HarvestSource) -> str:
    return source.organisation.slug if source.organisation else ""


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def source_edit(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    source = queries.source_by_id(pk, request.user)
    organisations = org_permissions.editable_organisations(request.user)
    admin = org_permissions.is_admin(request.user)
    initial = {
        "type": source.type,
        "url": source.url,
        "organisation": _organisation_slug(source),
        "title": source.title,
        "frequency": source.frequency,
        "active": source.active,
    }
    form = HarvestSourceForm(
        request.POST or None, initial=initial, organisations=organisations, admin=admin, editing=True
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = next((o for o in organisations if o.slug == data["organisation"]), None)
        try:
            services.edit_source(
                actor=request.user,
                source=source,
                type=data["type"],
                url=data["url"],
                organisation=organisation,
                title=data["title"],
                frequency=data["frequency"],
                active=data["active"],
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems, exc.message)
        except Conflict:
            form.add_error(None, _("The source is being harvested; change it when the harvest has ended."))
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("web:harvest-source", pk=source.pk)
    return render(request, "web/harvest/source_form.html", {"form": form, "source": source})


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def source_delete(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    source = queries.source_by_id(pk, request.user)
    if not permissions.can_delete_harvest_source(request.user, source):
        return forbidden(request)
    form = DeleteSourceForm(request.POST or None, initial={"datasets": "keep"})
    running = queries.active_job(source)
    if request.method == "POST" and form.is_valid() and running is None:
        name = str(source)
        try:
            removal = services.delete_source(
                actor=request.user, source=source, datasets=form.cleaned_data["datasets"], background=True
            )
        except Conflict:
            running = queries.active_job(source)
        else:
            count = removal.queued or removal.withdrawn
            if removal.job is not None:
                text = ngettext(
                    "The source “%(name)s” was removed; its %(count)d dataset is being withdrawn.",
                    "The source “%(name)s” was removed; its %(count)d datasets are being withdrawn.",
                    count,
                )
            elif form.cleaned_data["datasets"] == "withdraw":
                text = ngettext(
                    "The source “%(name)s” was removed and %(count)d dataset withdrawn.",
                    "The source “%(name)s” was removed and %(count)d datasets withdrawn.",
                    count,
                )
            else:
                text = _("The source “%(name)s” was removed; its datasets were kept.")
            messages.success(request, text % {"name": name, "count": count})
            return redirect("web:harvest-sources")
    context = {
        "source": source,
        "form": form,
        "running": running,
        "harvested": services.harvested_datasets(source).count(),
    }
    return render(request, "web/harvest/source_confirm_delete.html", context)


@login_required
@never_cache
@require_safe
@service_errors
def source_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    source = queries.source_by_id(pk, request.user)
    jobs = [{"job": j, "status": status_text(j)} for j in queries.jobs_of(source, limit=20)]
    context = {
        "source": source,
        "jobs": jobs,
        "counts": queries.record_counts(source),
        "running": queries.active_job(source),
        "frequency": frequency_text(source.frequency),
    }
    return render(request, "web/harvest/source_detail.html", context)


@login_required
@require_POST
@service_errors
def source_run(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    source = queries.source_by_id(pk, request.user)
    try:
        job = services.start_harvest(actor=request.user, source=source)
    except Conflict:
        running = queries.active_job(source)
        return (
            redirect("web:harvest-job", pk=running.pk) if running else redirect("web:harvest-source", pk=pk)
        )
    return redirect("web:harvest-job", pk=job.pk)


def _job_state(job: HarvestJob) -> dict[str, Any]:
    return {
        "status": job.status,
        "status_text": status_text(job),
        "progress": job.progress,
        "message": job.message,
        "finished": job.finished,
    }


@login_required
@never_cache
@require_safe
@service_errors
def job_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = queries.job_by_id(pk, request.user)
    report = job.report or {}
    context = {
        "job": job,
        "source": job.source,
        "status_text": status_text(job),
        "failed": report.get("failed", []),
        "withdrawn": report.get("withdrawn", []),
        "warnings": report.get("warnings", []),
    }
    return render(request, "web/harvest/job_detail.html", context)


@login_required
@never_cache
@require_safe
@service_errors
def job_json(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The job's state for the page's script (the same shape as /jobs/<id>.json)."""
    return JsonResponse(_job_state(queries.job_by_id(pk, request.user)))
