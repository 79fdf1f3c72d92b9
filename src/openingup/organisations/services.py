"""The only writers of organisations, memberships and tokens."""

from __future__ import annotations

import hashlib
import secrets
from typing import Any

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from openingup.core.errors import FieldProblem, InvalidInput, NotFound, PermissionDenied
from openingup.core.events import publish
from openingup.organisations import events, permissions
from openingup.organisations.models import ApiToken, Membership, Organisation

TOKEN_PREFIX = "ou_"  # noqa: S105 - a public marker, not a secret


@transaction.atomic
def create_organisation(
    *,
    actor: Any,
    name: dict[str, str],
    kind: str = Organisation.Kind.PUBLISHER,
    slug: str = "",
    parent: Organisation | None = None,
    **fields: Any,
) -> Organisation:
    """Create an organisation; InvalidInput when the name is empty or the slug is taken."""
    if actor is not None and not permissions.can_manage_organisation(actor):
        raise PermissionDenied("Only administrators can create organisations.")
    clean = {k: v.strip() for k, v in (name or {}).items() if v and v.strip()}
    if not clean:
        raise InvalidInput("An organisation needs a name.", [FieldProblem("name", "is empty")])
    if any(len(v) > 300 for v in clean.values()):
        raise InvalidInput("Name too long.", [FieldProblem("name", "longer than 300 characters")])
    slug = slugify(slug or next(iter(clean.values())))[:100] or "organisation"
    if Organisation.objects.filter(slug=slug).exists():
        raise InvalidInput(f"The slug {slug!r} is taken.", [FieldProblem("slug", "already in use")])
    if kind not in Organisation.Kind.values:
        raise InvalidInput(
            f"Unknown kind {kind!r}.", [FieldProblem("kind", f"must be one of {Organisation.Kind.values}")]
        )
    org = Organisation.objects.create(slug=slug, name=clean, kind=kind, parent=parent, **fields)
    publish(events.ORGANISATION_CREATED, organisation_id=str(org.pk))
    return org


@transaction.atomic
def update_organisation(*, actor: Any, organisation: Organisation, **fields: Any) -> Organisation:
    if not permissions.can_manage_organisation(actor, organisation):
        raise PermissionDenied("Only administrators can change organisations.")
    allowed = {"name", "description", "uri", "publisher_type", "homepage", "email", "kind", "parent"}
    unknown = set(fields) - allowed
    if unknown:
        raise InvalidInput(
            "Unknown fields.", [FieldProblem(f, "is not a field of an organisation") for f in sorted(unknown)]
        )
    for key, value in fields.items():
        setattr(organisation, key, value)
    organisation.save()
    publish(events.ORGANISATION_UPDATED, organisation_id=str(organisation.pk))
    return organisation


@transaction.atomic
def delete_organisation(*, actor: Any, organisation: Organisation) -> None:
    if not permissions.can_manage_organisation(actor, organisation):
        raise PermissionDenied("Only administrators can delete organisations.")
    from django.db.models import ProtectedError

    try:
        organisation.delete()
    except ProtectedError as exc:
        raise InvalidInput(
            "This organisation still publishes datasets or has departments; move or delete them first."
        ) from exc


@transaction.atomic
def add_member(*, actor: Any, organisation: Organisation, user: Any, role: str) -> Membership:
    if not permissions.can_manage_organisation(actor, organisation):
        raise PermissionDenied("Only administrators can add members.")
    if role not in Membership.Role.values:
        raise InvalidInput(f"Unknown role {role!r}.", [FieldProblem("role", "must be editor or viewer")])
    membership, _ = Membership.objects.update_or_create(
        user=user, organisation=organisation, defaults={"role": role}
    )
    return membership


def create_user(*, username: str, password: str, email: str = "", is_superuser: bool = False) -> Any:
    """Create a person's account; InvalidInput when the name is taken or the password too weak."""
    from django.contrib.auth.password_validation import validate_password
    from django.core.exceptions import ValidationError

    user_model = get_user_model()
    if not username or user_model.objects.filter(username=username).exists():
        raise InvalidInput("That user name is empty or taken.", [FieldProblem("username", "empty or taken")])
    try:
        validate_password(password)
    except ValidationError as exc:
        raise InvalidInput("Password too weak.", [FieldProblem("password", " ".join(exc.messages))]) from exc
    if is_superuser:
        return user_model.objects.create_superuser(username=username, email=email, password=password)
    return user_model.objects.create_user(username=username, email=email, password=password)


def _digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


@transaction.atomic
def create_token(
    *, actor: Any, user: Any, name: str, scopes: list[str] | None = None
) -> tuple[ApiToken, str]:
    """Create an API token; returns the row and the token itself, which is never stored or shown again."""
    if actor != user and not permissions.is_admin(actor):
        raise PermissionDenied("You can only create tokens for yourself.")
    if not name.strip():
        raise InvalidInput("A token needs a name.", [FieldProblem("name", "is empty")])
    secret = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken.objects.create(
        user=user, name=name.strip()[:100], prefix=secret[:10], digest=_digest(secret), scopes=scopes or []
    )
    return token, secret


@transaction.atomic
def revoke_token(*, actor: Any, token: ApiToken) -> None:
    if actor != token.user and not permissions.is_admin(actor):
        raise PermissionDenied("You can only revoke your own tokens.")
    token.revoked_at = timezone.now()
    token.save(update_fields=["revoked_at"])


def authenticate_token(secret: str) -> Any | None:
    """The active user owning this token, or None; records when the token was last used."""
    if not secret.startswith(TOKEN_PREFIX):
        return None
    token = ApiToken.objects.select_related("user").filter(digest=_digest(secret), revoked_at=None).first()
    if token is None or not token.user.is_active:
        return None
    now = timezone.now()
    if token.last_used_at is None or (now - token.last_used_at).total_seconds() > 60:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    return token.user


def get_organisation(slug: str) -> Organisation:
    try:
        return Organisation.objects.get(slug=slug)
    except Organisation.DoesNotExist:
        raise NotFound(f"No organisation {slug!r}.") from None


@transaction.atomic
def record_external_publisher(
    *, name: dict[str, str], uri: str = "", publisher_type: str = ""
) -> Organisation:
    """Record a publisher met in imported metadata (kind external) under the first free slug of its name."""
    base = slugify(next(iter(name.values()), ""))[:90] or "publisher"
    slug, n = base, 1
    while Organisation.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    org = Organisation.objects.create(
        slug=slug, name=name, kind=Organisation.Kind.EXTERNAL, uri=uri, publisher_type=publisher_type
    )
    publish(events.ORGANISATION_CREATED, organisation_id=str(org.pk))
    return org
