"""The start page and the report form.

One form, several buttons, all server-side so that it works without the script: "Find" searches the
address register, "Use this address" places the pin there, "Send" suggests a category when none is
chosen, shows nearby similar open reports once ("Follow this one instead" or send anyway), and files
the report through the same service as Open311 POST. A photo is cleaned and stored on the first post
that carries it and travels on as ``photo_name``; its GPS position fills an empty location.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import RequestDataTooBig
from django.db import transaction
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods, require_safe

from openingup.core.errors import FieldProblem, InvalidInput
from openingup.reports import addresses, nearby, photos, queries, services, suggest
from openingup.reports.models import Address, Jurisdiction, Service, ServiceRequest
from openingup.reports.services import feedback
from openingup.reports.texts import pick
from openingup.web.problems import apply_problems
from openingup.web.report_forms import ReportForm, question_name
from openingup.web.views.common import service_errors
from openingup.web.views.reports.common import current_jurisdiction, map_context, photo_url


@require_safe
def start(request: HttpRequest) -> HttpResponse:
    jurisdiction = current_jurisdiction()
    offers = [(s.code, pick(s.name) or s.code, pick(s.description)) for s in queries.services()]
    context = {"services": offers, **map_context(jurisdiction)}
    return render(request, "web/reports/start.html", context)


def _render(request: HttpRequest, form: ReportForm, status: int = 200, **extra: Any) -> HttpResponse:
    context = {"form": form, **map_context(form.jurisdiction), **extra}
    return render(request, "web/reports/form.html", context, status=status)


def _as_initial(form_class_fields: dict[str, forms.Field], data: QueryDict) -> dict[str, Any]:
    return {
        name: data.getlist(name) if isinstance(field, forms.MultipleChoiceField) else data.get(name, "")
        for name, field in form_class_fields.items()
        if name in data
    }


def _unbound(data: QueryDict, services_: list[Service], jurisdiction: Jurisdiction | None) -> ReportForm:
    """The form showing what was typed, without judging it yet (address search steps)."""
    empty = ReportForm(services=services_, jurisdiction=jurisdiction)
    return ReportForm(services=services_, jurisdiction=jurisdiction, initial=_as_initial(empty.fields, data))


def _take_photo(request: HttpRequest, data: QueryDict) -> str:
    """Clean and store an uploaded photo; its name goes into ``data``, its position into an empty
    location. Returns the problem to show, or an empty string."""
    upload = request.FILES.get("photo")
    if upload is None:
        return ""
    try:
        photo = photos.read_photo(upload, size=upload.size)
    except photos.PhotoError as exc:
        return str(exc)
    data["photo_name"] = photos.store_photo(photo)
    if photo.lat is not None and not (data.get("lat") or data.get("long")):
        data["lat"], data["long"] = f"{photo.lat:.7f}", f"{photo.long:.7f}"
        messages.info(request, _("The location was taken from your photo. Check it on the map."))
    return ""


def _check(form: ReportForm, service: Service) -> None:
    """The checks the service would make, first, with messages in the visitor's language."""
    d = form.cleaned_data
    box = form.jurisdiction
    if d.get("lat") is None or d.get("long") is None:
        if not d.get("address"):
            form.add_error(
                "lat", _("Place the pin on the map, give the coordinates, or search for an address.")
            )
    elif box is not None and not box.contains(d["lat"], d["long"]):
        form.add_error("lat", _("This spot is outside the municipality. Choose a spot inside it."))
    for attribute in service.attributes.all():
        name = question_name(service, attribute)
        if attribute.variable and attribute.required and d.get(name) in (None, "", []):
            form.add_error(name, _("Answer this question."))


def _field_of(problem: FieldProblem, service: Service) -> FieldProblem:
    name = problem.field
    if name.startswith("attribute[") and name.endswith("]"):
        name = f"q_{service.code}_{name[10:-1]}"
    name = {"address_string": "address", "media_url": "photo", "service_code": "service"}.get(name, name)
    return FieldProblem(name, problem.problem)


def _choose_service(request: HttpRequest, form: ReportForm) -> tuple[Service | None, bool]:
    """The chosen service, else the one suggested from the description (and True: to be confirmed)."""
    by_code = {s.code: s for s in form.services}
    chosen = form.cleaned_data.get("service")
    if chosen:
        return by_code.get(chosen), False
    language = translation.get_language() or "en"
    for code, _confidence in suggest.suggest_services(form.cleaned_data["description"], language):
        if code in by_code:
            messages.info(
                request,
                _(
                    "We think your report is about “%(name)s”. Check the category and its questions, "
                    "then send the report."
                )
                % {"name": pick(by_code[code].name) or code},
            )
            return by_code[code], True
    form.add_error("service", _("We could not tell the category from your description; choose one."))
    return None, False


