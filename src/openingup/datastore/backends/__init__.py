"""Datastore backends, by name. ``backend()`` gives the configured one (one instance per process)."""

from __future__ import annotations

import threading

from django.conf import settings

from openingup.datastore.backends.base import Backend, Page, SqlResult, register, registered

_instances: dict[str, Backend] = {}
_lock = threading.Lock()


def _load_builtins(name: str) -> None:
    # Built-ins register themselves like a third-party backend would; PostgreSQL's only when asked for.
    from openingup.datastore.backends import duckdb_backend  # noqa: F401

    if name == "postgres":
        from openingup.datastore.backends import postgres_backend  # noqa: F401


def backend(name: str | None = None) -> Backend:
    name = name or settings.DATASTORE_BACKEND
    with _lock:
        if name not in _instances:
            _load_builtins(name)
            classes = registered()
            if name not in classes:
                raise ValueError(f"unknown datastore backend {name!r}; known: {', '.join(sorted(classes))}")
            _instances[name] = classes[name]()
        return _instances[name]


__all__ = ["Backend", "Page", "SqlResult", "backend", "register", "registered"]
