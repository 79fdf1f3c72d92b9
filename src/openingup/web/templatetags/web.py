"""Template filters for catalogue values: ``{{ dataset.title|pick }}``, ``{{ uri|label:"licence" }}``."""

from __future__ import annotations

from typing import Any

from django import template
from django.forms import BoundField
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from openingup.web import presentation

register = template.Library()


@register.filter
def pick(values: Any) -> presentation.Text:
    """A multilingual dict's text in the active language (with fallback); ``.lang`` says which."""
    return presentation.pick(values)


@register.filter
def place_name(place: Any) -> str:
    """How to show a dct:Location: its label in the active language, else its URI or geometry text."""
    if not isinstance(place, dict):
        return str(place or "")
    name = str(presentation.pick(place.get("label") or {}))
    return name or next((str(place[k]) for k in ("uri", "geometry", "bbox", "centroid") if place.get(k)), "")


@register.filter
def pick_list(values: Any) -> list[str]:
    return presentation.pick_list(values)


@register.filter
def label(uri: Any, vocabulary: str) -> str:
    """The vocabulary label of a URI in the active language (the URI when unknown)."""
    return presentation.concept_label(vocabulary, str(uri or ""))


@register.filter
def href(url: Any) -> str:
    """The URL if it is safe to link to (http, https, mailto, tel), else ``""``."""
    return presentation.safe_href(url)


@register.filter
def media_type(uri: Any) -> str:
    return presentation.media_type_code(str(uri or ""))


@register.filter
def without_mailto(value: Any) -> str:
    text = str(value or "")
    return text[7:] if text.lower().startswith("mailto:") else text


@register.filter(is_safe=False)
def isodate(value: Any) -> SafeString:
    """An ISO 8601 date or date-time as a ``<time>`` element showing the date (and the time, if any)."""
    text = str(value or "")
    shown = text.replace("T", " ")[:16] if "T" in text else text
    return format_html('<time datetime="{}">{}</time>', text, shown)


@register.filter
def basename(path: Any) -> str:
    return str(path or "").rsplit("/", 1)[-1]


@register.filter
def org_name(organisation: Any) -> str:
    return organisation.display_name(presentation.active_language()) if organisation else ""


@register.simple_tag
def widget(field: BoundField, **attrs: Any) -> SafeString:
    """Render a field's widget with the accessible error pattern: ``aria-invalid``, and
    ``aria-describedby`` naming the hint (``<id>_helptext``) and the error message (``<id>_error``)."""
    described = []
    if field.help_text:
        described.append(f"{field.auto_id}_helptext")
    if field.errors:
        described.append(f"{field.auto_id}_error")
        attrs["aria-invalid"] = "true"
    if described:
        attrs["aria-describedby"] = " ".join(described)
    return field.as_widget(attrs=attrs)


@register.filter
def action_label(action: str) -> str:
    """The change history's action names in the active language."""
    labels = {
        "created": _("created"),
        "updated": _("updated"),
        "published": _("published"),
        "archived": _("archived"),
        "deleted": _("deleted"),
        "distribution added": _("distribution added"),
        "distribution updated": _("distribution updated"),
        "distribution deleted": _("distribution deleted"),
    }
    return labels.get(action, action)
