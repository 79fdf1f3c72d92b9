"""The only writers of the readiness context: assessments, answers, consolidation, submission, profiles
and benchmark imports.

Every service takes the acting user first (keyword-only), checks its permission, writes in one
transaction and publishes its event after commit. Submission scores the consolidated answers on the
instrument version the assessment was started on and freezes the result: nothing rewrites it later.
"""

from __future__ import annotations

import logging
import re
import statistics
from collections import Counter
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import IntegrityError, transaction
from django.utils import timezone

from openingup.core.errors import Conflict, FieldProblem, InvalidInput, NotFound, PermissionDenied
from openingup.core.events import publish
from openingup.organisations.models import Organisation
from openingup.readiness import events, evidence, permissions
from openingup.readiness.instruments import Instrument, Question, instrument
from openingup.readiness.models import (
    Assessment,
    BenchmarkEntry,
    EvidenceFile,
    ReadinessProfile,
    Response,
    Result,
)
from openingup.readiness.scoring import AnswerError, check_answer, score

log = logging.getLogger(__name__)
COUNTRY = re.compile(r"^[A-Z]{2}$")
MAX_EVIDENCE_BYTES = 20 * 1024 * 1024


def instrument_of(assessment: Assessment) -> Instrument:
    """The instrument version the assessment was started on."""
    try:
        return instrument(assessment.instrument_id, assessment.instrument_version)
    except LookupError as exc:
        raise NotFound(str(exc)) from exc


def _is_answered(answer: dict[str, Any] | None) -> bool:
    return bool(answer) and (bool(answer.get("na")) or answer.get("value") is not None)  # type: ignore[union-attr]


def start_assessment(
    *,
    actor: Any,
    organisation: Organisation,
    instrument_id: str,
    version: str | None = None,
    year: int | None = None,
) -> Assessment:
    """Open an assessment of the organisation on an instrument (its latest version unless given).

    Raises NotFound for an unknown instrument or version, InvalidInput for a year outside 2000–2100 and
    Conflict when the organisation already has an assessment on this instrument for that year.
    """
    if not permissions.can_start_assessment(actor, organisation):
        raise PermissionDenied()
    try:
        chosen = instrument(instrument_id, version)
    except LookupError as exc:
        raise NotFound(str(exc)) from exc
    year = year if year is not None else timezone.localdate().year
    if isinstance(year, bool) or not isinstance(year, int) or not 2000 <= year <= 2100:
        raise InvalidInput("Invalid year.", [FieldProblem("year", "must be a year from 2000 to 2100")])
    try:
        with transaction.atomic():
            assessment = Assessment.objects.create(
                organisation=organisation,
                instrument_id=chosen.id,
                instrument_version=chosen.version,
                year=year,
                created_by=actor if getattr(actor, "pk", None) else None,
            )
            publish(
                events.ASSESSMENT_STARTED,
                assessment_id=str(assessment.pk),
                organisation_id=str(organisation.pk),
            )
    except IntegrityError as exc:
        raise Conflict(f"{organisation.slug} already has a {chosen.id} assessment for {year}.") from exc
    return assessment


def _clean(
    item: Any, question: Question | None, key: str, previous: dict[str, Any] | None, files: set[str]
) -> tuple[dict[str, Any] | None, list[FieldProblem]]:
    """One respondent answer checked against its question (None: cleared); problems name the key."""
    if question is None:
        return None, [FieldProblem(key, "is not a question of this instrument")]
    if not isinstance(item, dict):
        return None, [FieldProblem(key, 'must be an object {"value": ..., "na": ...}')]
    value, na = item.get("value"), bool(item.get("na", False))
    reason = str(item.get("override_reason") or "").strip()
    try:
        check_answer(question, None if na else value, na)
    except AnswerError as exc:
        return None, [FieldProblem(key, str(exc).split(": ", 1)[-1])]
    if question.type == "evidence" and value is True and key not in files:
        return None, [FieldProblem(key, "upload a document first")]
    if not na and value is None:
        return None, []
    found = (previous or {}).get("evidence")
    if found is not None:
        prefilled = evidence.answer_for(question, found["value"])
        if (na or value != prefilled) and not reason:
            return None, [FieldProblem(key, "differs from the platform's evidence: give a reason")]
        if not na and value == prefilled:
            reason = ""
    answer = {"value": None if na else value, "na": na, "evidence": found, "override_reason": reason}
    return answer, []


