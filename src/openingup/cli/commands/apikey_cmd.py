"""``openingup apikey``: create, list and revoke the API keys Open311 clients file requests with."""

from __future__ import annotations

import argparse

from openingup.cli.commands.common import fail, migrate


def add(sub: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    p = sub.add_parser("apikey", help="Manage Open311 API keys.")
    inner = p.add_subparsers(dest="action", metavar="ACTION", required=True, help="create, list or revoke")
    create = inner.add_parser("create", help="Create a key; prints it once, on the last line.")
    create.add_argument("--name", required=True, help="Who or what the key is for.")
    create.add_argument("--scope", default="open311", choices=["open311"], help="What the key may do.")
    create.set_defaults(run=run_create)
    listing = inner.add_parser("list", help="List the keys (their first characters, never the keys).")
    listing.set_defaults(run=run_list)
    revoke = inner.add_parser("revoke", help="Revoke a key by its id or its first characters.")
    revoke.add_argument("key", help="The key's id, or the first characters `apikey list` shows.")
    revoke.set_defaults(run=run_revoke)


def run_create(args: argparse.Namespace) -> int:
    from openingup.core.errors import InvalidInput
    from openingup.reports import services

    migrate()
    try:
        key, secret = services.create_api_key(actor=None, name=args.name, scope=args.scope)
    except InvalidInput as exc:
        return fail(str(exc))
    print(f"created API key {key.name!r} (id {key.pk}, scope {key.scope}); it is shown only now:")
    print(secret)
    return 0


def run_list(args: argparse.Namespace) -> int:
    from openingup.reports import queries

    migrate()
    keys = list(queries.api_keys())
    if not keys:
        print("no API keys")
    for key in keys:
        state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
        used = f"{key.last_used_at:%Y-%m-%d %H:%M}" if key.last_used_at else "never"
        print(f"{key.pk}  {key.prefix}…  {key.scope}  {state}  last used {used}  {key.name}")
    return 0


def run_revoke(args: argparse.Namespace) -> int:
    from django.core.exceptions import ValidationError

    from openingup.reports import queries, services

    migrate()
    wanted = args.key.strip()
    try:
        matches = list(queries.api_keys().filter(pk=wanted))
    except ValidationError:
        matches = []
    if not matches and len(wanted) >= 6:
        matches = [
            k for k in queries.api_keys() if k.prefix.startswith(wanted) or wanted.startswith(k.prefix)
        ]
    if len(matches) != 1:
        return fail(f"{len(matches)} keys match {wanted!r}; give the id `openingup apikey list` shows")
    key = services.revoke_api_key(actor=None, key=matches[0])
    print(f"revoked API key {key.name!r} ({key.prefix}…)")
    return 0
