"""Import of an archived X/Twitter account (issue 7, "Speed": import of 1,000,000 archived messages).

    .venv/bin/python bench/social_import_bench.py [--messages 1000000] [--seed 7] [--file tweets.js]
        [--workers N] [--no-quarter] [--database-url postgres://…]

1. generate ``--messages`` tweets as an X/Twitter archive's ``data/tweets.js`` (``window.YTD.tweets.part0
   = [{"tweet": {...}}, ...]``, every field the archive has; seeded, deterministic; about a third are
   replies to an earlier tweet, several languages, some with media), unless ``--file`` names one;
2. run, each in a process of its own so that its peak memory (max RSS) is its own:

   * ``json-parse`` (baseline): read the file and ``json.loads`` it whole, the least any import does;
   * ``read``: the importer's streaming reader alone (every tweet parsed and normalised, nothing stored);
   * ``import``: ``openingup social import --format twitter FILE`` into a fresh SQLite ``OPENINGUP_HOME``
     (or the empty PostgreSQL database of ``--database-url``): read, enrich (language, sentiment,
     keywords, topics, places, service request) in ``--workers`` processes, store messages and
     conversations, append to the archive's hash chain;
   * the same import again (deduplication: it must add nothing), and ``openingup social
     archive-verify`` (the chain must be intact);
   * ``import`` of the first quarter of the file, to show whether peak memory grows with the file;

3. print seconds, messages/s, CPU seconds (the importer and its enrichment workers together: on a shared
   machine the wall time also counts other programs' turns) and peak RSS per run, and the ratios.
   Nothing is asserted but the counts.
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


def measure(command: list[str], env: dict[str, str] | None = None) -> tuple[str, float, float, float]:
    """Run a child; its output, wall seconds, CPU seconds (it and its own children) and peak RSS in MiB
    (the largest process: the importer, or one of its enrichment workers)."""
    launcher = (
        "import resource, subprocess, sys, time\n"
        "t = time.perf_counter()\n"
        "p = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "w = time.perf_counter() - t\n"
        "sys.stdout.write(p.stdout)\n"
        "sys.stderr.write(p.stderr)\n"
        "u = resource.getrusage(resource.RUSAGE_CHILDREN)\n"
        "print('wall', w)\n"
        "print('cpu', u.ru_utime + u.ru_stime)\n"
        "print('maxrss', u.ru_maxrss)\n"
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
    split = [line for line in done.stderr.splitlines() if "CPU seconds: importer" in line]
    if split:
        print(f"  {command[-1] if len(command) < 6 else ' '.join(command[1:4])}: {split[-1]}", flush=True)
    cpu = float(next(line for line in lines if line.startswith("cpu ")).split()[1])
    rss = int(next(line for line in lines if line.startswith("maxrss ")).split()[1]) / 1024
    return done.stdout, wall, cpu, rss


Row = tuple[str, int, float, float, float]  # name, messages, seconds, CPU seconds, peak RSS


def _reset_postgres(url: str) -> None:
    """Empty the PostgreSQL database of ``url`` (the bench's own: every table is dropped)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as db:
        db.execute("DROP SCHEMA public CASCADE")
        db.execute("CREATE SCHEMA public")


def import_runs(file: Path, expected: int, workers: int, database_url: str, again: bool) -> list[Row]:
    home = Path(tempfile.mkdtemp(prefix="openingup-import-bench-"))
    env = {**os.environ, "OPENINGUP_HOME": str(home), "DJANGO_SETTINGS_MODULE": "openingup.settings"}
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
        _reset_postgres(database_url)
    tool = str(ROOT / ".venv/bin/openingup")
    command = [tool, "social", "import", "--format", "twitter", "--workers", str(workers), str(file)]
    where = "PostgreSQL" if database_url else "SQLite"
    try:
        # Migrate first, outside the measured run.
        subprocess.run([tool, "social", "channel", "list"], env=env, check=True, capture_output=True)
        out, wall, cpu, rss = measure(command, env)
        if f"{expected} new" not in out:
            raise SystemExit(f"the import did not store {expected} messages: {out}")
        rows: list[Row] = [(f"openingup social import ({where})", expected, wall, cpu, rss)]
        if again:
            out, wall, cpu, rss = measure(command, env)
            if f"0 new, 0 edited, 0 deleted, {expected} already known" not in out:
                raise SystemExit(f"importing the file again changed something: {out}")
            rows.append(("the same import again (adds nothing)", expected, wall, cpu, rss))
            out, wall, cpu, rss = measure([tool, "social", "archive-verify"], env)
            if f"{expected} entries checked: the chain is intact" not in out:
                raise SystemExit(f"the archive's chain does not verify: {out}")
            rows.append(("openingup social archive-verify", expected, wall, cpu, rss))
        return rows
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
        "--workers", type=int, default=0, help="enrichment processes of the import (default: one per CPU)"
    )
    parser.add_argument(
        "--database-url",
        default="",
        help="import into this PostgreSQL database instead of SQLite; EVERY TABLE IN IT IS DROPPED first",
    )
    parser.add_argument(
        "--no-quarter", action="store_true", help="skip the import of a quarter of the file (memory check)"
    )
    parser.add_argument("--child", nargs=2, metavar=("MODE", "FILE"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(*args.child)
        return
    workers = args.workers if args.workers > 0 else len(os.sched_getaffinity(0))
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
                f"in {time.perf_counter() - started:.1f} s",
                flush=True,
            )
        quarter = work / "tweets-quarter.js"
        if not args.no_quarter:
            generate(quarter, max(args.messages // 4, 1), args.seed)
        count = args.messages
        me = [sys.executable, str(Path(__file__).resolve()), "--child"]
        rows: list[Row] = []
        for mode, name in (
            ("json-parse", "json.loads of the whole file (baseline)"),
            ("read", "streaming reader alone"),
        ):
            out, _, cpu, rss = measure([*me, mode, str(file)])
            lines = out.splitlines()
            if int(lines[1]) != count:
                raise SystemExit(f"{mode} read {lines[1]} tweets, not {count}")
            rows.append((name, count, float(lines[0].split()[1]), cpu, rss))
        if not args.no_quarter:
            name, n, wall, cpu, rss = import_runs(
                quarter, max(count // 4, 1), workers, args.database_url, False
            )[0]
            rows.append((name.replace("import", "import, 1/4 of the file"), n, wall, cpu, rss))
        full = import_runs(file, count, workers, args.database_url, True)
        rows += full
        print(f"\nenrichment workers: {workers}; CPUs this process may use: {len(os.sched_getaffinity(0))}")
        print(
            f"\n{'run':46} {'messages':>10} {'seconds':>9} {'messages/s':>11} {'CPU s':>8} "
            f"{'msg/CPU s':>10} {'peak RSS':>10}"
        )
        for name, n, seconds, cpu, peak in rows:
            print(
                f"{name:46} {n:10,} {seconds:9.1f} {n / seconds:11,.0f} {cpu:8.1f} {n / cpu:10,.0f} "
                f"{peak:6.0f} MiB"
            )
        base, imported = rows[0], full[0]
        print(
            f"\nimport / json.loads: {imported[2] / base[2]:.1f}x the time, "
            f"{imported[4] / base[4]:.2f}x the memory"
        )
        if not args.no_quarter:
            print(
                f"peak RSS of the import: {rows[2][4]:.0f} MiB at 1/4 of the file, "
                f"{imported[4]:.0f} MiB at all of it"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
