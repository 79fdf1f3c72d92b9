"""What the readiness pages share: finding an assessment the user may see, instrument texts in the
active language, and a stored result presented as score lines, a radar against a cohort, strengths,
weaknesses and recommendations (the same data for the page, its JSON twin and the PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.http import HttpRequest
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from openingup.core.errors import NotFound, PermissionDenied
from openingup.readiness import permissions, queries
from openingup.readiness.charts import Series, history_chart, radar_chart
from openingup.readiness.instruments import Instrument, instrument
from openingup.readiness.models import SIZE_BANDS, Assessment, Result
from openingup.web.presentation import pick

COUNTRY_LENGTH = 2


def text(value: Any) -> str:
    """An instrument or recommendation text ``{lang: str}`` in the active language (English fallback)."""
    return str(pick(value))


def visible_assessment(request: HttpRequest, pk: Any) -> Assessment:
    """The assessment if the user may see it; NotFound for a missing one or one they may not see (so
    that a stranger cannot tell which assessments exist)."""
    found = queries.assessment(pk)
    if found is None or not permissions.can_view_assessment(request.user, found):
        raise NotFound("No such assessment.")
    return found


def require(allowed: bool) -> None:
    if not allowed:
        raise PermissionDenied()


def instrument_of(assessment: Assessment | Result) -> Instrument:
    try:
        return instrument(assessment.instrument_id, assessment.instrument_version)
    except LookupError as exc:
        raise NotFound(str(exc)) from exc


@dataclass(frozen=True)
class Line:
    """One score of a result: a measure (depth 0), a dimension (1) or a driver (2)."""

    path: str
    label: str
    score: float | None
    depth: int
    level: str = ""


def level_title(inst: Instrument, key: str | None) -> str:
    found = next((lv for lv in inst.levels if lv.key == key), None)
    return text(found.title) if found else ""


def level_description(inst: Instrument, key: str | None) -> str:
    found = next((lv for lv in inst.levels if lv.key == key), None)
    return text(found.description) if found else ""


def driver_labels(inst: Instrument) -> dict[str, str]:
    """``{"measure/dimension/driver": title}`` of the instrument's drivers, in instrument order."""
    return {path: text(driver.title) for path, driver in inst.drivers()}


def score_lines(inst: Instrument, tree: dict[str, Any]) -> list[Line]:
    """The stored scores in instrument order, with titles; a part missing from the tree has no score."""
    measures = {m["key"]: m for m in tree.get("measures", [])}
    lines = []
    for m in inst.measures:
        stored = measures.get(m.key, {})
        lines.append(
            Line(m.key, text(m.title), stored.get("score"), 0, level_title(inst, stored.get("level")))
        )
        dimensions = {d["key"]: d for d in stored.get("dimensions", [])}
        for d in m.dimensions:
            found = dimensions.get(d.key, {})
            lines.append(Line(f"{m.key}/{d.key}", text(d.title), found.get("score"), 1))
            drivers = {r["key"]: r for r in found.get("drivers", [])}
            for r in d.drivers:
                lines.append(
                    Line(f"{m.key}/{d.key}/{r.key}", text(r.title), drivers.get(r.key, {}).get("score"), 2)
                )
    return lines


@dataclass(frozen=True)
class Cohort:
    """The cohort chosen by country, size band and year (each "" for any) and its figures."""

    country: str
    size_band: str
    year: int | None
    figures: dict[str, Any]

    def describe(self) -> str:
        parts = [
            self.country or _("all countries"),
            self.size_band or _("all sizes"),
            str(self.year) if self.year else _("all years"),
        ]
        count = self.figures.get("count", 0)
        template = ngettext(
            "Cohort: %(parts)s (%(count)s result)", "Cohort: %(parts)s (%(count)s results)", count
        )
        return template % {"parts": " · ".join(parts), "count": count}

    def as_json(self) -> dict[str, Any]:
        return {"country": self.country or None, "size_band": self.size_band or None, "year": self.year,
                **self.figures}  # fmt: skip


