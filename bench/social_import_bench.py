"""Import of an archived X/Twitter account (issue 7, "Speed": import of 1,000,000 archived messages).

    .venv/bin/python bench/social_import_bench.py [--messages 1000000] [--seed 7] [--file tweets.js]

1. generate ``--messages`` tweets as an X/Twitter archive's ``data/tweets.js`` (``window.YTD.tweets.part0
   = [{"tweet": {...}}, ...]``, every field the archive has; seeded, deterministic; about a third are
   replies to an earlier tweet, several languages, some with media), unless ``--file`` names one;
2. run, each in a process of its own so that its peak memory (max RSS) is its own:

   * ``json-parse`` (baseline): read the file and ``json.loads`` it whole, the least any import does;
   * ``read``: the importer's streaming reader alone (every tweet parsed and normalised, nothing stored);
   * ``import``: ``openingup social import --format twitter FILE`` into a fresh SQLite ``OPENINGUP_HOME``:
     read, enrich (language, sentiment, keywords, topics, places), store messages and conversations,
     append to the archive's hash chain;
   * ``import`` of the first quarter of the file, to show whether peak memory grows with the file;

3. print seconds, messages/s and peak RSS per run, and the ratios. Nothing is asserted.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
TEXTS = {
    "nl": [
        "De lantaarnpaal in de {street} is kapot, wie kan dit oplossen?",
        "Vanaf maandag is de {street} afgesloten voor werkzaamheden.",
        "Bedankt voor de snelle reactie, het afval is opgehaald.",
        "Het nieuwe park aan de {street} ziet er prachtig uit.",
        "Waarom is de milieustraat op zaterdag dicht?",
    ],
    "en": [
        "The streetlight on {street} has been broken for a week.",
        "Road works on {street} start on Monday, expect delays.",
        "Thanks for the quick answer about the bin collection!",
    ],
    "fr": ["La rue {street} sera fermée lundi pour travaux.", "Merci pour la réponse rapide !"],
    "de": ["Die {street} ist ab Montag gesperrt.", "Danke für die schnelle Hilfe!"],
}
STREETS = ["Kerkstraat", "Molenweg", "Stationsplein", "Dorpsstraat", "Nieuwe Markt", "Beukenlaan"]


def generate(path: Path, count: int, seed: int) -> None:
    """Write ``count`` tweets, newest first as the archive has them, to ``path``."""
    rng = random.Random(seed)
    start = datetime(2012, 1, 1, tzinfo=UTC)
    languages = ["nl"] * 6 + ["en"] * 2 + ["fr", "de"]
    with path.open("w", encoding="utf-8") as out:
        out.write("window.YTD.tweets.part0 = [")
        for n in range(count, 0, -1):
            tweet_id = 1_000_000_000_000_000_000 + n * 7919
            language = rng.choice(languages)
            text = rng.choice(TEXTS[language]).format(street=rng.choice(STREETS)) + f" #{n % 97}"
            moment = start + timedelta(seconds=n * 300 + rng.randrange(300))
            tweet: dict[str, object] = {
                "edit_info": {
                    "initial": {"editTweetIds": [str(tweet_id)], "editableUntil": moment.isoformat()}
                },
                "retweeted": False,
                "source": '<a href="https://mobile.twitter.com" rel="nofollow">Twitter Web App</a>',
                "entities": {
                    "hashtags": [{"text": str(n % 97), "indices": ["0", "3"]}],
                    "symbols": [],
                    "user_mentions": [],
                    "urls": [],
                },
                "display_text_range": ["0", str(len(text))],
                "favorite_count": str(rng.randrange(20)),
                "id_str": str(tweet_id),
                "truncated": False,
                "retweet_count": str(rng.randrange(5)),
                "id": str(tweet_id),
                "created_at": moment.strftime("%a %b %d %H:%M:%S +0000 %Y"),
                "favorited": False,
                "full_text": text,
                "lang": language,
            }
            if n > 10 and rng.random() < 0.33:
                parent = 1_000_000_000_000_000_000 + (n - rng.randrange(1, 10)) * 7919
                tweet["in_reply_to_status_id_str"] = tweet["in_reply_to_status_id"] = str(parent)
                tweet["in_reply_to_user_id_str"] = tweet["in_reply_to_user_id"] = "12345"
                tweet["in_reply_to_screen_name"] = "gemeente"
            if rng.random() < 0.05:
                tweet["extended_entities"] = {
                    "media": [
                        {
                            "type": "photo",
                            "media_url_https": f"https://pbs.twimg.com/media/{n}.jpg",
                            "id_str": str(n),
                        }
                    ]
                }
            out.write(("" if n == count else ",") + json.dumps({"tweet": tweet}, separators=(",", ":")))
        out.write("]")


def child(mode: str, file: str) -> None:
    """One measured run; prints ``count`` and ``seconds`` lines."""
    started = time.perf_counter()
    if mode == "json-parse":
        text = Path(file).read_text("utf-8")
        count = len(json.loads(text[text.index("[") :]))
    elif mode == "read":
        sys.path.insert(0, str(ROOT / "src"))
        from openingup.social.imports import iter_export

        with open(file, "rb") as handle:
            count = sum(1 for _ in iter_export("twitter", handle))
    else:
        raise SystemExit(f"unknown mode {mode}")
    print(f"seconds {time.perf_counter() - started:.3f}")
    print(count)


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[str, float, float]:
    """Run a child; its output, wall seconds and peak RSS in MiB."""
    launcher = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "w = time.perf_counter() - t\n"
        "sys.stdout.write(p.stdout)\n"
        "sys.stderr.write(p.stderr)\n"
        "print('wall', w)\n"
        "print('maxrss', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\n"
        "sys.exit(p.returncode)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", launcher, *command],
        capture_output=True,
        text=True,
        env=env or os.environ.copy(),
    )
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed ({done.returncode}):\n{done.stdout}\n{done.stderr}")
    lines = done.stdout.splitlines()
    wall = float(next(line for line in lines if line.startswith("wall ")).split()[1])
    rss = int(next(line for line in lines if line.startswith("maxrss ")).split()[1]) / 1024
    return done.stdout, wall, rss


def import_run(file: Path, expected: int) -> tuple[float, float]:
    home = Path(tempfile.mkdtemp(prefix="openingup-import-bench-"))
    env = {**os.environ, "OPENINGUP_HOME": str(home), "DJANGO_SETTINGS_MODULE": "openingup.settings"}
    try:
        # Migrate first, outside the measured run.
        subprocess.run(
            [str(ROOT / ".venv/bin/openingup"), "social", "channel", "list"],
            env=env,
            check=True,
            capture_output=True,
        )
        out, wall, rss = measure(
            [str(ROOT / ".venv/bin/openingup"), "social", "import", "--format", "twitter", str(file)], env
        )
        if f"{expected} new" not in out:
            raise SystemExit(f"the import did not store {expected} messages: {out}")
        return wall, rss
    finally:
        shutil.rmtree(home, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--messages", type=int, default=1_000_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--file", default="", help="an existing tweets.js (default: generate one)")
    parser.add_argument(
        "--no-quarter", action="store_true", help="skip the import of a quarter of the file (memory check)"
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    work = Path(tempfile.mkdtemp(prefix="openingup-import-data-"))
    try:
        if args.file:
            file = Path(args.file)
        else:
            file = work / "tweets.js"
            started = time.perf_counter()
            generate(file, args.messages, args.seed)
            print(
                f"generated {args.messages:,} tweets ({file.stat().st_size / 2**20:,.0f} MiB) "
                f"in {time.perf_counter() - started:.1f} s"
            )
        quarter = work / "tweets-quarter.js"
        if not args.no_quarter:
            generate(quarter, max(args.messages // 4, 1), args.seed)
        count = args.messages
        me = [sys.executable, str(Path(__file__).resolve()), "--child"]
        rows = []
        for mode, name in (
            ("json-parse", "json.loads of the whole file (baseline)"),
            ("read", "streaming reader alone"),
        ):
            out, _, rss = measure([*me, mode, str(file)])
            lines = out.splitlines()
            if int(lines[1]) != count:
                raise SystemExit(f"{mode} read {lines[1]} tweets, not {count}")
            rows.append((name, count, float(lines[0].split()[1]), rss))
        if not args.no_quarter:
            wall, rss = import_run(quarter, max(args.messages // 4, 1))
            rows.append(("openingup social import, 1/4 of the file", max(args.messages // 4, 1), wall, rss))
        wall, rss = import_run(file, count)
        rows.append(("openingup social import", count, wall, rss))
        print(f"\n{'run':44} {'messages':>10} {'seconds':>9} {'messages/s':>11} {'peak RSS':>10}")
        for name, n, seconds, peak in rows:
            print(f"{name:44} {n:10,} {seconds:9.1f} {n / seconds:11,.0f} {peak:7.0f} MiB")
        base = rows[0]
        full = rows[-1]
        print(
            f"\nimport / json.loads: {full[2] / base[2]:.1f}x the time, {full[3] / base[3]:.2f}x the memory"
        )
        if not args.no_quarter:
            quarter_rss = rows[2][3]
            print(
                f"peak RSS of the import: {quarter_rss:.0f} MiB at 1/4 of the file, {full[3]:.0f} MiB at all"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
