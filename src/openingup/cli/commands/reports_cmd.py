"""``openingup reports``: train the report classifier, print its evaluation, try a suggestion."""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from openingup.cli.commands.common import fail, migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("reports", help="Citizen reports: the classifier that suggests a service.")
    inner = p.add_subparsers(
        dest="action", metavar="ACTION", required=True, help="train, evaluate, suggest, correct"
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
