"""Where trained classifiers live and which one answers: joblib files under ``MEDIA_ROOT/classifier``
(inside ``$OPENINGUP_HOME``), and a small pointer file ``active.json`` naming the active one.

The database row (:class:`ClassifierModel`) is the record; the pointer mirrors its ``active`` flag so
that answering a suggestion needs no query: :func:`current` only looks at the pointer's modification
time and reloads when another process (the worker that trained) has changed it. Without a pointer,
the classifier fitted on the seed set alone answers, fitted once per process on first use.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
import threading
from functools import cache
from pathlib import Path

import joblib
from django.conf import settings

from openingup.reports.classify import seed
from openingup.reports.classify.model import Classifier

log = logging.getLogger(__name__)
POINTER = "active.json"
_lock = threading.Lock()
_loaded: dict[str, tuple[tuple[str, int], Classifier]] = {}


def folder(*, create: bool = True) -> Path:
    path = Path(settings.MEDIA_ROOT) / "classifier"
    if create:
        path.mkdir(parents=True, exist_ok=True)
    return path


def save(classifier: Classifier, name: str) -> str:
    """Write ``classifier`` as ``name`` (a file name) atomically; returns the name."""
    target = folder() / name
    handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".joblib")
    os.close(handle)
    try:
        joblib.dump(classifier, temporary, compress=3)
        os.replace(temporary, target)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return name


def remove(name: str) -> None:
    (folder() / name).unlink(missing_ok=True)


def point_to(model_id: int | None, name: str) -> None:
    """Make ``name`` the file that answers (``model_id`` None: remove the pointer, back to the seed)."""
    pointer = folder() / POINTER
    if model_id is None:
        pointer.unlink(missing_ok=True)
        return
    handle, temporary = tempfile.mkstemp(dir=pointer.parent, prefix=".tmp-", suffix=".json")
    with os.fdopen(handle, "w") as out:
        json.dump({"id": model_id, "path": name}, out)
    os.replace(temporary, pointer)


def load(name: str) -> Classifier:
    """The classifier stored as ``name``; ValueError when the file is missing or not a classifier, or
    ``name`` is not a plain file name inside the classifier folder."""
    if not name or Path(name).name != name or name.startswith("."):
        raise ValueError(f"{name!r} is not the name of a classifier file")
    path = folder() / name
    try:
        found = joblib.load(path)
    except FileNotFoundError:
        raise ValueError(f"the classifier file {path} is missing") from None
    if not isinstance(found, Classifier):
        raise ValueError(f"{path} does not hold a classifier")
    return found


@cache
def seed_classifier() -> Classifier:
    """The classifier fitted on the project's seed set alone (no municipality history yet)."""
    return Classifier.fit(seed.examples())


def current() -> Classifier:
    """The active classifier as the pointer names it, else the seed classifier. A pointer to an
    unreadable file is logged and answered by the seed classifier."""
    pointer = folder(create=False) / POINTER
    try:
        key = (str(pointer), pointer.stat().st_mtime_ns)
    except FileNotFoundError:
        return seed_classifier()
    with _lock:
        cached = _loaded.get(key[0])
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            name = json.loads(pointer.read_text("utf-8"))["path"]
            classifier = load(str(name))
        except (OSError, ValueError, KeyError, TypeError) as exc:
            log.warning("cannot load the active classifier (%s); using the seed classifier", exc)
            return seed_classifier()
        _loaded[key[0]] = (key, classifier)
        return classifier


def active_id() -> int | None:
    """The id of the model the pointer names, or None."""
    try:
        return int(json.loads((folder(create=False) / POINTER).read_text("utf-8"))["id"])
    except (OSError, ValueError, KeyError, TypeError):
        return None
