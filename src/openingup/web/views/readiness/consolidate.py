"""Consolidation for the coordinator: the respondents' answers side by side, per question the answer to
keep (by default the most common, the median for scales and numbers), then submission, which scores the
consolidated answers once and freezes the result."""

from __future__ import annotations

from typing import Any

from django.contrib import messages as flash
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from openingup.core.errors import Conflict, InvalidInput
from openingup.readiness import permissions, queries, services
from openingup.readiness.instruments import Question
from openingup.readiness.models import Assessment
from openingup.web.views.common import service_errors
from openingup.web.views.readiness.common import instrument_of, require, text, visible_assessment

AUTOMATIC = ""


def answer_text(question: Question, answer: dict[str, Any] | None) -> str:
    """An answer as people read it: option labels, a scale point, yes or no, a number, a document."""
    if not answer or (answer.get("value") is None and not answer.get("na")):
        return _("Not answered")
    if answer.get("na"):
        return _("Not applicable")
    value = answer["value"]
    if question.type in ("single", "multiple"):
        keys = value if isinstance(value, list) else [value]
        labels = [text(o.label) for o in question.options if o.key in keys]
        return "; ".join(labels) or _("None of these")
    if question.type in ("yesno", "evidence"):
        if question.type == "evidence":
            return _("Document uploaded") if value else _("No document")
        return _("Yes") if value else _("No")
    return f"{value:g}" if isinstance(value, float) else str(value)


def _same(a: dict[str, Any] | None, b: dict[str, Any] | None) -> bool:
    a, b = a or {}, b or {}
    return (a.get("value"), bool(a.get("na"))) == (b.get("value"), bool(b.get("na")))


def _rows(assessment: Assessment, respondents: list[Any]) -> list[dict[str, Any]]:
    """Per driver, per question: each respondent's answer, the choices and the consolidated answer."""
    inst = instrument_of(assessment)
    groups = []
    for _path, driver in inst.drivers():
        questions = []
        for q in driver.questions:
            given = [r.answers.get(q.key) for r in respondents]
            current = assessment.answers.get(q.key) if assessment.consolidated_at else None
            choices: list[dict[str, Any]] = []
            seen: list[dict[str, Any]] = []
            for index, answer in enumerate(given):
                if not answer or any(_same(answer, s) for s in seen):
                    continue
                seen.append(answer)
                choices.append({
                    "value": f"r{index}",
                    "label": answer_text(q, answer),
                    "selected": bool(current and current.get("chosen") and _same(current, answer)),
                })  # fmt: skip
            questions.append({
                "question": q,
                "text": text(q.text),
                "answers": [answer_text(q, a) for a in given],
                "agree": len(seen) <= 1,
                "choices": choices,
                "consolidated": answer_text(q, current) if current else "",
            })  # fmt: skip
        groups.append({"title": text(driver.title), "questions": questions})
    return groups


def _choices(request: HttpRequest, assessment: Assessment, respondents: list[Any]) -> dict[str, Any]:
    """The coordinator's picks ``{question_key: a respondent's answer}``; automatic ones left out."""
    found = {}
    for q in instrument_of(assessment).questions():
        picked = request.POST.get(f"choice-{q.key}", AUTOMATIC)
        index = int(picked[1:]) if picked.startswith("r") and picked[1:].isdigit() else -1
        if 0 <= index < len(respondents) and respondents[index].answers.get(q.key):
            answer = respondents[index].answers[q.key]
            found[q.key] = {"value": answer.get("value"), "na": bool(answer.get("na")),
                            "override_reason": answer.get("override_reason", "")}  # fmt: skip
    return found


@login_required
@require_http_methods(["GET", "HEAD", "POST"])
@service_errors
def consolidate(request: HttpRequest, pk: Any) -> HttpResponse:
    assessment = visible_assessment(request, pk)
    if assessment.status == Assessment.Status.SUBMITTED:
        return redirect("web:readiness-result", pk=assessment.pk)
    require(permissions.can_coordinate_assessment(request.user, assessment))
    respondents = list(queries.responses(assessment))
    problem = ""
    if request.method == "POST":
        try:
            services.consolidate(
                actor=request.user, assessment=assessment, choices=_choices(request, assessment, respondents)
            )
            if request.POST.get("action") == "submit":
                services.submit(actor=request.user, assessment=assessment)
                flash.success(request, _("The assessment was submitted. Its result is kept as it is now."))
                return redirect("web:readiness-result", pk=assessment.pk)
            flash.success(request, _("The consolidated answers were saved."))
            return redirect("web:readiness-consolidate", pk=assessment.pk)
        except (InvalidInput, Conflict) as exc:
            problem = str(exc)
    inst = instrument_of(assessment)
    context = {
        "assessment": assessment,
        "instrument_title": text(inst.title),
        "respondents": [
            {"name": r.respondent.get_full_name() or r.respondent.get_username(), "completed": r.completed}
            for r in respondents
        ],
        "groups": _rows(assessment, respondents),
        "problem": problem,
    }
    return render(request, "web/readiness/consolidate.html", context, status=400 if problem else 200)
