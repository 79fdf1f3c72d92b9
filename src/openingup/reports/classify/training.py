"""What a classifier learns from: the seed set plus the municipality's own history.

Every filed request with a description is an example labelled with its service as it stands now,
so after the back office corrected it, with the corrected service. A corrected request weighs
:data:`CORRECTION_WEIGHT` times a plain filing: someone looked at it and said what it really is, and
one correction has to outweigh the seed examples that taught the wrong answer.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from openingup.reports.classify import evaluation, seed
from openingup.reports.classify.model import Classifier, Example
from openingup.reports.classify.models import ServiceCorrection
from openingup.reports.models import ServiceRequest
from openingup.social.enrich.language import detect

HISTORY_WEIGHT = 1.0
CORRECTION_WEIGHT = 3.0
MAX_HISTORY = 200_000  # the newest requests; older ones add little and cost training time
MIN_TEXT = 3


def history() -> list[Example]:
    """Examples from filed requests (newest first, at most :data:`MAX_HISTORY`), labelled with their
    final service code, in the language detected from the text."""
    corrected = set(ServiceCorrection.objects.values_list("request_id", flat=True))
    rows = (
        ServiceRequest.objects.exclude(description="")
        .filter(harvest_source__isnull=True)  # another city's requests are not this one's history
        .order_by("-requested_datetime", "-id")
        .values_list("id", "description", "service__code")[:MAX_HISTORY]
    )
    found = []
    for request_id, text, code in rows:
        text = text.strip()
        if len(text) < MIN_TEXT:
            continue
        weight = CORRECTION_WEIGHT if request_id in corrected else HISTORY_WEIGHT
        source = "correction" if request_id in corrected else "history"
        found.append(Example(text, code, detect(text).language, weight, source))
    return found


@dataclass
class Outcome:
    classifier: Classifier
    report: evaluation.Report
    examples: int
    sources: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)

    def metrics(self) -> dict[str, Any]:
        return {
            "evaluation": self.report.as_dict(),
            "sources": self.sources,
            "labels": self.classifier.labels,
            "languages": self.classifier.languages,
            "seconds": self.seconds,
        }


def train(
    examples: list[Example] | None = None, progress: Callable[[float, str], None] | None = None
) -> Outcome:
    """Evaluate (cross-validation) and fit on all ``examples`` (default: seed + history).
    ValueError when there is too little to learn from."""
    report_progress = progress or (lambda share, message: None)
    if examples is None:
        report_progress(0.02, "collecting examples")
        examples = list(seed.examples()) + history()
    started = time.perf_counter()
    report = evaluation.cross_validate(
        examples, progress=lambda share: report_progress(0.05 + 0.8 * share, "")
    )
    evaluated = time.perf_counter()
    report_progress(0.88, "fitting the final model")
    classifier = Classifier.fit(examples)
    fitted = time.perf_counter()
    return Outcome(
        classifier=classifier,
        report=report,
        examples=len(examples),
        sources=dict(Counter(e.source for e in examples)),
        seconds={"evaluation": round(evaluated - started, 3), "training": round(fitted - evaluated, 3)},
    )
