"""``openingup createadmin``: create an administrator account."""

from __future__ import annotations

import argparse
import getpass

from openingup.cli.commands.common import fail, migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser(
        "createadmin", help="Create an administrator who can manage organisations and all datasets."
    )
    p.add_argument("--username", default="admin", help="User name (default admin).")
    p.add_argument("--email", default="", help="E-mail address.")
    p.add_argument(
        "--password",
        default=None,
        help="Password (at least 10 characters); default: $OPENINGUP_ADMIN_PASSWORD, else asked for.",
    )
    p.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from openingup import config
    from openingup.core.errors import ServiceError
    from openingup.organisations.services import create_user

    migrate()
    password = args.password or config.get("OPENINGUP_ADMIN_PASSWORD") or getpass.getpass("Password: ")
    try:
        create_user(username=args.username, email=args.email, password=password, is_superuser=True)
    except ServiceError as exc:
        return fail(str(exc))
    print(f"administrator {args.username!r} created")
    return 0
