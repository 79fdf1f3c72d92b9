"""Enrichment throughput of the social context (messages/s), against a baseline in the same run.

Usage: ``python bench/social_bench.py [--messages N] [--workers W]``. The messages are the labelled
evaluation set repeated; the baseline is tokenising alone (the least any enrichment must do), so the
printed ratio says what language, sentiment, keywords, topics, places and the service-request score
cost on top. Target: ≥ 2,000 messages/s on 2 cores.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from openingup.social.enrich import enrich
from openingup.social.enrich.evaluation import labelled
from openingup.social.enrich.places import Gazetteer, Place
from openingup.social.enrich.tokens import words

GAZETTEER = Gazetteer([Place(f"Straat{n}", "street") for n in range(500)] + [Place("Grote Markt", "square")])


def _enrich_all(texts: list[str]) -> int:
    for text in texts:
        enrich(text, gazetteer=GAZETTEER)
    return len(texts)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--messages", type=int, default=20_000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    base = [row["text"] for row in labelled()]
    texts = (base * (args.messages // len(base) + 1))[: args.messages]

    started = time.perf_counter()
    for text in texts:
        words(text)
    baseline = len(texts) / (time.perf_counter() - started)

    started = time.perf_counter()
    _enrich_all(texts)
    single = len(texts) / (time.perf_counter() - started)

    chunks = [texts[i :: args.workers] for i in range(args.workers)]
    with ProcessPoolExecutor(args.workers) as pool:
        list(pool.map(_enrich_all, [c[:10] for c in chunks]))  # warm up: load the models in each worker
        started = time.perf_counter()
        done = sum(pool.map(_enrich_all, chunks))
        parallel = done / (time.perf_counter() - started)

    print(f"messages: {len(texts):,}")
    print(f"tokenise only (baseline): {baseline:12,.0f} messages/s")
    print(f"enrich, 1 process:        {single:12,.0f} messages/s  ({single / baseline:.2f}x baseline)")
    print(f"enrich, {args.workers} processes:       {parallel:12,.0f} messages/s  (target >= 2,000)")


if __name__ == "__main__":
    main()
