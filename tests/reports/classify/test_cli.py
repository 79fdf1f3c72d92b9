"""``openingup reports train / evaluate / suggest``."""

from __future__ import annotations

import json
from typing import Any

import pytest

from openingup.cli.main import main
from openingup.reports.classify.models import ClassifierModel, ServiceCorrection

pytestmark = pytest.mark.django_db(transaction=True)


def test_train_then_evaluate_in_text_and_json(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reports", "evaluate", "--format", "json"]) == 0
    fresh = json.loads(capsys.readouterr().out)
    assert fresh["model_id"] is None and fresh["evaluation"]["evaluated"] == 622
    assert not ClassifierModel.objects.exists()

    assert main(["reports", "train"]) == 0
    out = capsys.readouterr().out
    model = ClassifierModel.objects.get(active=True)
    assert f"trained model {model.pk} on 622 examples (622 seed); it is now active" in out
    assert "accuracy:" in out and "confusion matrix" in out and "streetlight" in out

    assert main(["reports", "evaluate", "--format", "json"]) == 0
    stored = json.loads(capsys.readouterr().out)
    assert stored["model_id"] == model.pk and stored["evaluation"] == model.metrics["evaluation"]
    evaluation = stored["evaluation"]
    assert len(evaluation["matrix"]) == len(evaluation["labels"]) == len(evaluation["categories"]) == 10
    assert {"label", "precision", "recall", "f1", "support"} == set(evaluation["categories"][0])

    assert main(["reports", "evaluate"]) == 0
    text = capsys.readouterr().out
    assert (
        text.startswith(f"model {model.pk}, trained ") and f"accuracy:  {evaluation['accuracy']:.3f}" in text
    )


def test_suggest_prints_codes_with_confidence(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["reports", "suggest", "Gatelyset utenfor huset er mørkt", "--language", "nb"]) == 0
    first = capsys.readouterr().out.splitlines()[0]
    assert first.endswith("  streetlight") and 0.4 <= float(first.split()[0]) <= 1
    assert main(["reports", "suggest", "x" * 4001]) == 2
    assert "at most 4,000" in capsys.readouterr().err


def test_correct_moves_a_request_and_names_bad_input(file: Any, capsys: pytest.CaptureFixture[str]) -> None:
    request = file("pothole", "Loose tiles in front of the bakery")
    assert main(["reports", "correct", str(request.pk), "litter"]) == 0
    assert f"request {request.pk} moved from pothole to litter" in capsys.readouterr().out
    assert ServiceCorrection.objects.get().request_id == request.pk
    assert main(["reports", "correct", str(request.pk), "litter"]) == 2
    assert "already has the service litter" in capsys.readouterr().err
    assert main(["reports", "correct", "999999", "litter"]) == 2
    assert "not found with id 999999" in capsys.readouterr().err
