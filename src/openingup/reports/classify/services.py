"""The only writers of classification: training a model (now or as a background job), choosing the
active one, and correcting a request's service (the label the next training learns from)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from django.db import transaction

from openingup.core import tasks
from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.core.events import publish
from openingup.core.models import Job
from openingup.reports import events
from openingup.reports.classify import permissions, store, training
from openingup.reports.classify.model import Example
from openingup.reports.classify.models import ClassifierModel, ServiceCorrection
from openingup.reports.classify.tasks import TRAIN_TASK
from openingup.reports.models import RequestUpdate, Service, ServiceRequest


def _guard(allowed: bool, message: str) -> None:
    if not allowed:
        raise PermissionDenied(message)


def train_classifier(
    *,
    actor: Any,
    examples: list[Example] | None = None,
    progress: Callable[[float, str], None] | None = None,
    requested_by: Any = None,
) -> ClassifierModel:
    """Evaluate and fit a classifier on the seed set and the history (or ``examples``), store it and
    make it the active one; ``actor`` None is the system (the command, a task working for
    ``requested_by``).

    Raises PermissionDenied, or InvalidInput when there is too little to learn from. On any failure
    the active model stays as it was and no file is left behind."""
    if actor is not None:
        _guard(permissions.can_train_classifier(actor), "You may not train the classifier.")
    try:
        outcome = training.train(examples, progress)
    except ValueError as exc:
        raise InvalidInput(
            f"The classifier was not trained: {exc}.", [FieldProblem("examples", str(exc))]
        ) from exc
    name = store.save(outcome.classifier, f"model-{uuid.uuid4().hex}.joblib")
    try:
        with transaction.atomic():
            ClassifierModel.objects.filter(active=True).update(active=False)
            model = ClassifierModel.objects.create(
                created_by=next(
                    (u for u in (actor, requested_by) if getattr(u, "is_authenticated", False)), None
                ),
                trained_on=outcome.examples,
                metrics=outcome.metrics(),
                path=name,
                active=True,
            )
            publish(events.CLASSIFIER_TRAINED, model_id=model.pk, accuracy=outcome.report.accuracy)
            transaction.on_commit(lambda: store.point_to(model.pk, name))
    except BaseException:
        store.remove(name)
        raise
    if progress:
        progress(1.0, "")
    return model


def start_training(*, actor: Any) -> Job:
    """Train in the background; the returned job reports progress and, when done, the model's id."""
    _guard(permissions.can_train_classifier(actor), "You may not train the classifier.")
    return tasks.enqueue(TRAIN_TASK, created_by=actor)


@transaction.atomic
def activate_classifier(*, actor: Any, model: ClassifierModel) -> ClassifierModel:
    """Make an earlier model the active one again; InvalidInput when its file is gone."""
    if actor is not None:
        _guard(permissions.can_activate_classifier(actor), "You may not change the active classifier.")
    try:
        store.load(model.path)
    except ValueError as exc:
        raise InvalidInput(str(exc), [FieldProblem("model", "its file cannot be read")]) from exc
    ClassifierModel.objects.filter(active=True).exclude(pk=model.pk).update(active=False)
    model.active = True
    model.save(update_fields=["active"])
    transaction.on_commit(lambda: store.point_to(model.pk, model.path))
    return model


@transaction.atomic
def correct_service(*, actor: Any, request: ServiceRequest, service_code: str) -> ServiceCorrection:
    """Move ``request`` to the active service ``service_code``, with an internal note saying so.

    Raises PermissionDenied, or InvalidInput for an unknown service or the service it already has
    (the request is then unchanged)."""
    if actor is not None:
        _guard(permissions.can_correct_service(actor, request), "You may not change this request's service.")
    service = Service.objects.filter(code=service_code, active=True).first()
    if service is None:
        raise InvalidInput(
            f"service_code {service_code!r} not found.",
            [FieldProblem("service_code", "is not an active service")],
        )
    previous = request.service
    if previous.pk == service.pk:
        raise InvalidInput(
            f"The request already has the service {service_code}.",
            [FieldProblem("service_code", "is the request's service already")],
        )
    user = actor if getattr(actor, "is_authenticated", False) else None
    correction = ServiceCorrection.objects.create(
        request=request, previous_service=previous, service=service, actor=user
    )
    request.service = service
    request.save(update_fields=["service"])
    RequestUpdate.objects.create(
        request=request,
        status=request.status,
        previous_status=request.status,
        description=f"Service changed from {previous.code} to {service.code}.",
        internal=True,
        actor=user,
        created_at=correction.created_at,
    )
    publish(
        events.REQUEST_SERVICE_CORRECTED,
        request_id=request.pk,
        previous=previous.code,
        service_code=service.code,
    )
    return correction
