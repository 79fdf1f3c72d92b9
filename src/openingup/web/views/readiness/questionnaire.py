"""The resumable questionnaire: one driver per page, a progress bar, every question type (choices,
scale, yes/no, number, evidence upload, not applicable), prefilled evidence with its source and date
and a reason to override it. Each save keeps the answers; the respondent can continue later."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from openingup.core.errors import FieldProblem, InvalidInput
from openingup.readiness import permissions, queries, services
from openingup.readiness.instruments import Driver, Instrument, Question
from openingup.readiness.models import Assessment, EvidenceFile
from openingup.web.views.common import service_errors
from openingup.web.views.readiness.common import instrument_of, require, text, visible_assessment


@dataclass
class Item:
    """One question on the page with the respondent's answer, evidence, files and any problem."""

    question: Question
    answer: dict[str, Any]
    files: list[EvidenceFile] = field(default_factory=list)
    problem: str = ""

    @property
    def key(self) -> str:
        return self.question.key

    @property
    def text(self) -> str:
        return text(self.question.text)

    @property
    def help(self) -> str:
        return text(self.question.help) if self.question.help else ""

    @property
    def value(self) -> Any:
        return self.answer.get("value")

    @property
    def na(self) -> bool:
        return bool(self.answer.get("na"))

    @property
    def evidence(self) -> dict[str, Any] | None:
        found = self.answer.get("evidence")
        return found if isinstance(found, dict) else None

    @property
    def evidence_source(self) -> str:
        """The platform figure's source, named for people: the context's page, and the query."""
        found = self.evidence or {}
        context = str(found.get("indicator", "")).split(".", 1)[0]
        names = {
            "catalogue": _("Data catalogue"),
            "quality": _("Metadata quality"),
            "social": _("Social media"),
            "reports": _("Citizen reports"),
        }
        return f"{names.get(context, context)} ({found.get('source', '')})"

    @property
    def anchor(self) -> str:
        """The id of the question's first input, where the error summary links to."""
        name = f"q-{self.key}"
        if self.question.type == "number":
            return f"{name}-value"
        if self.question.type == "evidence":
            return f"{name}-file"
        return f"{name}-1"

    @property
    def override_reason(self) -> str:
        return str(self.answer.get("override_reason") or "")

    def options(self) -> list[dict[str, Any]]:
        """The choices to show: options, scale points or yes/no, each with whether it is chosen."""
        q = self.question
        if q.type in ("single", "multiple"):
            chosen = self.value if isinstance(self.value, list) else [self.value]
            return [{"value": o.key, "label": text(o.label), "checked": o.key in chosen} for o in q.options]
        if q.type == "scale":
            scale = q.scale or {}
            labels = scale.get("labels") or {}
            points = range(scale.get("min", 0), scale.get("max", 0) + 1)
            named = {v: f"{v} – {text(labels[str(v)])}" if str(v) in labels else str(v) for v in points}
            return [{"value": str(v), "label": named[v], "checked": self.value == v} for v in points]
        if q.type == "yesno":
            return [
                {"value": "yes", "label": _("Yes"), "checked": self.value is True},
                {"value": "no", "label": _("No"), "checked": self.value is False},
            ]
        return []

    def evidence_value(self) -> str:
        """The prefilled figure as people read it: shares as percentages, others as numbers."""
        found = self.evidence or {}
        value = found.get("value")
        if not isinstance(value, int | float):
            return ""
        if str(found.get("indicator", "")).endswith("_enabled"):
            return _("Yes") if value else _("No")
        if str(found.get("indicator", "")).endswith("_share"):
            return f"{value * 100:.0f}%"
        return f"{value:g}"


def _page_of(inst: Instrument, raw: str | None) -> int:
    drivers = inst.drivers()
    number = int(raw) if raw and raw.isdigit() else 1
    return min(max(number, 1), len(drivers))


def _items(assessment: Assessment, driver: Driver, answers: dict[str, Any]) -> list[Item]:
    files: dict[str, list[EvidenceFile]] = {}
    for row in EvidenceFile.objects.filter(assessment=assessment).order_by("uploaded_at"):
        files.setdefault(row.question_key, []).append(row)
    return [Item(q, dict(answers.get(q.key) or {}), files.get(q.key, [])) for q in driver.questions]


def _parse(question: Question, post: Any) -> Any:
    """The answer value posted for a question (None: not answered); InvalidInput if unreadable."""
    name = f"q-{question.key}"
    if question.type == "multiple":
        return post.getlist(name) or None
    raw = post.get(name, "").strip()
    if not raw:
        return None
    if question.type == "yesno":
        return {"yes": True, "no": False}.get(raw)
    if question.type == "scale":
        if not raw.lstrip("-").isdigit():
            raise InvalidInput(
                _("Some answers are not valid."), [FieldProblem(question.key, _("choose a point"))]
            )
        return int(raw)
    if question.type == "number":
        try:
            number = float(raw.replace(",", ".").replace(" ", ""))
        except ValueError:
            raise InvalidInput(
                _("Some answers are not valid."), [FieldProblem(question.key, _("give a number"))]
            ) from None
        return int(number) if number.is_integer() else number
    if question.type == "evidence":
        return None
    return raw


