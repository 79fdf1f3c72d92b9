"""The shared 1,000,000-row test file of ../shared/bench/PEERS.md, made deterministically.

Columns id,municipality,category,lat,lon,date,amount,text; 300 municipalities, 12 categories, lat in
[47, 55), lon in [5, 15) with 6 decimals, dates uniform in 2015-01-01..2024-12-29, amounts lognormal(8, 1.5)
rounded to cents, text of 4–12 words drawn Zipf-like from 50 English words plus 15,000 pseudo-words.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
from pathlib import Path

CATEGORIES = [
    "roads", "schools", "health", "parks", "water", "energy",
    "housing", "transport", "culture", "safety", "waste", "sports",
]  # fmt: skip
WORDS = (  # noqa: SIM905 (the words read as a sentence)
    "street light bin park road school water energy house bus train bike tree noise repair broken "
    "report budget grant library museum pool field bridge canal harbour market square tower garden "
    "playground parking permit waste recycling collection sewer flood storm heat solar wind school "
    "teacher health clinic care youth senior sport culture festival"
).split()
SEED = 20261204


def _pseudo_words(rng: random.Random, n: int) -> list[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    seen: set[str] = set()
    out: list[str] = []
    while len(out) < n:
        w = "".join(rng.choice(letters) for _ in range(rng.randint(4, 9)))
        if w not in seen:
            seen.add(w)
            out.append(w)
    return out


def generate(path: Path, rows: int = 1_000_000) -> Path:
    """Write the file unless it already exists with the expected row count marker."""
    rng = random.Random(SEED)
    vocabulary = WORDS + _pseudo_words(rng, 15_000)
    weights = [1.0 / (rank + 1) ** 1.07 for rank in range(len(vocabulary))]
    cumulative: list[float] = []
    total = 0.0
    for w in weights:
        total += w
        cumulative.append(total)
    start = dt.date(2015, 1, 1)
    span = (dt.date(2024, 12, 29) - start).days + 1
    municipalities = [f"Municipality {i:03d}" for i in range(300)]
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".tmp")
    with tmp.open("w", newline="", encoding="utf-8") as fh:
        out = csv.writer(fh)
        out.writerow(["id", "municipality", "category", "lat", "lon", "date", "amount", "text"])
        for i in range(1, rows + 1):
            words = rng.choices(vocabulary, cum_weights=cumulative, k=rng.randint(4, 12))
            out.writerow(
                [
                    i,
                    rng.choice(municipalities),
                    rng.choice(CATEGORIES),
                    f"{rng.uniform(47, 55):.6f}",
                    f"{rng.uniform(5, 15):.6f}",
                    (start + dt.timedelta(days=rng.randrange(span))).isoformat(),
                    f"{rng.lognormvariate(8, 1.5):.2f}",
                    " ".join(words),
                ]
            )
    tmp.replace(path)
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("path", type=Path)
    parser.add_argument("--rows", type=int, default=1_000_000)
    args = parser.parse_args()
    generate(args.path, args.rows)
    print(args.path)


if __name__ == "__main__":
    main()
