"""``openingup import | export | validate | openapi``: DCAT-AP in and out, SHACL checks."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from openingup.cli.commands.common import fail, migrate, organisation_named

NATIONAL = ("nl", "no", "dk", "se")  # openingup.exchange.dcat.profiles.CODES, without importing Django


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "import", help="Import DCAT-AP 2.x/3.x (Turtle, RDF/XML or JSON-LD) from a file or URL."
    )
    p.add_argument("source", metavar="PATH_OR_URL", help="A file path, or an http(s) URL fetched safely.")
    p.add_argument("--format", choices=("ttl", "rdf", "jsonld"), help="Input format; guessed when left out.")
    p.add_argument("--organisation", metavar="SLUG", help="Publisher for datasets that name none.")
    p.set_defaults(run=run_import)

    p = sub.add_parser("export", help="Export the published catalogue as DCAT-AP 3.0.1.")
    p.add_argument(
        "--format", choices=("ttl", "rdf", "jsonld"), default="ttl", help="Output format (default ttl)."
    )
    p.add_argument("--out", metavar="FILE", help="Write to FILE instead of standard output.")
    p.add_argument(
        "--profile",
        choices=NATIONAL,
        help="Write for a national profile (DCAT-AP-NL, -NO, -DK, -SE) instead of plain DCAT-AP 3.0.1.",
    )
    p.set_defaults(run=run_export)

    p = sub.add_parser(
        "validate", help="Check a DCAT-AP file against the platform's SHACL shapes; exit 1 on violations."
    )
    p.add_argument("path", metavar="PATH", help="Turtle, RDF/XML or JSON-LD file.")
    p.add_argument(
        "--profile",
        choices=("dcat-ap-3", "hvd", *NATIONAL),
        default="dcat-ap-3",
        help="Shapes to apply (default dcat-ap-3); nl, no and dk use the official national SHACL "
        "files from --shapes.",
    )
    p.add_argument(
        "--shapes",
        metavar="DIR",
        help="Folder holding the official national SHACL files (needed for nl, no and dk).",
    )
    p.add_argument("--format", choices=("ttl", "rdf", "jsonld"), help="Input format; guessed when left out.")
    p.set_defaults(run=run_validate)

    p = sub.add_parser(
        "openapi", help="Print the REST API's OpenAPI document (docs/openapi.json is this output)."
    )
    p.set_defaults(run=run_openapi)


def _read(source: str, fmt: str | None) -> tuple[bytes, str]:
    from openingup.core.http import fetch
    from openingup.exchange.dcat.parser import guess_format

    if source.startswith(("http://", "https://")):
        fetched = fetch(source, accept="text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8")
        return fetched.content, fmt or guess_format(fetched.content, fetched.url, fetched.content_type)
    path = Path(source)
    if not path.is_file():
        raise FileNotFoundError(f"{source}: no such file")
    data = path.read_bytes()
    return data, fmt or guess_format(data, path.name)


def run_import(args: argparse.Namespace) -> int:
    from openingup.catalogue.importer import import_rdf
    from openingup.core.http import UnsafeURL
    from openingup.exchange.dcat.parser import RdfError

    migrate()
    try:
        org = organisation_named(args.organisation)
    except LookupError as exc:
        return fail(str(exc))
    try:
        data, fmt = _read(args.source, args.format)
        report = import_rdf(actor=None, data=data, fmt=fmt, organisation=org)
    except (RdfError, UnsafeURL, FileNotFoundError, ValueError) as exc:
        return fail(f"{args.source}: {exc} — nothing was imported")
    print(report.in_plain_words())
    return 1 if report.failed else 0


def run_export(args: argparse.Namespace) -> int:
    from openingup.catalogue.rdf import catalogue_page
    from openingup.exchange.dcat import profiles

    migrate()
    chunks = catalogue_page(args.format, page=None, profile=profiles.get(args.profile))
    if args.out:
        tmp = Path(args.out + ".part")
        with tmp.open("w", encoding="utf-8") as out:
            out.writelines(chunks)
        tmp.replace(args.out)
        print(f"wrote {args.out}", file=sys.stderr)
    else:
        sys.stdout.writelines(chunks)
    return 0


def run_validate(args: argparse.Namespace) -> int:
    from openingup.exchange.dcat.parser import RdfError, guess_format, load_graph
    from openingup.exchange.shacl import validate

    path = Path(args.path)
    if not path.is_file():
        return fail(f"{args.path}: no such file")
    if args.shapes and args.profile not in NATIONAL:
        return fail(f"--shapes is for the national profiles ({', '.join(NATIONAL)}), not {args.profile}")
    data = path.read_bytes()
    try:
        graph = load_graph(data, args.format or guess_format(data, path.name))
    except RdfError as exc:
        return fail(f"{args.path}: {exc}")
    try:
        report = validate(graph, profile=args.profile, shapes_dir=Path(args.shapes) if args.shapes else None)
    except (ValueError, FileNotFoundError) as exc:
        return fail(str(exc))
    print(report.in_plain_words())
    return 0 if report.conforms or not report.violations else 1


def run_openapi(args: argparse.Namespace) -> int:
    from openingup.api.openapi import render

    sys.stdout.write(render())
    return 0
