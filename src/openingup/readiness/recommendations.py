"""The recommendation library: advice tied to drivers, loaded from ``recommendations/<topic>.json``.

A recommendation names the drivers it helps as ``<instrument-id>/<measure>/<dimension>/<driver>``
(independent of the instrument version). Files are read once per process; :class:`RecommendationError`
names each problem (the full check of texts and sources is in the content tests).
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent / "recommendations"


class RecommendationError(ValueError):
    pass


def _check(item: Any, where: str) -> list[str]:
    if not isinstance(item, dict):
        return [f"{where}: must be an object"]
    problems = []
    if not isinstance(item.get("key"), str) or not item["key"]:
        problems.append(f"{where}.key: missing")
    drivers = item.get("drivers")
    if (
        not isinstance(drivers, list)
        or not drivers
        or any(not isinstance(d, str) or d.count("/") != 3 for d in drivers)
    ):
        problems.append(f"{where}.drivers: must list driver references instrument/measure/dimension/driver")
    for name in ("title", "text"):
        if not isinstance(item.get(name), dict) or not item[name].get("en"):
            problems.append(f"{where}.{name}: needs at least an English text")
    return problems


@cache
def _read(root: Path) -> tuple[dict[str, Any], ...]:
    found: list[dict[str, Any]] = []
    problems: list[str] = []
    seen: set[str] = set()
    for path in sorted(root.glob("*.json")) if root.is_dir() else []:
        try:
            items = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise RecommendationError(f"{path}: not readable JSON ({exc})") from exc
        if not isinstance(items, list):
            raise RecommendationError(f"{path}: must hold a JSON list")
        for i, item in enumerate(items):
            where = f"{path.name}[{i}]"
            problems += _check(item, where)
            if isinstance(item, dict):
                if item.get("key") in seen:
                    problems.append(f"{where}.key: {item.get('key')!r} is used twice")
                seen.add(str(item.get("key")))
                found.append({**item, "topic": path.stem})
    if problems:
        raise RecommendationError("; ".join(problems))
    return tuple(found)


def all_recommendations() -> list[dict[str, Any]]:
    """Every recommendation, by file and then in file order; each has its file's name as ``topic``."""
    return list(_read(ROOT))


def for_driver(reference: str) -> list[dict[str, Any]]:
    """The recommendations tied to one driver reference ``instrument/measure/dimension/driver``."""
    return [r for r in _read(ROOT) if reference in r.get("drivers", [])]


def clear_cache() -> None:
    _read.cache_clear()
