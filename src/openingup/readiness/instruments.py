"""Instruments as versioned data files: loading and validating them.

An instrument lives in ``instruments/<id>/<version>.json`` inside this package (the format is in
docs/readiness.md). A new version is a new file; an old file is never edited, so the results of an
assessment stay explainable by the file they were scored on. Files are read once per process and
validated completely: :class:`InstrumentError` lists every problem with the path of the field.
"""

from __future__ import annotations

import itertools
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent / "instruments"
SEARCH_PATH: list[Path] = [ROOT]  # folders of instruments; tests add their own
LANGUAGES = ("en", "nl", "fr", "de", "da", "sv", "nb")
QUESTION_TYPES = ("single", "multiple", "scale", "yesno", "number", "evidence")
INDICATORS = (
    "catalogue.open_licence_share",
    "catalogue.datasets_published",
    "catalogue.hvd_share",
    "quality.average_score",
    "quality.average_share",
    "social.channels_in_use",
    "social.first_response_hours",
    "social.answered_share",
    "reports.within_service_level_share",
    "reports.open311_enabled",
)
KEY = re.compile(r"^[a-z0-9][a-z0-9-]*$")
Text = dict[str, str]


class InstrumentError(ValueError):
    """An instrument file that does not follow the format; ``problems`` name the field and the problem."""

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = problems
        super().__init__(f"{source}: " + "; ".join(problems))


@dataclass(frozen=True)
class Option:
    key: str
    label: Text
    score: float


@dataclass(frozen=True)
class Question:
    key: str
    type: str
    text: Text
    weight: float = 1.0
    help: Text | None = None
    options: tuple[Option, ...] = ()
    scale: dict[str, Any] | None = None
    normalise: dict[str, float] | None = None
    allow_na: bool = False
    evidence: dict[str, Any] | None = None

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass(frozen=True)
class Driver:
    key: str
    title: Text
    description: Text
    weight: float
    questions: tuple[Question, ...]


@dataclass(frozen=True)
class Dimension:
    key: str
    title: Text
    description: Text
    weight: float
    drivers: tuple[Driver, ...]


@dataclass(frozen=True)
class Measure:
    key: str
    title: Text
    description: Text
    weight: float
    dimensions: tuple[Dimension, ...]


@dataclass(frozen=True)
class Level:
    key: str
    min: float
    title: Text
    description: Text


@dataclass(frozen=True)
class Instrument:
    id: str
    version: str
    published: str
    title: Text
    description: Text
    sources: tuple[dict[str, str], ...]
    levels: tuple[Level, ...]
    measures: tuple[Measure, ...]
    raw: dict[str, Any] = field(repr=False, compare=False, default_factory=dict)

    def questions(self) -> list[Question]:
        return [q for m in self.measures for d in m.dimensions for dr in d.drivers for q in dr.questions]

    def question(self, key: str) -> Question | None:
        return next((q for q in self.questions() if q.key == key), None)

    def drivers(self) -> list[tuple[str, Driver]]:
        """Every driver with its path ``measure/dimension/driver``."""
        return [
            (f"{m.key}/{d.key}/{dr.key}", dr) for m in self.measures for d in m.dimensions for dr in d.drivers
        ]

    def level_for(self, score: float | None) -> Level | None:
        """The last level whose ``min`` is at most the score; None for no score."""
        if score is None:
            return None
        found = None
        for level in self.levels:
            if level.min <= score:
                found = level
        return found


def version_key(version: str) -> tuple[int, ...]:
    """Versions compare numerically part by part: "1.10" comes after "1.9"."""
    return tuple(int(p) if p.isdigit() else -1 for p in version.split("."))


