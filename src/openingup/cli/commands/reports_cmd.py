"""``openingup reports``: train the report classifier, print its evaluation, try a suggestion; the
privacy run (``anonymise``) and the open dataset (``publish-dataset``), both for a daily cron."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from openingup.cli.commands.common import fail, migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "reports", help="Citizen reports: the service classifier, privacy and the open dataset."
    )
    inner = p.add_subparsers(
        dest="action",
        metavar="ACTION",
        required=True,
        help="train, evaluate, suggest, correct, anonymise, publish-dataset",
    )
    train = inner.add_parser("train", help="Train on the seed set and the history; make the model active.")
    train.add_argument("--format", choices=["text", "json"], default="text", help="How to print the report.")
    train.set_defaults(run=run_train)
    evaluate = inner.add_parser(
        "evaluate", help="Print the active model's evaluation (or evaluate now when there is none)."
    )
    evaluate.add_argument("--format", choices=["text", "json"], default="text", help="How to print it.")
    evaluate.add_argument(
        "--fresh", action="store_true", help="Cross-validate on today's examples instead; stores nothing."
    )
    evaluate.set_defaults(run=run_evaluate)
    suggest = inner.add_parser("suggest", help="Print the suggested services for a text.")
    suggest.add_argument("text", help="What a citizen wrote.")
    suggest.add_argument("--language", default="", help="Its language (en, nl, fr, de, da, sv, nb).")
    suggest.set_defaults(run=run_suggest)
    correct = inner.add_parser(
        "correct", help="Move a request to another service (the next training learns it)."
    )
    correct.add_argument("request_id", help="The request's id (its Open311 service_request_id).")
    correct.add_argument("service_code", help="The service it really belongs to.")
    correct.set_defaults(run=run_correct)
    anonymise = inner.add_parser(
        "anonymise",
        help="Remove reporters' contact data after the set period; delete reports past the retention.",
    )
    anonymise.add_argument("--dry-run", action="store_true", help="Only print what would change.")
    anonymise.set_defaults(run=run_anonymise)
    dataset = inner.add_parser(
        "publish-dataset", help="Publish today's open dataset of reports in the catalogue (daily)."
    )
    dataset.set_defaults(run=run_publish_dataset)


def _print(report_data: dict[str, Any], heading: str, fmt: str) -> None:
    from openingup.reports.classify import evaluation

    if fmt == "json":
        json.dump(report_data, sys.stdout, indent=2, ensure_ascii=False)
        print()
        return
    print(heading)
    print(evaluation.as_text(evaluation.Report.from_dict(report_data["evaluation"])))


def run_train(args: argparse.Namespace) -> int:
    from openingup.core.errors import InvalidInput
    from openingup.reports.classify import services

    migrate()
    try:
        model = services.train_classifier(actor=None)
    except InvalidInput as exc:
        return fail(exc.message)
    sources = ", ".join(f"{n} {source}" for source, n in sorted(model.metrics["sources"].items()))
    _print(
        {"model_id": model.pk, "trained_on": model.trained_on, **model.metrics},
        f"trained model {model.pk} on {model.trained_on} examples ({sources}); it is now active",
        args.format,
    )
    return 0


def run_evaluate(args: argparse.Namespace) -> int:
    from openingup.reports.classify import queries, training

    migrate()
    model = None if args.fresh else queries.active_model()
    if model is not None:
        data = {"model_id": model.pk, "trained_on": model.trained_on, **model.metrics}
        heading = (
            f"model {model.pk}, trained {model.created_at:%Y-%m-%d %H:%M} on {model.trained_on} examples"
        )
    else:
        try:
            outcome = training.train()
        except ValueError as exc:
            return fail(str(exc))
        data = {"model_id": None, "trained_on": outcome.examples, **outcome.metrics()}
        heading = f"no model stored; evaluated now on {outcome.examples} examples (nothing was saved)"
    _print(data, heading, args.format)
    return 0


def run_suggest(args: argparse.Namespace) -> int:
    from openingup.reports.classify import suggest

    migrate()
    try:
        found = suggest(args.text, args.language or None)
    except ValueError as exc:
        return fail(str(exc))
    for code, confidence in found:
        print(f"{confidence:.3f}  {code}")
    return 0


def run_correct(args: argparse.Namespace) -> int:
    from openingup.core.errors import InvalidInput, NotFound
    from openingup.reports import queries
    from openingup.reports.classify import services

    migrate()
    try:
        request = queries.request(args.request_id)
        correction = services.correct_service(actor=None, request=request, service_code=args.service_code)
    except (InvalidInput, NotFound) as exc:
        return fail(exc.message)
    print(
        f"request {request.pk} moved from {correction.previous_service.code} to {correction.service.code}; "
        "run `openingup reports train` to learn from it"
    )
    return 0


def run_anonymise(args: argparse.Namespace) -> int:
    from openingup.reports import privacy

    migrate()
    try:
        anonymised = privacy.anonymise_due(dry_run=args.dry_run)
        deleted = privacy.purge_expired(dry_run=args.dry_run)
    except ValueError as exc:
        return fail(str(exc))
    verb = "would be" if args.dry_run else "were"
    print(
        f"anonymised ({verb}): {anonymised['requests']} requests, {anonymised['reporters']} reporters, "
        f"{anonymised['followers']} followers, {anonymised['mails']} e-mails, "
        f"{anonymised['comments']} comments, {anonymised['notes']} internal notes"
    )
    print(
        f"deleted ({verb}): {deleted['requests']} requests, {deleted['updates']} updates, "
        f"{deleted['photos']} photos, {deleted['mails']} e-mails"
    )
    return 0


def run_publish_dataset(args: argparse.Namespace) -> int:
    from openingup.core.errors import InvalidInput
    from openingup.reports import opendata

    migrate()
    try:
        published = opendata.publish_all()
    except InvalidInput as exc:
        details = "; ".join(f"{p.field}: {p.problem}" for p in exc.problems)
        return fail(f"{exc.message} {details} (the previous file is unchanged)")
    if not published:
        return fail("there is no jurisdiction: set one up before publishing its reports")
    for p in published:
        state = "created" if p.created else ("updated" if p.changed else "unchanged")
        print(f"{p.link.jurisdiction.code}: {p.link.rows} reports, dataset {p.link.dataset.slug} {state}")
    return 0
