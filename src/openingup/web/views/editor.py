"""Editor pages for datasets: create, edit (with the DCAT-AP publication check), publish, archive, delete."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openingup.catalogue import queries, services
from openingup.catalogue.models import Dataset, Distribution, Status
from openingup.core.errors import InvalidInput, PermissionDenied
from openingup.exchange.dcat.namespaces import HVD_LEGISLATION
from openingup.organisations import permissions
from openingup.web.forms import DatasetForm, hvd_legislation
from openingup.web.presentation import pick
from openingup.web.problems import apply_problems
from openingup.web.views.common import forbidden, service_errors


def editable_dataset(request: HttpRequest, slug: str) -> Dataset:
    """The dataset if this person may edit it; NotFound when they may not even see it."""
    dataset = queries.dataset_by_slug(slug, request.user)
    if not permissions.can_edit_dataset(request.user, dataset):
        raise PermissionDenied
    return dataset


def _render_form(request: HttpRequest, form: DatasetForm, **context: Any) -> HttpResponse:
    return render(request, "web/dataset_form.html", {"form": form, **context})


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def dataset_create(request: HttpRequest) -> HttpResponse:
    publishers = permissions.editable_organisations(request.user)
    if not publishers:
        return forbidden(
            request, _("You are not an editor of any organisation, so you cannot create datasets.")
        )
    form = DatasetForm(request.POST or None, publishers=publishers)
    if request.method == "POST" and form.check():
        publisher = next(o for o in publishers if o.slug == form.cleaned_data["publisher"])
        try:
            dataset = services.create_dataset(actor=request.user, publisher=publisher, data=form.to_data())
        except InvalidInput as exc:
            apply_problems(form, exc.problems, exc.message)
        else:
            messages.success(
                request, _("The dataset was saved as a draft. Now add a distribution: a file or a link.")
            )
            url = reverse("web:distribution-new", args=[dataset.slug])
            licence = form.cleaned_data.get("licence")
            return redirect(f"{url}?{urlencode({'licence': licence})}" if licence else url)
    return _render_form(request, form, creating=True)


def sync_distributions(
    actor: Any, dataset: Dataset, distributions: list[Distribution], old: str, new: str
) -> None:
    """Carry dataset-wide choices to the distributions: the form's licence goes to every distribution
    without one (or with the former common one), and a high-value dataset's distributions cite the
    HVD regulation too, as DCAT-AP HVD requires."""
    hvd = HVD_LEGISLATION in (dataset.applicable_legislation or [])
    for distribution in distributions:
        changes: dict[str, Any] = {}
        if old != new and distribution.licence in ("", old):
            changes["licence"] = new
        legislation = hvd_legislation(distribution.applicable_legislation, hvd)
        if legislation != (distribution.applicable_legislation or []):
            changes["applicable_legislation"] = legislation
        if changes:
            services.update_distribution(actor=actor, distribution=distribution, data=changes)


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def dataset_edit(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = editable_dataset(request, slug)
    distributions = list(dataset.distributions.all())
    initial = DatasetForm.initial_for(dataset, distributions)
    form = DatasetForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.check(current=dataset):
        try:
            with transaction.atomic():
                services.update_dataset(actor=request.user, dataset=dataset, data=form.to_data(dataset))
                licence = form.cleaned_data.get("licence", "")
                sync_distributions(request.user, dataset, distributions, initial["licence"], licence)
        except InvalidInput as exc:
            dataset.refresh_from_db()
            apply_problems(form, exc.problems, exc.message)
        else:
            messages.success(request, _("Your changes were saved."))
            return redirect("web:dataset-edit", slug=dataset.slug)
    return _render_form(
        request,
        form,
        dataset=dataset,
        distributions=distributions,
        problems=services.publication_problems(dataset),
        history=queries.history(dataset.pk),
    )


@login_required
@require_POST
@service_errors
def dataset_publish(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = editable_dataset(request, slug)
    try:
        services.publish_dataset(actor=request.user, dataset=dataset)
    except InvalidInput:
        messages.error(
            request, _("The dataset was not published: first solve the problems listed on this page.")
        )
        return redirect("web:dataset-edit", slug=dataset.slug)
    messages.success(request, _("The dataset is published."))
    return redirect("web:dataset", slug=dataset.slug)


@login_required
@require_POST
@service_errors
def dataset_archive(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = editable_dataset(request, slug)
    services.archive_dataset(actor=request.user, dataset=dataset)
    messages.success(request, _("The dataset is archived. It stays findable, marked as archived."))
    return redirect("web:dataset", slug=dataset.slug)


@login_required
@require_http_methods(["GET", "POST"])
@service_errors
def dataset_delete(request: HttpRequest, slug: str) -> HttpResponse:
    dataset = editable_dataset(request, slug)
    if request.method == "POST":
        title = str(pick(dataset.title))
        services.delete_dataset(actor=request.user, dataset=dataset)
        messages.success(request, _("The dataset “%(title)s” was deleted.") % {"title": title})
        return redirect("web:datasets")
    context = {"dataset": dataset, "published": dataset.status == Status.PUBLISHED}
    return render(request, "web/dataset_confirm_delete.html", context)
