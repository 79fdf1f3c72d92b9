"""Editor pages for a dataset's distributions: add (upload or link), edit, delete."""

from __future__ import annotations

import uuid

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openingup.catalogue import services
from openingup.catalogue.models import Dataset, Distribution
from openingup.core.errors import InvalidInput, NotFound
from openingup.web.forms import DistributionForm
from openingup.web.problems import apply_problems
from openingup.web.views.common import service_errors
from openingup.web.views.data_services import publisher_services
from openingup.web.views.editor import editable_dataset


def _distribution(dataset: Dataset, pk: uuid.UUID) -> Distribution:
    found = dataset.distributions.filter(pk=pk).first()
    if found is None:
        raise NotFound(f"No distribution {pk} in this dataset.")
    return found


def _back(dataset: Dataset) -> str:
    return reverse("web:dataset", args=[dataset.slug]) + "#distributions"


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def distribution_create(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = editable_dataset(request, slug)
    initial = {"licence": request.GET.get("licence", "")[:300]}
    form = DistributionForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        access_services=publisher_services(dataset.publisher),
    )
    if request.method == "POST" and form.check(dataset=dataset):
        try:
            services.add_distribution(
                actor=request.user,
                dataset=dataset,
                data=form.to_data(dataset=dataset),
                upload=form.cleaned_data.get("file"),
            )
        except InvalidInput as exc:
            apply_problems(form, exc.problems, exc.message)
        else:
            messages.success(request, _("The distribution was added."))
            return redirect(_back(dataset))
    return render(request, "web/distribution_form.html", {"form": form, "dataset": dataset})


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def distribution_edit(request: HttpRequest, slug: str, pk: uuid.UUID) -> HttpResponse:
    dataset = editable_dataset(request, slug)
    distribution = _distribution(dataset, pk)
    form = DistributionForm(
        request.POST or None,
        request.FILES or None,
        current=distribution,
        initial=DistributionForm.initial_for(distribution),
        access_services=publisher_services(dataset.publisher),
    )
    if request.method == "POST" and form.check(dataset=dataset):
        try:
            services.update_distribution(
                actor=request.user,
                distribution=distribution,
                data=form.to_data(dataset=dataset),
                upload=form.cleaned_data.get("file"),
            )
        except InvalidInput as exc:
            distribution.refresh_from_db()
            apply_problems(form, exc.problems, exc.message)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect(_back(dataset))
    context = {"form": form, "dataset": dataset, "distribution": distribution}
    return render(request, "web/distribution_form.html", context)


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def distribution_delete(request: HttpRequest, slug: str, pk: uuid.UUID) -> HttpResponse:
    dataset = editable_dataset(request, slug)
    distribution = _distribution(dataset, pk)
    if request.method == "POST":
        services.delete_distribution(actor=request.user, distribution=distribution)
        messages.success(request, _("The distribution was deleted."))
        return redirect(_back(dataset))
    return render(
        request, "web/distribution_confirm_delete.html", {"dataset": dataset, "distribution": distribution}
    )
