"""Search backends, by name. ``backend()`` gives the configured one (one instance per process).

``auto`` (the default of ``OPENINGUP_SEARCH_BACKEND``) picks by the database: PostgreSQL full text on
PostgreSQL, FTS5 on SQLite.
"""

from __future__ import annotations

import threading

from django.conf import settings
from django.db import connection

from openingup.search.backends.base import Backend, Hit, SearchQuery, SearchResult, register, registered

_instances: dict[str, Backend] = {}
_lock = threading.Lock()


def _load_builtins() -> None:
    from openingup.search.backends import postgres, sqlite_fts5  # noqa: F401


def configured_name() -> str:
    name = str(getattr(settings, "SEARCH_BACKEND", "auto") or "auto").strip().lower()
    if name == "auto":
        return "postgres" if connection.vendor == "postgresql" else "sqlite"
    return name


def backend(name: str | None = None) -> Backend:
    name = name or configured_name()
    with _lock:
        if name not in _instances:
            _load_builtins()
            classes = registered()
            if name not in classes:
                raise ValueError(f"unknown search backend {name!r}; known: {', '.join(sorted(classes))}")
            _instances[name] = classes[name]()
        return _instances[name]


__all__ = ["Backend", "Hit", "SearchQuery", "SearchResult", "backend", "register", "registered"]
