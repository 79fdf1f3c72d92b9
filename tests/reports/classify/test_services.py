"""Training, versions, corrections: the writers of classification."""

from __future__ import annotations

import json
from typing import Any

import pytest

from openingup.core import tasks
from openingup.core.errors import InvalidInput, PermissionDenied
from openingup.core.models import Job
from openingup.reports.classify import model as model_module
from openingup.reports.classify import queries, services, store, suggest, training
from openingup.reports.classify.models import ClassifierModel, ServiceCorrection
from openingup.reports.models import RequestUpdate

WORDING = "Loose paving tiles on the pavement in front of the bakery"


def test_training_stores_an_active_version_with_its_evaluation(
    db: None, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = services.train_classifier(actor=None)
    assert first.active and first.trained_on == 622 and first.metrics["sources"] == {"seed": 622}
    assert (store.folder() / first.path).is_file()
    assert json.loads((store.folder() / store.POINTER).read_text())["id"] == first.pk
    assert queries.report(first) is not None and queries.report(first).accuracy >= 0.7  # type: ignore[union-attr]
    with django_capture_on_commit_callbacks(execute=True):
        second = services.train_classifier(actor=None)
    first.refresh_from_db()
    assert not first.active and queries.active_model() == second and store.active_id() == second.pk
    with django_capture_on_commit_callbacks(execute=True):
        services.activate_classifier(actor=None, model=first)
    assert queries.active_model() == first and store.active_id() == first.pk
    assert (
        isinstance(store.current(), model_module.Classifier)
        and store.current() is not store.seed_classifier()
    )


def test_a_failed_training_leaves_the_active_model_and_no_file(
    db: None, django_capture_on_commit_callbacks: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        kept = services.train_classifier(actor=None)
    files = sorted(p.name for p in store.folder().iterdir())

    def broken(self: Any) -> Any:
        raise RuntimeError("disk full")

    monkeypatch.setattr(training.Outcome, "metrics", broken)
    with pytest.raises(RuntimeError, match="disk full"), django_capture_on_commit_callbacks(execute=True):
        services.train_classifier(actor=None)
    monkeypatch.undo()
    with pytest.raises(InvalidInput, match="at least two categories"):
        services.train_classifier(actor=None, examples=[model_module.Example("lamp out", "lamp", "en")])
    assert list(ClassifierModel.objects.all()) == [kept] and kept.active
    assert sorted(p.name for p in store.folder().iterdir()) == files and store.active_id() == kept.pk


def test_a_correction_teaches_the_next_model(
    db: None, file: Any, django_capture_on_commit_callbacks: Any
) -> None:
    request = file("pothole", WORDING)
    assert suggest(WORDING, "en")[0][0] == "pothole"
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        correction = services.correct_service(actor=None, request=request, service_code="litter")
    request.refresh_from_db()
    assert request.service.code == "litter" and correction.previous_service.code == "pothole"
    note = RequestUpdate.objects.get(request=request)
    assert note.internal and "from pothole to litter" in note.description
    assert callbacks, "the correction's event is sent after commit"
    with django_capture_on_commit_callbacks(execute=True):
        trained = services.train_classifier(actor=None)
    assert trained.metrics["sources"] == {"seed": 622, "correction": 1}
    assert suggest(WORDING, "en")[0][0] == "litter"


def test_corrections_are_checked(db: None, file: Any, user: Any) -> None:
    request = file("pothole", "Hole in the road")
    with pytest.raises(InvalidInput, match="already has the service pothole"):
        services.correct_service(actor=None, request=request, service_code="pothole")
    with pytest.raises(InvalidInput, match="'nothing' not found"):
        services.correct_service(actor=None, request=request, service_code="nothing")
    with pytest.raises(PermissionDenied):
        services.correct_service(actor=user, request=request, service_code="litter")
    with pytest.raises(PermissionDenied):
        services.train_classifier(actor=user)
    request.refresh_from_db()
    assert request.service.code == "pothole" and not ServiceCorrection.objects.exists()


def test_training_in_the_background_reports_progress_and_the_model(db: None, admin_user_: Any) -> None:
    job = services.start_training(actor=admin_user_)
    assert job.name == services.TRAIN_TASK and job.created_by == admin_user_
    done = tasks.run_job(str(job.pk))
    assert done.status == Job.Status.DONE and done.progress == 100, done.message
    model = ClassifierModel.objects.get(pk=done.result["model_id"])
    assert model.active and model.created_by == admin_user_
    assert done.result["accuracy"] == model.metrics["evaluation"]["accuracy"]


def test_a_lost_or_foreign_file_is_refused(db: None, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        first = services.train_classifier(actor=None)
        second = services.train_classifier(actor=None)
    store.remove(first.path)
    with pytest.raises(InvalidInput, match="is missing"):
        services.activate_classifier(actor=None, model=first)
    assert queries.active_model() == second
    for name in ("../secret.joblib", ".hidden", ""):
        with pytest.raises(ValueError, match="is not the name of a classifier file"):
            store.load(name)
    (store.folder() / store.POINTER).write_text('{"id": 1, "path": "../elsewhere.joblib"}')
    assert store.current() is store.seed_classifier()  # logged, and the seed classifier answers