def _number(value: object) -> int:
    """A row id from a button's value; 0 (no row) for anything else."""
    text = value if isinstance(value, str) else ""
    return int(text) if text.isdigit() and len(text) < 19 else 0


def _follow(request: HttpRequest, data: QueryDict, form: ReportForm) -> HttpResponse | None:
    target = ServiceRequest.objects.filter(pk=_number(data.get("follow"))).first()
    try:
        email = forms.EmailField().clean(data.get("email", ""))
    except forms.ValidationError:
        form.add_error("email", _("Give your e-mail address to follow a report."))
        return None
    if target is None:
        form.add_error(None, _("That report no longer exists."))
        return None
    try:
        follower = feedback.follow_request(
            actor=None, request=target, email=email, language=translation.get_language() or ""
        )
    except InvalidInput:
        form.add_error(None, _("That report is closed and can no longer be followed."))
        return None
    return redirect("web:report-following", token=follower.token)


def _file(request: HttpRequest, form: ReportForm, service: Service) -> HttpResponse | None:
    name = form.cleaned_data.get("photo_name", "")
    filing = form.filing(service, photo_url(name) if name else "")
    actor = request.user if request.user.is_authenticated else None
    try:
        with transaction.atomic():
            filed = services.file_request(actor=actor, filing=filing)
            if filing.contact.get("email"):
                feedback.follow_request(
                    actor=actor,
                    request=filed,
                    email=filing.contact["email"],
                    language=translation.get_language() or "",
                    is_reporter=True,
                )
    except InvalidInput as exc:
        apply_problems(form, [_field_of(p, service) for p in exc.problems], exc.message)
        return None
    return redirect("web:report-done", token=filed.token)


@never_cache
@require_http_methods(["GET", "HEAD", "POST"])
@service_errors
def new(request: HttpRequest) -> HttpResponse:
    services_ = list(queries.services())
    jurisdiction = current_jurisdiction()
    if request.method != "POST":
        initial = {"service": request.GET.get("service", "")}
        return _render(request, ReportForm(services=services_, jurisdiction=jurisdiction, initial=initial))
    try:
        data = request.POST.copy()
    except RequestDataTooBig:
        message = _("The report is too large to send. Shorten the description and add at most one photo.")
        return render(request, "web/reports/too_large.html", {"message": message}, status=413)
    photo_problem = _take_photo(request, data)
    if "find_address" in data or "use_address" in data:
        found: list[addresses.Found] = []
        if "use_address" in data:
            picked = Address.objects.filter(pk=_number(data.get("use_address"))).first()
            if picked is not None:
                data["lat"], data["long"], data["address"] = (
                    f"{picked.lat:.7f}",
                    f"{picked.long:.7f}",
                    picked.label(),
                )
        else:
            found = addresses.search_addresses(data.get("address", ""))
        form = _unbound(data, services_, jurisdiction)
        return _render(
            request, form, found=found, searched="find_address" in data, photo_problem=photo_problem
        )
    form = ReportForm(data, services=services_, jurisdiction=jurisdiction)
    valid = form.is_valid()
    if photo_problem:
        form.add_error("photo", photo_problem)
        valid = False
    if "follow" in data:
        answer = _follow(request, data, form)
        if answer is not None:
            return answer
        valid = False
    service, suggested = _choose_service(request, form) if valid else (None, False)
    if service is not None:
        data["service"] = service.code
        form = ReportForm(data, services=services_, jurisdiction=jurisdiction)
        form.is_valid()
        if suggested:
            return _render(request, form)
        _check(form, service)
    if service is None or form.errors:
        return _render(request, form, status=400 if form.errors else 200)
    d = form.cleaned_data
    similar = []
    seen = f"{service.code}@{d.get('lat')},{d.get('long')}"
    if d.get("lat") is not None and d.get("confirmed") != seen:
        similar = nearby.similar_open_requests(service_code=service.code, lat=d["lat"], long=d["long"])
    if similar:
        data["confirmed"] = seen
        form = ReportForm(data, services=services_, jurisdiction=jurisdiction)
        form.is_valid()
        return _render(request, form, similar=similar)
    answer = _file(request, form, service)
    return answer if answer is not None else _render(request, form, status=400)