def _completed(inst: Instrument, answers: dict[str, Any]) -> bool:
    return all(_is_answered(answers.get(q.key)) for q in inst.questions())


def _response_for(actor: Any, assessment: Assessment) -> Response:
    response, _created = Response.objects.select_for_update().get_or_create(
        assessment=assessment, respondent=actor
    )
    return response


def save_answers(*, actor: Any, assessment: Assessment, answers: dict[str, Any]) -> Response:
    """Merge answers ``{question_key: {"value", "na", "override_reason"}}`` into the actor's response.

    Partial saves are allowed (the questionnaire is resumable); ``{"value": null}`` clears an answer.
    Changing a prefilled answer needs an ``override_reason``. Nothing is saved if any answer is invalid:
    InvalidInput lists each problem by question key.
    """
    if not permissions.can_answer_assessment(actor, assessment):
        raise PermissionDenied()
    if not isinstance(answers, dict):
        raise InvalidInput("Answers must be an object keyed by question.")
    inst = instrument_of(assessment)
    files = set(EvidenceFile.objects.filter(assessment=assessment).values_list("question_key", flat=True))
    with transaction.atomic():
        response = _response_for(actor, assessment)
        merged = dict(response.answers)
        problems: list[FieldProblem] = []
        for key, item in answers.items():
            cleaned, found = _clean(item, inst.question(str(key)), str(key), merged.get(key), files)
            problems += found
            if found:
                continue
            if cleaned is None:
                previous = merged.pop(key, None)
                if previous and previous.get("evidence"):  # keep the evidence, drop the answer
                    merged[key] = {**previous, "value": None, "na": False, "override_reason": ""}
            else:
                merged[key] = cleaned
        if problems:
            raise InvalidInput("Some answers are not valid.", problems)
        response.answers = merged
        response.completed = _completed(inst, merged)
        response.save()
        publish(events.ANSWERS_SAVED, assessment_id=str(assessment.pk), respondent_id=str(actor.pk))
    return response


def prefill(*, actor: Any, assessment: Assessment) -> Response:
    """Answer the actor's questions that have platform evidence, recording indicator, value, source and
    date. An answer the respondent gave or overrode is kept (its evidence record is refreshed); an
    indicator with nothing to measure leaves its question as it was."""
    if not permissions.can_answer_assessment(actor, assessment):
        raise PermissionDenied()
    inst = instrument_of(assessment)
    today = timezone.localdate()
    figures = {}
    for question in inst.questions():
        if question.evidence:
            try:
                figures[question.key] = evidence.indicator(
                    question.evidence["indicator"], assessment.organisation, today
                )
            except Exception:  # one failing measurement must not keep the others from being used
                log.exception("readiness evidence %s failed", question.evidence["indicator"])
    with transaction.atomic():
        response = _response_for(actor, assessment)
        merged = dict(response.answers)
        for question in inst.questions():
            figure = figures.get(question.key)
            if figure is None:
                continue
            current = merged.get(question.key) or {}
            record = figure.as_json()
            if _is_answered(current) and (current.get("override_reason") or not current.get("evidence")):
                if current.get("override_reason"):
                    merged[question.key] = {**current, "evidence": record}
                continue
            value = evidence.answer_for(question, figure.value)
            merged[question.key] = {"value": value, "na": False, "evidence": record, "override_reason": ""}
        response.answers = merged
        response.completed = _completed(inst, merged)
        response.save()
        publish(events.ANSWERS_SAVED, assessment_id=str(assessment.pk), respondent_id=str(actor.pk))
    return response


def add_evidence_file(
    *, actor: Any, assessment: Assessment, question_key: str, file: UploadedFile
) -> EvidenceFile:
    """Store a document answering an "evidence" question and answer it yes in the actor's response."""
    if not permissions.can_answer_assessment(actor, assessment):
        raise PermissionDenied()
    question = instrument_of(assessment).question(question_key)
    if question is None or question.type != "evidence":
        raise InvalidInput(
            "Not an evidence question.", [FieldProblem("question_key", "is not an evidence question")]
        )
    if not file.size:
        raise InvalidInput("The file is empty.", [FieldProblem("file", "is empty")])
    if file.size > MAX_EVIDENCE_BYTES:
        raise InvalidInput("The file is too large.", [FieldProblem("file", "is larger than 20 MB")])
    with transaction.atomic():
        row = EvidenceFile(
            assessment=assessment, question_key=question_key, name=(file.name or "")[:300], uploaded_by=actor
        )
        row.file.save(file.name or "evidence", file, save=True)
        response = _response_for(actor, assessment)
        response.answers = {
            **response.answers,
            question_key: {"value": True, "na": False, "evidence": None, "override_reason": ""},
        }
        response.completed = _completed(instrument_of(assessment), response.answers)
        response.save()
        publish(events.ANSWERS_SAVED, assessment_id=str(assessment.pk), respondent_id=str(actor.pk))
    return row


