"""Report classification: latency of one suggestion (p50/p95) and training time, against baselines
measured in the same run.

Usage: ``python bench/classify_bench.py [--texts N]``. The texts are the seed set's, in all seven
languages. Latency is for one text at a time, as the report form and Open311 ask: the classifier's
own path, scikit-learn's ``predict_proba`` for the same model (the peer), and the keyword match over
the demo services that ``reports.suggest`` falls back to (the baseline). Training is timed on the
seed set: one fit, and a full training run (5-fold cross-validation plus the final fit).
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("OPENINGUP_HOME", tempfile.mkdtemp(prefix="classify-bench-"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openingup.settings")

import django  # noqa: E402

django.setup()

from openingup.reports.classify import seed, training  # noqa: E402
from openingup.reports.classify.model import Classifier  # noqa: E402
from openingup.reports.models import Service  # noqa: E402
from openingup.reports.suggest import keyword_suggestions  # noqa: E402


def _latencies(texts: list[tuple[str, str]], answer: Callable[[str, str], object]) -> list[float]:
    for text, language in texts[:20]:
        answer(text, language)  # warm up
    found = []
    for text, language in texts:
        started = time.perf_counter()
        answer(text, language)
        found.append((time.perf_counter() - started) * 1000)
    return found


def _line(name: str, values: list[float], baseline: float | None = None) -> str:
    p50 = statistics.median(values)
    p95 = statistics.quantiles(values, n=20)[18]
    ratio = f"  ({p50 / baseline:.1f}x baseline p50)" if baseline else ""
    return f"{name:<34} p50 {p50:7.3f} ms   p95 {p95:7.3f} ms{ratio}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--texts", type=int, default=3000)
    args = parser.parse_args()
    examples = list(seed.examples())
    texts = [(e.text, e.language) for e in examples]
    texts = (texts * (args.texts // len(texts) + 1))[: args.texts]

    started = time.perf_counter()
    model = Classifier.fit(examples)
    fit_seconds = time.perf_counter() - started
    started = time.perf_counter()
    outcome = training.train(examples)
    train_seconds = time.perf_counter() - started

    demo = json.loads((ROOT / "src/openingup/reports/demo/services.json").read_text("utf-8"))
    services = [
        Service(code=s["code"], name=s["name"], keywords=s["keywords"], group=s["group"])
        for s in demo["services"]
    ]
    keyword = _latencies(texts, lambda text, language: keyword_suggestions(text, services))
    fast = _latencies(texts, model.probabilities)
    peer = _latencies(texts, lambda text, language: model.probabilities_many([text], [language]))

    base = statistics.median(keyword)
    print(
        f"texts: {len(texts):,} (seed set, 7 languages); "
        f"examples: {len(examples)}; labels: {len(model.labels)}"
    )
    print(_line("keyword match (baseline)", keyword))
    print(_line("classifier, one text", fast, base))
    print(_line("scikit-learn predict_proba (peer)", peer, base))
    print(f"training: one fit {fit_seconds:.2f} s; train with 5-fold evaluation {train_seconds:.2f} s")
    print(f"cross-validated accuracy {outcome.report.accuracy:.3f}, macro F1 {outcome.report.macro_f1:.3f}")


if __name__ == "__main__":
    main()
