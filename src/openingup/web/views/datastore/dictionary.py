"""The dictionary tab: each column's title, description, type and profile, and the form that edits them."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openingup.catalogue.queries import distribution_by_id
from openingup.core.errors import FieldProblem, InvalidInput
from openingup.datastore import charts, queries, services
from openingup.datastore.models import Table
from openingup.organisations import permissions
from openingup.web.views.common import forbidden, service_errors
from openingup.web.views.datastore.page import (
    DataPage,
    Problem,
    _count,
    data_page,
    format_value,
    type_label,
)


@dataclass
class FieldView:
    index: int
    name: str
    title: str
    description: str
    kind: str
    profile: dict[str, Any]
    histogram: SafeString | str = ""
    bins: list[tuple[str, str]] = field(default_factory=list)
    top: list[tuple[str, str]] = field(default_factory=list)

    @property
    def type_label(self) -> str:
        return type_label(self.kind)

    def stat(self, key: str) -> str:
        value = self.profile.get(key)
        return "" if value is None else format_value(value, self.kind)

    @property
    def nulls(self) -> str:
        return _count(self.profile.get("nulls"))

    @property
    def distinct(self) -> str:
        return _count(self.profile.get("distinct"))

    @property
    def minimum(self) -> str:
        return self.stat("min")

    @property
    def maximum(self) -> str:
        return self.stat("max")

    @property
    def types(self) -> list[tuple[str, str]]:
        kinds = list(services.EDITABLE_TYPES)
        if self.kind not in kinds:
            kinds.insert(0, self.kind)
        return [(k, type_label(k)) for k in kinds]


def _bound(value: Any, kind: str) -> str:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return charts.format_number(value) if kind in {"integer", "number"} else str(value)
    return str(value)


def field_views(table: Table) -> list[FieldView]:
    profiles = (table.profile or {}).get("fields", {})
    out = []
    for i, f in enumerate(table.fields):
        kind = f["type"]
        profile = profiles.get(f["name"], {})
        view = FieldView(
            i, f["name"], f.get("title", ""), f.get("description", ""), kind, profile
        )  # fmt: skip
        view.top = [
            (format_value(t.get("value"), kind), _count(t.get("count"))) for t in profile.get("top", [])
        ]
        bins = profile.get("histogram") or []
        if bins:
            labels = [f"{_bound(b.get('from'), kind)}–{_bound(b.get('to'), kind)}" for b in bins]
            counts = [b.get("count") or 0 for b in bins]
            view.bins = [(label, _count(n)) for label, n in zip(labels, counts, strict=True)]
            name = f.get("title") or f["name"]
            view.histogram = mark_safe(
                charts.bar_chart(
                    labels,
                    [charts.Series(_("Rows"), [float(n) for n in counts])],
                    title=_("Distribution of %(column)s") % {"column": name},
                    y_label=_("Rows"),
                    width=560,
                    height=240,
                )
            )
        out.append(view)
    return out


def _changes(post: QueryDict, table: Table) -> list[dict[str, Any]]:
    names = [f["name"] for f in table.fields]
    changes = []
    for i, name in enumerate(names):
        if post.get(f"name_{i}") != name:  # the form was made for another version's columns
            raise InvalidInput(
                _("The columns changed while you were editing; please try again."),
                [FieldProblem("fields", _("the form does not match the table's columns"))],
            )
        change: dict[str, Any] = {
            "name": name,
            "title": post.get(f"title_{i}", ""),
            "description": post.get(f"description_{i}", ""),
        }
        if post.get(f"type_{i}"):
            change["type"] = post[f"type_{i}"]
        changes.append(change)
    return changes


@require_http_methods(["GET", "POST"])
@service_errors
def data_dictionary(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    if request.method == "POST":
        return _save_dictionary(request, pk)
    page = data_page(request, pk)
    if isinstance(page, HttpResponse):
        return page
    return render(request, "web/datastore/dictionary.html", _dictionary_context(request, page))


def _dictionary_context(request: HttpRequest, page: DataPage) -> dict[str, Any]:
    context = page.context("dictionary")
    context["fields"] = field_views(page.table)
    context["can_edit"] = page.current and permissions.can_edit_dataset(
        request.user, page.distribution.dataset
    )
    return context


def _save_dictionary(request: HttpRequest, pk: uuid.UUID) -> HttpResponse:
    distribution = distribution_by_id(pk, request.user)
    if not permissions.can_edit_dataset(request.user, distribution.dataset):
        return forbidden(request, _("You cannot edit this dataset's data dictionary."))
    table = queries.table_for(pk, request.user)
    try:
        saved = services.update_dictionary(
            actor=request.user, table=table, fields=_changes(request.POST, table)
        )
    except InvalidInput as exc:
        kept = [t for t in queries.versions(distribution) if t.status == Table.Status.READY]
        page = DataPage(request, distribution, table, kept, queries.latest(distribution))
        context = _dictionary_context(request, page)
        context["problem"] = Problem(exc.message, [f"{p.field}: {p.problem}" for p in exc.problems])
        context["posted"] = request.POST
        return render(request, "web/datastore/dictionary.html", context, status=400)
    if saved.version != table.version:
        messages.success(
            request,
            _("The types were changed: version %(version)s of the data was made.")
            % {"version": saved.version},
        )
    else:
        messages.success(request, _("The data dictionary was saved."))
    return redirect(reverse("web:distribution-data-dictionary", args=[pk]))