def _default_answer(question: Question, given: list[dict[str, Any]], has_file: bool) -> dict[str, Any] | None:
    """The consolidated answer of several respondents: the most common choice, the median of scales and
    numbers, the options a majority ticked; n/a when most respondents said so."""
    answered = [a for a in given if _is_answered(a)]
    if question.type == "evidence":
        return {"value": has_file, "na": False}
    if not answered:
        return None
    nas = sum(1 for a in answered if a.get("na"))
    if nas * 2 > len(answered):
        return {"value": None, "na": True}
    values = [a["value"] for a in answered if not a.get("na")]
    if question.type == "single":
        counts = Counter(values)
        scores = {o.key: o.score for o in question.options}
        value: Any = max(counts, key=lambda k: (counts[k], -scores.get(k, 0)))  # a tie takes the lower score
    elif question.type == "multiple":
        ticked = Counter(k for v in values for k in v)
        value = [o.key for o in question.options if ticked[o.key] * 2 >= len(values)]
    elif question.type == "yesno":
        value = sum(1 for v in values if v) * 2 > len(values)  # a tie is "no"
    elif question.type == "scale":
        value = int(statistics.median_low(values))
    else:
        value = statistics.median(values)
    return {"value": value, "na": False}


def consolidate(
    *, actor: Any, assessment: Assessment, choices: dict[str, Any] | None = None
) -> dict[str, Any]:
    """Combine the respondents' answers into the assessment's answers and return them.

    By default each question takes the respondents' most common answer (median for scales and numbers);
    ``choices`` ``{question_key: {"value", "na"}}`` are the coordinator's own decisions and win. A
    consolidated answer equal to a prefilled value keeps its evidence record; respondents' override
    reasons are kept with it.
    """
    if not permissions.can_consolidate_assessment(actor, assessment):
        raise PermissionDenied()
    inst = instrument_of(assessment)
    choices = choices or {}
    if not isinstance(choices, dict):
        raise InvalidInput("Choices must be an object keyed by question.")
    responses = list(Response.objects.filter(assessment=assessment).order_by("pk"))
    files = set(EvidenceFile.objects.filter(assessment=assessment).values_list("question_key", flat=True))
    problems: list[FieldProblem] = []
    result: dict[str, Any] = {}
    for question in inst.questions():
        given = [r.answers.get(question.key) or {} for r in responses]
        if question.key in choices:
            cleaned, found = _clean(choices[question.key], question, question.key, None, files)
            problems += found
            chosen = {"value": cleaned["value"], "na": cleaned["na"]} if cleaned else None
        else:
            chosen = _default_answer(question, given, question.key in files)
        if chosen is None:
            continue
        records = [a["evidence"] for a in given if a.get("evidence")]
        record = max(records, key=lambda e: e.get("date", "")) if records else None
        if record is not None and evidence.answer_for(question, record["value"]) != chosen["value"]:
            reasons = sorted({a["override_reason"] for a in given if a.get("override_reason")})
            chosen["override_reason"] = "; ".join(reasons) or "chosen by the coordinator"
        result[question.key] = {
            **chosen,
            "evidence": record,
            "override_reason": chosen.get("override_reason", ""),
            "respondents": sum(1 for a in given if _is_answered(a)),
            "chosen": question.key in choices,
        }
    unknown = sorted(set(choices) - {q.key for q in inst.questions()})
    problems += [FieldProblem(k, "is not a question of this instrument") for k in unknown]
    if problems:
        raise InvalidInput("Some choices are not valid.", problems)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status != Assessment.Status.OPEN:
            raise Conflict("The assessment has been submitted.")
        locked.answers = result
        locked.consolidated_at = timezone.now()
        locked.save(update_fields=["answers", "consolidated_at"])
        publish(events.ASSESSMENT_CONSOLIDATED, assessment_id=str(assessment.pk))
    assessment.answers, assessment.consolidated_at = locked.answers, locked.consolidated_at
    return result