class _Checker:
    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, where: str, problem: str) -> None:
        self.problems.append(f"{where}: {problem}")

    def text(self, data: dict[str, Any], name: str, where: str, required: bool = True) -> Text | None:
        value = data.get(name)
        if value is None and not required:
            return None
        if not isinstance(value, dict):
            self.fail(f"{where}.{name}", "must be an object with a text per language")
            return {}
        missing = [
            lang for lang in LANGUAGES if not isinstance(value.get(lang), str) or not value[lang].strip()
        ]
        if missing:
            self.fail(f"{where}.{name}", "missing or empty for " + ", ".join(missing))
        return {k: v for k, v in value.items() if isinstance(v, str)}

    def number(self, data: dict[str, Any], name: str, where: str, default: float | None = None) -> float:
        value = data.get(name, default)
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(f"{where}.{name}", "must be a number")
            return 0.0
        return float(value)

    def weight(self, data: dict[str, Any], where: str) -> float:
        value = self.number(data, "weight", where, default=1)
        if value < 0:
            self.fail(f"{where}.weight", "must not be negative")
        return value

    def key(self, data: dict[str, Any], where: str, seen: set[str]) -> str:
        value = data.get("key")
        if not isinstance(value, str) or not KEY.match(value):
            self.fail(f"{where}.key", "must be lower-case letters, digits and hyphens")
            return str(value)
        if value in seen:
            self.fail(f"{where}.key", f"{value!r} is used twice")
        seen.add(value)
        return value

    def items(self, data: dict[str, Any], name: str, where: str) -> list[dict[str, Any]]:
        value = data.get(name)
        if not isinstance(value, list) or not value:
            self.fail(f"{where}.{name}", "must be a non-empty list")
            return []
        good = [v for v in value if isinstance(v, dict)]
        if len(good) != len(value):
            self.fail(f"{where}.{name}", "every item must be an object")
        return good


def _question(c: _Checker, data: dict[str, Any], where: str, seen: set[str]) -> Question:
    key = c.key(data, where, seen)
    kind = data.get("type")
    if kind not in QUESTION_TYPES:
        c.fail(f"{where}.type", f"must be one of {', '.join(QUESTION_TYPES)}")
    options: list[Option] = []
    if kind in ("single", "multiple"):
        option_keys: set[str] = set()
        for i, o in enumerate(c.items(data, "options", where)):
            ow = f"{where}.options[{i}]"
            score = c.number(o, "score", ow)
            if not 0 <= score <= 1:
                c.fail(f"{ow}.score", "must be between 0 and 1")
            options.append(Option(c.key(o, ow, option_keys), c.text(o, "label", ow) or {}, score))
    scale = data.get("scale") if kind == "scale" else None
    if kind == "scale":
        if not isinstance(scale, dict):
            c.fail(f"{where}.scale", "must be an object with min, max and labels")
            scale = {"min": 0, "max": 1}
        else:
            low, high = scale.get("min"), scale.get("max")
            if not isinstance(low, int) or not isinstance(high, int) or isinstance(low, bool) or low >= high:
                c.fail(f"{where}.scale", "min and max must be integers with min < max")
            for label_key in scale.get("labels", {}) or {}:
                c.text(scale["labels"], label_key, f"{where}.scale.labels")
    normalise = None
    if kind == "number":
        raw = data.get("normalise")
        if not isinstance(raw, dict):
            c.fail(f"{where}.normalise", "must be an object with min and max")
            normalise = {"min": 0.0, "max": 1.0}
        else:
            normalise = {
                "min": c.number(raw, "min", f"{where}.normalise"),
                "max": c.number(raw, "max", f"{where}.normalise"),
            }
            if normalise["min"] == normalise["max"]:
                c.fail(f"{where}.normalise", "min and max must differ")
    evidence = data.get("evidence")
    if evidence is not None:
        _evidence(c, evidence, kind, options, scale, f"{where}.evidence")
    allow_na = data.get("allow_na", False)
    if not isinstance(allow_na, bool):
        c.fail(f"{where}.allow_na", "must be true or false")
    return Question(
        key=key,
        type=str(kind),
        text=c.text(data, "text", where) or {},
        weight=c.weight(data, where),
        help=c.text(data, "help", where, required=False),
        options=tuple(options),
        scale=scale,
        normalise=normalise,
        allow_na=bool(allow_na),
        evidence=evidence if isinstance(evidence, dict) else None,
    )


