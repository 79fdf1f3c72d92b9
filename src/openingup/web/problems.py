"""Service problems next to the inputs they concern.

The catalogue services name problems by DCAT-AP field (``title``, ``contact_points``, ``temporal``) and
say the language or sub-field in the text (``(nl) is 100,000 characters long``, ``email 'x' is not …``);
:func:`apply_problems` turns them into form errors on ``title_nl``, ``contact_email`` and so on.
"""

from __future__ import annotations

from collections.abc import Iterable

from django import forms

from openingup.core.errors import FieldProblem
from openingup.web.presentation import primary_languages

# Service field → form field, for the fields whose names differ.
_FIELD_OF = {
    "language": "languages",
    "applicable_legislation": "hvd_categories",
    "landing_page": "landing_page",
    "download_url": "access_url",
}
_SUB_FIELD_OF = {
    "contact_points": {"fn": "contact_name", "email": "contact_email", "": "contact_email"},
    "temporal": {"start": "temporal_start", "end": "temporal_end", "": "temporal_start"},
}


def _target(form: forms.Form, problem: FieldProblem) -> tuple[str | None, str]:
    """The form field a service problem belongs to, and the problem text without its prefix."""
    name, text = problem.field, problem.problem
    if text.startswith("(") and ")" in text:  # "(nl) is 100,000 characters long"
        lang, rest = text[1:].split(")", 1)
        if f"{name}_{lang}" in form.fields:
            return f"{name}_{lang}", rest.strip()
    if name in _SUB_FIELD_OF:
        head, _sep, rest = text.partition(" ")
        subs = _SUB_FIELD_OF[name]
        return (subs[head], rest) if head in subs else (subs[""], text)
    if f"{name}_{primary_languages()[0]}" in form.fields:
        return f"{name}_{primary_languages()[0]}", text
    name = _FIELD_OF.get(name, name)
    return (name, text) if name in form.fields else (None, f"{name} {text}")


def apply_problems(
    form: forms.Form, problems: Iterable[FieldProblem], message: str = "", *, only_new: bool = False
) -> None:
    """Show each service problem next to its input; problems without an input go to the top.
    ``only_new`` leaves out problems of inputs that already show an error."""
    found = False
    for problem in problems:
        found = True
        name, text = _target(form, problem)
        if only_new and (name in form.errors or (name is None and form.non_field_errors())):
            continue
        if name is None:
            form.add_error(None, text)
        else:
            form.add_error(name, f"{form.fields[name].summary_label} {text}")  # type: ignore[attr-defined]
    if not found and message:
        form.add_error(None, message)
