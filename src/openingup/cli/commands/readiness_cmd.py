"""``openingup readiness``: list the instruments, export an organisation's results, exchange the benchmark."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from openingup.cli.commands.common import fail, migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("readiness", help="Readiness self-assessments and the cross-instance benchmark.")
    inner = p.add_subparsers(
        dest="action",
        metavar="ACTION",
        required=True,
        help="instruments, export, benchmark-export, benchmark-import or benchmark-publish",
    )
    listing = inner.add_parser(
        "instruments", help="The instruments: id, version, title per language, number of questions."
    )
    listing.add_argument("--format", choices=["text", "json"], default="text")
    listing.add_argument("--all-versions", action="store_true", help="Every version, not only the latest.")
    listing.set_defaults(run=run_instruments)
    export = inner.add_parser("export", help="An organisation's assessments and results as JSON.")
    export.add_argument("organisation", metavar="ORGANISATION", help="The organisation's slug.")
    export.set_defaults(run=run_export)
    bench = inner.add_parser("benchmark-export", help="This instance's anonymised results (open data).")
    bench.add_argument("--format", choices=["json", "csv"], default="json")
    bench.add_argument("--instrument", default="", help="Only this instrument.")
    bench.set_defaults(run=run_benchmark_export)
    imp = inner.add_parser("benchmark-import", help="Import another instance's benchmark file (JSON or CSV).")
    imp.add_argument("file", metavar="FILE", help="The file (- for standard input).")
    imp.add_argument("--origin", required=True, metavar="URL", help="The other instance's URL.")
    imp.set_defaults(run=run_benchmark_import)
    pub = inner.add_parser(
        "benchmark-publish", help="Publish the benchmark in the catalogue (DCAT-AP, JSON and CSV)."
    )
    pub.add_argument("--publisher", required=True, metavar="SLUG", help="The publishing organisation.")
    pub.set_defaults(run=run_benchmark_publish)


def run_instruments(args: argparse.Namespace) -> int:
    from openingup.readiness.instruments import InstrumentError, all_instruments

    try:
        found = all_instruments(latest_only=not args.all_versions)
    except InstrumentError as exc:
        return fail(str(exc), 1)
    rows = [
        {
            "id": i.id,
            "version": i.version,
            "published": i.published,
            "title": i.title,
            "questions": len(i.questions()),
        }
        for i in found
    ]
    if args.format == "json":
        print(json.dumps(rows, indent=2, ensure_ascii=False))
        return 0
    for i in found:
        print(f"{i.id}\t{i.version}\t{len(i.questions())} questions\t{i.title.get('en', '')}")
        for lang, text in i.title.items():
            if lang != "en":
                print(f"\t\t{lang}: {text}")
    return 0


def run_export(args: argparse.Namespace) -> int:
    from openingup.organisations.models import Organisation
    from openingup.readiness import queries

    migrate()
    organisation = Organisation.objects.filter(slug=args.organisation).first()
    if organisation is None:
        return fail(f"no organisation with slug {args.organisation!r}")
    print(json.dumps(queries.export_organisation(organisation), indent=2, ensure_ascii=False))
    return 0


def run_benchmark_export(args: argparse.Namespace) -> int:
    from openingup.readiness import exchange

    migrate()
    if args.format == "csv":
        sys.stdout.write(exchange.export_benchmark_csv(args.instrument or None))
    else:
        document = exchange.export_benchmark(args.instrument or None)
        print(json.dumps(document, indent=2, ensure_ascii=False))
    return 0


def run_benchmark_import(args: argparse.Namespace) -> int:
    from openingup.core.errors import ServiceError
    from openingup.readiness import services

    try:
        payload = sys.stdin.buffer.read() if args.file == "-" else Path(args.file).read_bytes()
    except OSError as exc:
        return fail(f"cannot read {args.file}: {exc.strerror}")
    migrate()
    try:
        count = services.import_benchmark(actor=None, payload=payload, origin=args.origin)
    except ServiceError as exc:
        print(f"error: {exc.message}", file=sys.stderr)
        for problem in exc.problems:
            print(f"  {problem.field}: {problem.problem}", file=sys.stderr)
        return 1
    print(f"imported {count} entries from {args.origin}")
    return 0


def run_benchmark_publish(args: argparse.Namespace) -> int:
    from openingup.core.errors import ServiceError
    from openingup.organisations.models import Organisation
    from openingup.readiness import exchange

    migrate()
    publisher = Organisation.objects.filter(slug=args.publisher).first()
    if publisher is None:
        return fail(f"no organisation with slug {args.publisher!r}")
    try:
        dataset = exchange.publish_benchmark(publisher=publisher)
    except ServiceError as exc:
        return fail(str(exc), 1)
    print(f"published dataset {dataset.slug} ({dataset.distributions.count()} distributions)")
    return 0