def _evidence(c: _Checker, evidence: Any, kind: Any, options: list[Option], scale: Any, where: str) -> None:
    if not isinstance(evidence, dict):
        c.fail(where, "must be an object with indicator and map")
        return
    if evidence.get("indicator") not in INDICATORS:
        c.fail(f"{where}.indicator", "is not a known indicator")
    mapping = evidence.get("map")
    if kind == "number":
        if mapping is not None:
            c.fail(f"{where}.map", "must be omitted for a number question")
    elif kind == "yesno":
        if (
            not isinstance(mapping, dict)
            or isinstance(mapping.get("at_least"), bool)
            or not isinstance(mapping.get("at_least"), int | float)
        ):
            c.fail(f"{where}.map", 'must be {"at_least": number} for a yes/no question')
    elif kind in ("single", "scale"):
        steps = mapping.get("steps") if isinstance(mapping, dict) else None
        if not isinstance(steps, list) or not steps:
            c.fail(f"{where}.map", 'must be {"steps": [[threshold, answer], ...]}')
            return
        keys = {o.key for o in options}
        for i, step in enumerate(steps):
            ok = isinstance(step, list) and len(step) == 2 and isinstance(step[0], int | float)
            if ok and kind == "single":
                ok = step[1] in keys
            if ok and kind == "scale" and isinstance(scale, dict):
                ok = isinstance(step[1], int) and scale.get("min", 0) <= step[1] <= scale.get("max", 0)
            if not ok:
                c.fail(f"{where}.map.steps[{i}]", "must be [threshold, an answer of the question]")
    else:
        c.fail(where, f"cannot prefill a {kind} question")


def parse(data: Any, source: str = "instrument") -> Instrument:
    """Validate a decoded instrument file and build the instrument; raises :class:`InstrumentError`."""
    c = _Checker()
    if not isinstance(data, dict):
        raise InstrumentError(source, ["the file must hold one JSON object"])
    ident = data.get("id")
    if not isinstance(ident, str) or not KEY.match(ident):
        c.fail("id", "must be lower-case letters, digits and hyphens")
    version = data.get("version")
    if not isinstance(version, str) or not re.match(r"^\d+(\.\d+)*$", version):
        c.fail("version", 'must be a string of numbers separated by dots, like "1.0"')
    published = data.get("published")
    try:
        date.fromisoformat(str(published))
    except ValueError:
        c.fail("published", "must be an ISO date")
    sources = data.get("sources")
    if not isinstance(sources, list) or not sources:
        c.fail("sources", "must name at least one source")
        sources = []
    for i, s in enumerate(sources):
        if not isinstance(s, dict) or not s.get("title") or not str(s.get("url", "")).startswith("http"):
            c.fail(f"sources[{i}]", "needs a title and an http(s) url")
    levels: list[Level] = []
    level_keys: set[str] = set()
    for i, lv in enumerate(c.items(data, "levels", "")):
        w = f"levels[{i}]"
        levels.append(
            Level(
                c.key(lv, w, level_keys),
                c.number(lv, "min", w),
                c.text(lv, "title", w) or {},
                c.text(lv, "description", w) or {},
            )
        )
    if levels and levels[0].min != 0:
        c.fail("levels[0].min", "must be 0")
    if any(b.min <= a.min for a, b in itertools.pairwise(levels)):
        c.fail("levels", "min must go up from level to level")
    question_keys: set[str] = set()
    measures: list[Measure] = []
    measure_keys: set[str] = set()
    for mi, m in enumerate(c.items(data, "measures", "")):
        mw = f"measures[{mi}]"
        dimensions: list[Dimension] = []
        dimension_keys: set[str] = set()
        for di, d in enumerate(c.items(m, "dimensions", mw)):
            dw = f"{mw}.dimensions[{di}]"
            drivers: list[Driver] = []
            driver_keys: set[str] = set()
            for ri, r in enumerate(c.items(d, "drivers", dw)):
                rw = f"{dw}.drivers[{ri}]"
                questions = tuple(
                    _question(c, q, f"{rw}.questions[{qi}]", question_keys)
                    for qi, q in enumerate(c.items(r, "questions", rw))
                )
                drivers.append(
                    Driver(
                        c.key(r, rw, driver_keys),
                        c.text(r, "title", rw) or {},
                        c.text(r, "description", rw) or {},
                        c.weight(r, rw),
                        questions,
                    )
                )
            dimensions.append(
                Dimension(
                    c.key(d, dw, dimension_keys),
                    c.text(d, "title", dw) or {},
                    c.text(d, "description", dw) or {},
                    c.weight(d, dw),
                    tuple(drivers),
                )
            )
        measures.append(
            Measure(
                c.key(m, mw, measure_keys),
                c.text(m, "title", mw) or {},
                c.text(m, "description", mw) or {},
                c.weight(m, mw),
                tuple(dimensions),
            )
        )
    title = c.text(data, "title", "") or {}
    description = c.text(data, "description", "") or {}
    if c.problems:
        raise InstrumentError(source, [p.lstrip(".") for p in c.problems])
    return Instrument(
        id=str(ident),
        version=str(version),
        published=str(published),
        title=title,
        description=description,
        sources=tuple(sources),
        levels=tuple(levels),
        measures=tuple(measures),
        raw=data,
    )


