"""Helpers shared by the catalogue services: validation, slugs, diffs, history."""

from __future__ import annotations

from typing import Any

from django.db import models
from django.utils.text import slugify

from openingup.catalogue.models import Change
from openingup.catalogue.validation import check
from openingup.core.errors import Conflict, InvalidInput
from openingup.exchange.dcat.fields import (
    Prop,
    canonical,
)


def validated(
    table: tuple[Prop, ...], data: dict[str, Any], *, partial: bool, strict: bool = True
) -> dict[str, Any]:
    errors, _ = check(table, data, strict=strict, partial=partial)
    if errors:
        raise InvalidInput("Some fields need attention.", errors)
    clean = canonical(table, data)
    if partial:  # keep explicit clears of optional fields
        clean.update(
            {k: v for k, v in data.items() if v in ("", [], {}, None) and k in {p.name for p in table}}
        )
    return clean


def unique_slug(model: type[models.Model], text: str, current: Any = None, *, explicit: bool = False) -> str:
    """A free slug from the text; an explicitly requested slug that is taken is a Conflict."""
    base = slugify(text)[:100] or "dataset"
    if explicit and model._default_manager.filter(slug=base).exclude(pk=current).exists():  # type: ignore[attr-defined]
        raise Conflict(f"The slug {base!r} is already in use.")
    slug, n = base, 1
    while model._default_manager.filter(slug=slug).exclude(pk=current).exists():  # type: ignore[attr-defined]
        n += 1
        slug = f"{base}-{n}"
    return slug


def diff(row: models.Model, fields: dict[str, Any]) -> dict[str, list[Any]]:
    changes = {}
    for key, new in fields.items():
        old = getattr(row, key)
        if old != new:
            changes[key] = [old, new]
    return changes


def record_change(row: models.Model, kind: str, action: str, actor: Any, changes: dict[str, Any]) -> None:
    actor_row = actor if getattr(actor, "is_authenticated", False) else None
    Change.objects.create(
        resource_type=kind, resource_id=row.pk, action=action, actor=actor_row, changes=changes
    )


def apply_fields(row: models.Model, fields: dict[str, Any]) -> None:
    for key, value in fields.items():
        if value is None and key not in ("creator", "rights", "checksum", "byte_size"):
            value = "" if isinstance(getattr(row, key), str) else type(getattr(row, key))()
        setattr(row, key, value)


def clean_blanks(fields: dict[str, Any], row: models.Model) -> dict[str, Any]:
    """Explicit clears become the column's empty value."""
    out = {}
    for key, value in fields.items():
        if value in ("", [], {}, None):
            current = getattr(row, key)
            value = (
                ""
                if isinstance(current, str)
                else []
                if isinstance(current, list)
                else {}
                if isinstance(current, dict)
                else None
            )
        out[key] = value
    return out