def _posted_answers(request: HttpRequest, items: list[Item]) -> tuple[dict[str, Any], list[FieldProblem]]:
    answers: dict[str, Any] = {}
    problems: list[FieldProblem] = []
    for item in items:
        q = item.question
        na = q.allow_na and request.POST.get(f"q-{q.key}-na") == "1"
        try:
            value = None if na else _parse(q, request.POST)
        except InvalidInput as exc:
            problems += exc.problems
            continue
        if q.type == "evidence":
            # An uploaded document answers it; n/a (or no document left) clears it.
            if (na or not item.files) and (na or item.value is not None):
                answers[q.key] = {"value": None, "na": na}
            continue
        reason = request.POST.get(f"q-{q.key}-reason", "").strip()
        if value is None and not na and item.value is None and not item.na:
            continue  # still unanswered: nothing to save
        answers[q.key] = {"value": value, "na": na, "override_reason": reason}
    return answers, problems


def _upload(request: HttpRequest, assessment: Assessment, items: list[Item]) -> list[FieldProblem]:
    problems = []
    for item in items:
        upload = request.FILES.get(f"q-{item.key}-file")
        if item.question.type != "evidence" or upload is None:
            continue
        try:
            services.add_evidence_file(
                actor=request.user, assessment=assessment, question_key=item.key, file=upload
            )
        except InvalidInput as exc:
            problems += [FieldProblem(item.key, p.problem) for p in exc.problems] or [
                FieldProblem(item.key, exc.message)
            ]
    return problems


def _target(request: HttpRequest, assessment: Assessment, page: int, pages: int) -> str:
    go = request.POST.get("go", "stay")
    base = reverse("web:readiness-questionnaire", kwargs={"pk": assessment.pk})
    if go == "next" and page < pages:
        return f"{base}?page={page + 1}"
    if go == "previous" and page > 1:
        return f"{base}?page={page - 1}"
    if go == "next":  # the last page: on to consolidation (coordinator) or the overview
        if permissions.can_coordinate_assessment(request.user, assessment):
            return reverse("web:readiness-consolidate", kwargs={"pk": assessment.pk})
        return reverse("web:readiness")
    return f"{base}?page={page}"


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@service_errors
def questionnaire(request: HttpRequest, pk: Any) -> HttpResponse:
    assessment = visible_assessment(request, pk)
    if assessment.status == Assessment.Status.SUBMITTED:
        return redirect("web:readiness-result", pk=assessment.pk)
    require(permissions.can_answer_assessment(request.user, assessment))
    inst = instrument_of(assessment)
    drivers = inst.drivers()
    page = _page_of(inst, request.GET.get("page"))
    path, driver = drivers[page - 1]
    response = queries.response_of(assessment, request.user)
    items = _items(assessment, driver, response.answers if response else {})
    status, general = 200, []
    if request.method == "POST":
        problems = _upload(request, assessment, items)
        response = queries.response_of(assessment, request.user)
        items = _items(assessment, driver, response.answers if response else {})
        answers, parse_problems = _posted_answers(request, items)
        problems += parse_problems
        if not problems:
            try:
                services.save_answers(actor=request.user, assessment=assessment, answers=answers)
            except InvalidInput as exc:
                problems = exc.problems or [FieldProblem("", exc.message)]
        if not problems:
            flash.success(request, _("Your answers were saved. You can continue later where you left off."))
            return redirect(_target(request, assessment, page, len(drivers)))
        by_key = {p.field: p.problem for p in problems}
        general = [("main-form", p.problem) for p in problems if p.field not in {i.key for i in items}]
        for item in items:
            item.problem = by_key.get(item.key, "")
            if item.key in answers:  # show what was sent, not what was stored
                item.answer = {**item.answer, **answers[item.key]}
        status = 400
    answered, total = queries.progress(assessment, request.user)
    context = {
        "assessment": assessment,
        "instrument": inst,
        "instrument_title": text(inst.title),
        "driver": driver,
        "driver_title": text(driver.title),
        "driver_description": text(driver.description),
        "dimension_title": _dimension_title(inst, path),
        "items": items,
        "page": page,
        "pages": len(drivers),
        "steps": [{"number": i + 1, "title": text(d.title)} for i, (_p, d) in enumerate(drivers)],
        "answered": answered,
        "total": total,
        "percent": round(100 * answered / total) if total else 0,
        "problems": general + [(i.anchor, f"{i.text}: {i.problem}") for i in items if i.problem],
        "has_evidence": any(q.evidence for q in inst.questions()),
        "can_coordinate": permissions.can_coordinate_assessment(request.user, assessment),
    }
    return render(request, "web/readiness/questionnaire.html", context, status=status)


def _dimension_title(inst: Instrument, path: str) -> str:
    measure_key, dimension_key, _driver = path.split("/")
    for m in inst.measures:
        for d in m.dimensions:
            if m.key == measure_key and d.key == dimension_key:
                return f"{text(m.title)} · {text(d.title)}"
    return ""


@login_required
@require_POST
@service_errors
def prefill(request: HttpRequest, pk: Any) -> HttpResponse:
    """Answer the questions the platform has evidence for, then show the page the respondent was on."""
    assessment = visible_assessment(request, pk)
    services.prefill(actor=request.user, assessment=assessment)
    flash.success(
        request, _("The answers the platform can measure were filled in, with their source and date.")
    )
    page = request.POST.get("page", "1")
    base = reverse("web:readiness-questionnaire", kwargs={"pk": assessment.pk})
    return redirect(f"{base}?page={page if page.isdigit() else 1}")