def load(path: Path) -> Instrument:
    """Read and validate one instrument file; its id and version must match its folder and file name."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise InstrumentError(str(path), [f"not readable JSON ({exc})"]) from exc
    instrument = parse(data, str(path))
    if instrument.id != path.parent.name or instrument.version != path.stem:
        raise InstrumentError(
            str(path), [f"id and version ({instrument.id} {instrument.version}) must match the file's path"]
        )
    return instrument


@cache
def _read(roots: tuple[Path, ...]) -> dict[str, dict[str, Instrument]]:
    found: dict[str, dict[str, Instrument]] = {}
    for root in roots:
        for path in sorted(root.glob("*/*.json")) if root.is_dir() else []:
            instrument = load(path)
            found.setdefault(instrument.id, {})[instrument.version] = instrument
    return found


def _catalogue() -> dict[str, dict[str, Instrument]]:
    return _read(tuple(SEARCH_PATH))


def versions(instrument_id: str) -> list[str]:
    """The versions of an instrument, oldest first."""
    return sorted(_catalogue().get(instrument_id, {}), key=version_key)


def all_instruments(latest_only: bool = True) -> list[Instrument]:
    """The instruments, the latest version of each (or every version), ordered by id and version."""
    found: list[Instrument] = []
    for ident in sorted(_catalogue()):
        keys = versions(ident)
        found.extend(_catalogue()[ident][v] for v in (keys[-1:] if latest_only else keys))
    return found


def instrument(instrument_id: str, version: str | None = None) -> Instrument:
    """One instrument; the latest version when ``version`` is None. Raises ``LookupError`` if unknown."""
    by_version = _catalogue().get(instrument_id)
    if not by_version:
        raise LookupError(f"no instrument {instrument_id!r}")
    chosen = version or versions(instrument_id)[-1]
    if chosen not in by_version:
        raise LookupError(f"instrument {instrument_id!r} has no version {chosen!r}")
    return by_version[chosen]


def clear_cache() -> None:
    """Forget the files read (tests that write instruments call this)."""
    _read.cache_clear()


def title(text: Text | None, lang: str = "en") -> str:
    """The text in a language, falling back to English."""
    if not text:
        return ""
    return text.get(lang) or text.get(lang.split("-")[0]) or text.get("en", "")
