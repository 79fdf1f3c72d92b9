"""The forms of the back office's request page (status change with a canned reply, internal note,
assignment, duplicate, split) and of the canned replies. They collect input; the services in
:mod:`openingup.reports.services` check it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext as _

from openingup.reports import canned, queries, workflow
from openingup.reports.models import CannedReply, ServiceRequest
from openingup.reports.services.office import MAX_REPLY
from openingup.reports.services.requests import MAX_DESCRIPTION, MAX_NOTE
from openingup.reports.texts import pick
from openingup.web.forms import SummaryForm, labelled


def _services() -> list[tuple[str, str]]:
    return [(s.code, pick(s.name) or s.code) for s in queries.services()]


class StatusForm(SummaryForm):
    """The next state (only those the workflow allows), a canned reply, and the public message."""

    def __init__(self, *args: Any, report: ServiceRequest, replies: list[CannedReply], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "status_%s")
        super().__init__(*args, **kwargs)
        states = [(key, workflow.state(key).label) for key in workflow.next_states(report.status)]
        self.fields["status"] = labelled(
            forms.ChoiceField(
                choices=[("", _("Choose")), *states],
                error_messages={"required": _("Choose the new status.")},
            ),
            _("New status"),
        )
        self.fields["reply"] = labelled(
            forms.ChoiceField(
                required=False,
                choices=[("", _("(none)")), *[(str(r.pk), f"{r.title} ({r.language})") for r in replies]],
            ),
            _("Canned reply"),
            _("Choose one and press “Use this reply” to put its text in the message; you can change it."),
        )
        self.fields["message"] = labelled(
            forms.CharField(required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 6})),
            _("Message to the reporter"),
            _("Public: shown on the report's page and sent by e-mail to the reporter and followers."),
        )
        self.report = report
        self.replies = {str(r.pk): r for r in replies}


class NoteForm(SummaryForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "note_%s")
        super().__init__(*args, **kwargs)
        self.fields["note"] = labelled(
            forms.CharField(
                max_length=MAX_NOTE,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": _("Write the note.")},
            ),
            _("Internal note"),
            _("Only staff see internal notes; they never appear on public pages or in Open311."),
        )


class AssignForm(SummaryForm):
    def __init__(
        self,
        *args: Any,
        departments: list[tuple[str, str]],
        people: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        kwargs.setdefault("auto_id", "assign_%s")
        super().__init__(*args, **kwargs)
        self.fields["department"] = labelled(
            forms.ChoiceField(choices=departments, error_messages={"required": _("Choose a department.")}),
            _("Department"),
        )
        self.fields["assignee"] = labelled(
            forms.ChoiceField(required=False, choices=[("", _("Nobody")), *people]),
            _("Person"),
            _("People who work for the department."),
        )


class DuplicateForm(SummaryForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "duplicate_%s")
        super().__init__(*args, **kwargs)
        self.fields["original"] = labelled(
            forms.IntegerField(
                min_value=1,
                error_messages={"required": _("Give the number of the original report.")},
            ),
            _("Number of the original report"),
            _("This report is closed as a duplicate; its reporter and followers follow the original."),
        )
        self.fields["message"] = labelled(
            forms.CharField(required=False, max_length=MAX_NOTE, widget=forms.Textarea(attrs={"rows": 3})),
            _("Message to the reporter"),
        )


class SplitForm(SummaryForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "split_%s")
        super().__init__(*args, **kwargs)
        self.fields["service"] = labelled(
            forms.ChoiceField(
                choices=[("", _("Choose")), *_services()],
                error_messages={"required": _("Choose the category of the new report.")},
            ),
            _("Category of the new report"),
        )
        self.fields["description"] = labelled(
            forms.CharField(
                max_length=MAX_DESCRIPTION,
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": _("Describe the second problem.")},
            ),
            _("Description of the new report"),
            _("The new report gets the same place, photo and reporter."),
        )


class CannedReplyForm(SummaryForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["title"] = labelled(
            forms.CharField(max_length=200, error_messages={"required": _("Give the reply a title.")}),
            _("Title"),
        )
        self.fields["service"] = labelled(
            forms.ChoiceField(required=False, choices=[("", _("Every category")), *_services()]),
            _("Category"),
        )
        states = [(s.key, s.label) for s in workflow.STATES]
        self.fields["status"] = labelled(
            forms.ChoiceField(required=False, choices=[("", _("Every status")), *states]),
            _("Status"),
            _("The reply is offered when a report moves to this status."),
        )
        self.fields["language"] = labelled(forms.ChoiceField(choices=settings.LANGUAGES), _("Language"))
        names = " ".join("{" + name + "}" for name in canned.PLACEHOLDERS)
        self.fields["body"] = labelled(
            forms.CharField(
                max_length=MAX_REPLY,
                widget=forms.Textarea(attrs={"rows": 8}),
                error_messages={"required": _("Write the text of the reply.")},
            ),
            _("Text"),
            _("Placeholders: %(names)s. Write {{ and }} for a brace.") % {"names": names},
        )