def cohort_from(request: HttpRequest, instrument_id: str, default: dict[str, Any]) -> Cohort:
    """The cohort named by ``?country=&size_band=&year=`` (absent: ``default``; empty: any); values
    that are not a country code, a size band or a year are ignored."""
    params = request.GET

    def given(name: str) -> str:
        return params[name].strip() if name in params else str(default.get(name) or "")

    country = given("country").upper()
    country = country if len(country) == COUNTRY_LENGTH and country.isalpha() else ""
    size_band = given("size_band")
    size_band = size_band if size_band in SIZE_BANDS else ""
    raw_year = given("year")
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else None
    figures = queries.cohort(instrument_id, country=country or None, size_band=size_band or None, year=year)
    return Cohort(country, size_band, year, figures)


def radar(inst: Instrument, tree: dict[str, Any] | None, cohort: Cohort | None, *, own_label: str) -> str:
    """The radar of the driver scores (and the cohort's averages); "" with fewer than three drivers."""
    labels = driver_labels(inst)
    if len(labels) < 3:
        return ""
    series = []
    if tree is not None:
        own = {line.path: line.score for line in score_lines(inst, tree) if line.depth == 2}
        series.append(Series(own_label, [own.get(path) for path in labels]))
    if cohort is not None and cohort.figures.get("count"):
        averages = cohort.figures.get("drivers", {})
        label = _("Cohort average (%(count)s)") % {"count": cohort.figures["count"]}
        series.append(Series(label, [averages.get(path) for path in labels]))
    if not series:
        return ""
    return radar_chart(list(labels.values()), series, title=_("Driver scores from 0 to 100"))


def radar_rows(inst: Instrument, tree: dict[str, Any] | None, cohort: Cohort | None) -> list[dict[str, Any]]:
    """The radar's data as table rows: driver, own score, cohort average."""
    own = {line.path: line.score for line in score_lines(inst, tree) if line.depth == 2} if tree else {}
    averages = cohort.figures.get("drivers", {}) if cohort else {}
    return [
        {"path": path, "label": label, "score": own.get(path), "cohort": averages.get(path)}
        for path, label in driver_labels(inst).items()
    ]


def history(result: Result) -> tuple[list[dict[str, Any]], str]:
    """The organisation's overall score per year on this instrument, and its chart ("" for one year)."""
    rows: list[dict[str, Any]] = [
        {"year": year, "overall": overall}
        for year, overall, _tree in queries.history(result.assessment.organisation, result.instrument_id)
    ]
    if len(rows) < 2:
        return rows, ""
    chart = history_chart(
        [r["year"] for r in rows],
        [Series(_("Overall score"), [r["overall"] for r in rows])],
        title=_("Overall score over the years"),
    )
    return rows, chart


def feature_url(url_name: str) -> str:
    """The URL of a platform feature named in a recommendation ("" if the name does not resolve)."""
    try:
        return reverse(f"web:{url_name}")
    except NoReverseMatch:
        return ""


def advice(result: Result, inst: Instrument, n: int = 3) -> list[dict[str, Any]]:
    """The recommendations for the weakest drivers, with texts in the active language and feature links."""
    labels = driver_labels(inst)
    found = []
    for item in queries.recommendations_for(result, n):
        features = [
            {"title": text(f.get("title")), "url": feature_url(str(f.get("url_name", "")))}
            for f in item.get("features", [])
        ]
        found.append({
            "key": item["key"],
            "driver": item["driver"],
            "driver_label": labels.get(item["driver"], item["driver"]),
            "score": item.get("score"),
            "title": text(item.get("title")),
            "text": text(item.get("text")),
            "sources": [{"title": s.get("title", ""), "url": s.get("url", "")}
                        for s in item.get("sources", [])],
            "features": [f for f in features if f["url"]],
        })  # fmt: skip
    return found


def strengths_weaknesses(result: Result, inst: Instrument, n: int = 3) -> dict[str, list[dict[str, Any]]]:
    labels = driver_labels(inst)
    found = queries.strengths_weaknesses(result, n)
    return {
        side: [{**row, "label": labels.get(row["path"], row["path"])} for row in rows]
        for side, rows in found.items()
    }