def _changed_since_consolidation(assessment: Assessment) -> bool:
    since = assessment.consolidated_at
    return (
        Response.objects.filter(assessment=assessment, updated_at__gt=since).exists()
        or EvidenceFile.objects.filter(assessment=assessment, uploaded_at__gt=since).exists()
    )


def submit(*, actor: Any, assessment: Assessment) -> Result:
    """Score the consolidated answers and freeze the result; the organisation's profile places it in the
    benchmark as an anonymised local entry.

    Without a consolidation the default one is made first; when answers or documents changed after the
    last one, it is made again, keeping the coordinator's own choices.
    """
    if not permissions.can_submit_assessment(actor, assessment):
        raise PermissionDenied()
    inst = instrument_of(assessment)
    if assessment.consolidated_at is None:
        consolidate(actor=actor, assessment=assessment)
    elif _changed_since_consolidation(assessment):
        kept = {k: {"value": a.get("value"), "na": a.get("na", False)} for k, a in assessment.answers.items()
                if a.get("chosen")}  # fmt: skip
        consolidate(actor=actor, assessment=assessment, choices=kept)
    with transaction.atomic():
        locked = Assessment.objects.select_for_update().get(pk=assessment.pk)
        if locked.status != Assessment.Status.OPEN:
            raise Conflict("The assessment has already been submitted.")
        tree = score(inst, locked.answers)
        now = timezone.now()
        result = Result.objects.create(
            assessment=locked,
            instrument_id=inst.id,
            instrument_version=inst.version,
            overall=tree.overall,
            level=tree.level or "",
            tree=tree.as_dict(),
            answers=locked.answers,
            computed_at=now,
        )
        profile = ReadinessProfile.objects.filter(organisation_id=locked.organisation_id).first()
        BenchmarkEntry.objects.create(
            origin=BenchmarkEntry.LOCAL,
            result=result,
            instrument_id=inst.id,
            instrument_version=inst.version,
            year=locked.year,
            country=profile.country if profile else "",
            size_band=profile.size_band if profile else "",
            overall=tree.overall,
            level=tree.level or "",
            tree=tree.as_dict(),
        )
        locked.status = Assessment.Status.SUBMITTED
        locked.submitted_at = now
        locked.save(update_fields=["status", "submitted_at"])
        publish(
            events.ASSESSMENT_SUBMITTED,
            assessment_id=str(locked.pk),
            organisation_id=str(locked.organisation_id),
            result_id=result.pk,
        )
    assessment.status, assessment.submitted_at = locked.status, locked.submitted_at
    return result


def set_profile(
    *, actor: Any, organisation: Organisation, country: str, population: int | None
) -> ReadinessProfile:
    """Set the organisation's country (ISO 3166-1 alpha-2) and population (None: unknown)."""
    if not permissions.can_set_profile(actor, organisation):
        raise PermissionDenied()
    code = str(country or "").strip().upper()
    problems = []
    if not COUNTRY.match(code):
        problems.append(FieldProblem("country", "must be a two-letter ISO 3166-1 code"))
    if population is not None and (
        isinstance(population, bool) or not isinstance(population, int) or population < 0
    ):
        problems.append(FieldProblem("population", "must be a whole number of at least 0"))
    if problems:
        raise InvalidInput("Invalid profile.", problems)
    with transaction.atomic():
        profile, _created = ReadinessProfile.objects.update_or_create(
            organisation=organisation, defaults={"country": code, "population": population}
        )
        publish(events.PROFILE_SET, organisation_id=str(organisation.pk))
    return profile


def import_benchmark(*, actor: Any, payload: bytes, origin: str) -> int:
    """Import another instance's benchmark file (JSON or CSV, see docs/readiness.md) under ``origin``.

    All or nothing: any invalid entry raises InvalidInput naming it and nothing is stored. Entries
    already imported from the origin are replaced by their new version; returns how many were read.
    ``actor`` None is the system (the command line).
    """
    from openingup.readiness import exchange

    if actor is not None and not permissions.can_import_benchmark(actor):
        raise PermissionDenied()
    entries = exchange.parse_benchmark(payload)
    clean_origin = exchange.check_origin(origin)
    with transaction.atomic():
        for item in entries:
            BenchmarkEntry.objects.update_or_create(
                origin=clean_origin, entry=item.pop("entry"), defaults=item
            )
        publish(events.BENCHMARK_IMPORTED, origin=clean_origin, count=len(entries))
    return len(entries)
