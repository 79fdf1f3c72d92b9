"""/tokens: the caller's own API tokens. The secret is shown once, when the token is created."""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.http import HttpRequest
from ninja import Query, Router

from openingup.api.auth import actor
from openingup.api.pagination import page
from openingup.api.representations import token_out
from openingup.api.schemas import Paging, Token, TokenCreate, TokenCreated, page_of
from openingup.core.errors import NotFound
from openingup.organisations import queries, services

router = Router(tags=["tokens"])


@router.get("", response=page_of(Token))
def list_tokens(request: HttpRequest, paging: Query[Paging]) -> dict[str, Any]:
    """The caller's tokens, newest first, revoked ones included (with ``revoked_at``)."""
    return page(request, queries.tokens_of(actor(request)), paging, token_out)


@router.post("", response={201: TokenCreated})
def create_token(request: HttpRequest, payload: TokenCreate) -> dict[str, Any]:
    """Create a token for the caller; the response holds the secret, which is never shown again."""
    user = actor(request)
    token, secret = services.create_token(actor=user, user=user, name=payload.name)
    return {**token_out(token), "token": secret}


@router.delete("/{uuid:token_id}", response={204: None})
def revoke_token(request: HttpRequest, token_id: UUID) -> None:
    """Revoke one of the caller's tokens; it stops working at once. Revoking twice is harmless."""
    user = actor(request)
    token = queries.tokens_of(user).filter(pk=token_id).first()
    if token is None:
        raise NotFound(f"No token {token_id} of yours.")
    if token.revoked_at is None:
        services.revoke_token(actor=user, token=token)
