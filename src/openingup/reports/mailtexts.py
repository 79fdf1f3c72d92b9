"""The e-mails to reporters and followers: one template per event and language, editable as
:class:`~openingup.reports.models.MessageTemplate` rows, with translated defaults the project writes.

Events: ``received`` (the request was filed), ``status_changed`` (any move along the workflow;
``status:<state>`` overrides it for one state) and ``closed`` (with the satisfaction question). Subject
and body take ``$placeholders``: ``$id``, ``$service``, ``$status``, ``$note``, ``$notice``,
``$date``, ``$tracking_url`` and, in ``closed``, ``$satisfaction``. Unknown placeholders stay as
written. The HTML part is the text, escaped, with its links made clickable.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from string import Template

from django.conf import settings
from django.db import transaction
from django.utils import translation
from django.utils.html import escape, linebreaks, urlize
from django.utils.translation import gettext as _

from openingup.reports.models import MessageTemplate

EVENTS = ("received", "status_changed", "closed")
PLACEHOLDERS = ("id", "service", "status", "note", "notice", "date", "tracking_url", "satisfaction")


@dataclass(frozen=True)
class Mail:
    subject: str
    text: str
    html: str


def default_template(event: str, language: str) -> tuple[str, str]:
    """The project's (subject, body) for one of :data:`EVENTS` in ``language``."""
    with translation.override(language):
        if event == "received":
            return (
                _("We received your report $id: $service"),
                _(
                    "Thank you for your report about “$service”. We registered it as number $id on $date."
                    "\n\n$notice\n\nFollow its progress here: $tracking_url"
                ),
            )
        if event == "status_changed":
            return (
                _("Report $id: $status"),
                _(
                    "The status of report $id about “$service” is now: $status.\n\n$note\n\n"
                    "Follow its progress here: $tracking_url"
                ),
            )
        if event == "closed":
            return (
                _("Report $id has been handled: $status"),
                _(
                    "Report $id about “$service” has been closed: $status.\n\n$note\n\n$satisfaction\n\n"
                    "The report stays visible here: $tracking_url"
                ),
            )
    raise KeyError(f"no default e-mail for event {event!r}")


def satisfaction_text(url: str, language: str) -> str:
    with translation.override(language):
        return _("Are you satisfied with how we handled your report? Let us know: %(url)s") % {"url": url}


def footer_text(url: str, language: str) -> str:
    with translation.override(language):
        return _(
            "You receive this e-mail because you filed or follow this report. "
            "To receive no more e-mails about it: %(url)s"
        ) % {"url": url}


def _candidates(event: str) -> list[str]:
    return [event, "status_changed"] if event.startswith("status:") else [event]


def template_for(event: str, language: str) -> tuple[str, str]:
    """The (subject, body) used for ``event`` in ``language``: an edited row when there is one, else the
    project's default."""
    for candidate in _candidates(event):
        row = MessageTemplate.objects.filter(event=candidate, language=language).first()
        if row is not None:
            return row.subject, row.body
    base = "status_changed" if event.startswith("status:") else event
    return default_template(base, language)


def render(event: str, language: str, values: dict[str, str], footer: str = "") -> Mail:
    """The e-mail for ``event`` in ``language`` with the placeholders filled in."""
    subject, body = template_for(event, language)
    filled_subject = " ".join(Template(subject).safe_substitute(values).split())[:300]
    text = Template(body).safe_substitute(values)
    text = re.sub(r"\n[ \t]*(\n[ \t]*)+", "\n\n", text).strip()  # empty placeholders leave no gaps
    if footer:
        text = f"{text}\n\n-- \n{footer}"
    html = linebreaks(urlize(escape(text), nofollow=True, autoescape=False))
    return Mail(subject=filled_subject, text=text + "\n", html=html)


@transaction.atomic
def install_default_templates() -> int:
    """Write the default templates as editable rows for every site language that lacks them; returns
    how many rows were written (edited rows are never overwritten)."""
    written = 0
    for code, _name in settings.LANGUAGES:
        for event in EVENTS:
            subject, body = default_template(event, code)
            _row, created = MessageTemplate.objects.get_or_create(
                event=event, language=code, defaults={"subject": subject, "body": body}
            )
            written += int(created)
    return written
