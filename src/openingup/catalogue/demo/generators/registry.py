"""The registry of demo file generators and how a file is made from one."""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from typing import Any

from openingup.catalogue.demo.files import Table, Town, render

SEED = "openingup-demo"

Generator = Callable[..., Table]
GENERATORS: dict[str, Generator] = {}


def generator(name: str) -> Callable[[Generator], Generator]:
    """Register a generator: ``fn(town, rng, **params) -> Table``."""

    def register(fn: Generator) -> Generator:
        GENERATORS[name] = fn
        return fn

    return register


def rng(name: str, params: dict[str, Any] | None = None) -> random.Random:
    """The random generator of ``name`` with ``params``: the same sequence on every run."""
    return random.Random(f"{SEED}:{name}:{json.dumps(params or {}, sort_keys=True)}")


def generate(name: str, fmt: str, town: Town, params: dict[str, Any] | None = None) -> bytes:
    """The file made by generator ``name`` with ``params``, written as ``fmt`` (csv, geojson, json)."""
    try:
        fn = GENERATORS[name]
    except KeyError:
        raise KeyError(f"unknown demo generator {name!r}; known: {', '.join(sorted(GENERATORS))}") from None
    params = dict(params or {})
    table = fn(town, rng(name, params), **params)
    table.name = table.name or name
    return render(table, fmt)
