"""Importing DCAT-AP from a URL or a file, and the page that follows the import job to its report.

Only the person who started a job, and administrators, may see it; for anyone else it does not exist.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from openingup.catalogue import services
from openingup.core.errors import InvalidInput, NotFound
from openingup.core.models import Job
from openingup.organisations import permissions
from openingup.web.account_forms import ImportForm
from openingup.web.problems import apply_problems
from openingup.web.views.common import forbidden, service_errors
from openingup.web.views.data_services import local_datasets

IMPORT_TASKS = ("catalogue.import_url", "catalogue.import_file")


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def import_new(request: HttpRequest) -> HttpResponse:
    publishers = permissions.editable_organisations(request.user)
    if not publishers:
        return forbidden(request, _("You are not an editor of any organisation, so you cannot import."))
    form = ImportForm(request.POST or None, request.FILES or None, publishers=publishers)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        organisation = next(o for o in publishers if o.slug == data["organisation"])
        try:
            job = services.start_import(
                actor=request.user,
                organisation=organisation,
                url=data.get("url") or "",
                upload=data.get("file"),
                fmt=data.get("format") or "",
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems, exc.message)
        else:
            return redirect("web:job", pk=job.pk)
    return render(request, "web/import_form.html", {"form": form})


def _job(request: HttpRequest, pk: uuid.UUID) -> Job:
    job = Job.objects.filter(pk=pk).first()
    user: Any = request.user
    if job is None or not (permissions.is_admin(user) or job.created_by_id == user.pk):
        raise NotFound(f"No job {pk}.")
    return job


def finished(job: Job) -> bool:
    return job.status in (Job.Status.DONE, Job.Status.FAILED)


def status_text(job: Job) -> str:
    return {
        Job.Status.QUEUED: _("Waiting to start"),
        Job.Status.RUNNING: _("Running"),
        Job.Status.DONE: _("Finished"),
        Job.Status.FAILED: _("Failed"),
    }.get(Job.Status(job.status), job.status)


def job_title(job: Job) -> str:
    arguments = job.arguments or {}
    if job.name == "catalogue.import_url":
        return _("Import from %(url)s") % {"url": arguments.get("url", "")}
    if job.name == "catalogue.import_file":
        return _("Import of the file %(name)s") % {"name": arguments.get("filename") or _("(no name)")}
    if job.name == "harvest.run":
        return _("Harvest")
    if job.name == "harvest.withdraw_datasets":
        count = len(arguments.get("dataset_ids") or [])
        return ngettext(
            "Withdrawing %(count)d dataset of a removed harvest source",
            "Withdrawing %(count)d datasets of a removed harvest source",
            count,
        ) % {"count": count}
    if job.name == "reports.train_classifier":
        return _("Train the classifier")
    return job.name


def _report(job: Job, user: Any) -> dict[str, Any] | None:
    """The import report with local datasets resolved, once an import has finished."""
    if job.name not in IMPORT_TASKS or job.status != Job.Status.DONE:
        return None
    result = job.result or {}
    return {
        "created": local_datasets([str(u) for u in result.get("created", [])], user),
        "updated": local_datasets([str(u) for u in result.get("updated", [])], user),
        "failed": [(str(f.get("uri", "")), str(f.get("reason", ""))) for f in result.get("failed", [])],
        "warnings": sorted((str(k), [str(m) for m in v]) for k, v in (result.get("warnings") or {}).items()),
    }


@login_required
@never_cache
@require_safe
@service_errors
def job_detail(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    job = _job(request, pk)
    context = {
        "job": job,
        "title": job_title(job),
        "finished": finished(job),
        "status_text": status_text(job),
        "report": _report(job, request.user),
    }
    return render(request, "web/job_detail.html", context)


@login_required
@never_cache
@require_safe
@service_errors
def job_json(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    """The job's state for the page's script: status, percentage, message, and whether it has ended."""
    job = _job(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_text": status_text(job),
            "progress": job.progress,
            "message": job.message,
            "finished": finished(job),
        }
    )
