"""Open311 API keys: created by site administrators (or the command line), shown once, stored hashed."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.db import transaction
from django.utils import timezone

from openingup.core.errors import FieldProblem, InvalidInput, PermissionDenied
from openingup.reports import permissions
from openingup.reports.models import ApiKey

KEY_PREFIX = "o311_"  # a public marker, so a leaked key is recognisable in logs and scans
SCOPES = ("open311",)


def _digest(secret: str) -> str:
    # The same scheme as the organisations' API tokens: SHA-256 of a 256-bit random secret.
    return hashlib.sha256(secret.encode()).hexdigest()


@transaction.atomic
def create_api_key(*, actor: Any, name: str, scope: str = "open311") -> tuple[ApiKey, str]:
    """Create a key; returns the row and the key itself, which is never stored or shown again.

    ``actor`` None is the system (the command line). Raises PermissionDenied for anyone but a site
    administrator, InvalidInput for an empty or too long name or an unknown scope."""
    if actor is not None and not permissions.can_manage_api_keys(actor):
        raise PermissionDenied("Only site administrators can create API keys.")
    clean = (name or "").strip()
    if not clean:
        raise InvalidInput("An API key needs a name.", [FieldProblem("name", "is empty")])
    if len(clean) > 100:
        raise InvalidInput("Name too long.", [FieldProblem("name", "longer than 100 characters")])
    if scope not in SCOPES:
        raise InvalidInput(f"Unknown scope {scope!r}.", [FieldProblem("scope", f"must be one of {SCOPES}")])
    secret = KEY_PREFIX + secrets.token_urlsafe(32)
    key = ApiKey.objects.create(
        name=clean,
        scope=scope,
        prefix=secret[:10],
        digest=_digest(secret),
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    return key, secret


@transaction.atomic
def revoke_api_key(*, actor: Any, key: ApiKey) -> ApiKey:
    """Revoke the key (it stops working at once); revoking a revoked key changes nothing."""
    if actor is not None and not permissions.can_manage_api_keys(actor):
        raise PermissionDenied("Only site administrators can revoke API keys.")
    if key.revoked_at is None:
        key.revoked_at = timezone.now()
        key.save(update_fields=["revoked_at"])
    return key


def authenticate_api_key(secret: str, scope: str = "open311") -> ApiKey | None:
    """The active key with this secret and scope, or None; records when it was last used."""
    if not secret or not secret.startswith(KEY_PREFIX) or len(secret) > 200:
        return None
    key = ApiKey.objects.filter(digest=_digest(secret), revoked_at=None, scope=scope).first()
    if key is None:
        return None
    now = timezone.now()
    if key.last_used_at is None or (now - key.last_used_at).total_seconds() > 60:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
    return key
