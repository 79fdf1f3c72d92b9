"""``openingup quality``: compute MQA scores, check links, print the HVD compliance report."""

from __future__ import annotations

import argparse
import json
import sys

from openingup.cli.commands.common import fail, migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("quality", help="Metadata quality: MQA scores, link checks, HVD compliance.")
    inner = p.add_subparsers(dest="action", metavar="ACTION", required=True, help="score, check-links or hvd")
    score = inner.add_parser("score", help="Compute the MQA score of the given datasets (or of all).")
    score.add_argument("slugs", nargs="*", metavar="SLUG", help="Datasets to score.")
    score.add_argument("--all", action="store_true", help="Score every dataset of the catalogue.")
    score.set_defaults(run=run_score)
    links = inner.add_parser(
        "check-links",
        help="Check access and download URLs that are due (never checked or older than "
        "OPENINGUP_LINK_CHECK_MAX_AGE_HOURS), then rescore the datasets using them.",
    )
    links.add_argument("--all", action="store_true", help="Check every link, however recently checked.")
    links.add_argument("--dataset", action="append", default=[], metavar="SLUG", help="Only this dataset.")
    links.add_argument(
        "--enqueue", action="store_true", help="Hand the check to the background worker (for schedules)."
    )
    links.set_defaults(run=run_check_links)
    hvd = inner.add_parser("hvd", help="Print the HVD compliance report of the published datasets as JSON.")
    hvd.set_defaults(run=run_hvd)


def run_score(args: argparse.Namespace) -> int:
    from openingup.catalogue.models import Dataset
    from openingup.quality import services

    if not args.all and not args.slugs:
        return fail("name the datasets to score, or give --all")
    migrate()
    if args.all:
        done = services.score_all()
        print(f"scored {done} datasets", file=sys.stderr)
        return 0
    missing = [slug for slug in args.slugs if not Dataset.objects.filter(slug=slug).exists()]
    if missing:
        return fail(f"no dataset {', '.join(repr(s) for s in missing)}")
    for slug in args.slugs:
        row = services.score_dataset(dataset_id=Dataset.objects.get(slug=slug).pk)
        if row is not None:
            print(f"{slug}\t{row.total}\t{row.band}")
    return 0


def run_check_links(args: argparse.Namespace) -> int:
    from openingup.catalogue.models import Dataset
    from openingup.core.tasks import enqueue
    from openingup.quality import services

    migrate()
    if args.enqueue:
        if args.dataset:
            return fail("--enqueue checks every due link; leave out --dataset")
        job = enqueue("quality.check_links", everything=args.all)
        print(f"queued link check {job.pk}", file=sys.stderr)
        return 0
    ids = None
    if args.dataset:
        found = dict(Dataset.objects.filter(slug__in=args.dataset).values_list("slug", "pk"))
        missing = [slug for slug in args.dataset if slug not in found]
        if missing:
            return fail(f"no dataset {', '.join(repr(s) for s in missing)}")
        ids = list(found.values())
    urls = services.links_to_check(everything=args.all, dataset_ids=ids)
    print(f"checking {len(urls)} links …", file=sys.stderr)
    summary = services.check_links(urls=urls)
    checked, failed, rescored = summary["checked"], summary["failed"], summary["rescored"]
    print(f"checked {checked} links, {failed} failed; rescored {rescored} datasets")
    return 1 if summary["failed"] else 0


def run_hvd(args: argparse.Namespace) -> int:
    from openingup.catalogue import queries
    from openingup.quality import hvd

    migrate()
    reports = hvd.reports(queries.public_datasets(), queries.public_data_services())
    print(json.dumps([r.as_json() for r in reports], indent=2, ensure_ascii=False))
    return 0
