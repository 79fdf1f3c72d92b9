"""The forms of the back office's routing rules, their test and the categories' settings. They collect
input; the services in :mod:`openingup.reports.services.rules` check it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from openingup.reports.services.rules import MAX_DUE_DAYS
from openingup.web.forms import LanguageGroup, SummaryForm, labelled, within_upload_limit
from openingup.web.presentation import ordered_languages, primary_languages

WEEKDAY_NAMES = (
    gettext_lazy("Monday"),
    gettext_lazy("Tuesday"),
    gettext_lazy("Wednesday"),
    gettext_lazy("Thursday"),
    gettext_lazy("Friday"),
    gettext_lazy("Saturday"),
    gettext_lazy("Sunday"),
)
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")


class RuleForm(SummaryForm):
    def __init__(
        self,
        *args: Any,
        services: list[tuple[str, str]],
        departments: list[tuple[str, str]],
        people: list[tuple[str, str]],
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"] = labelled(
            forms.CharField(max_length=200, error_messages={"required": _("Give the rule a name.")}),
            _("Name"),
            _("Shown in the request's history as the rule that routed it."),
        )
        self.fields["service"] = labelled(
            forms.ChoiceField(required=False, choices=[("", _("Every category")), *services]),
            _("Category"),
        )
        self.fields["area"] = labelled(
            forms.CharField(required=False, widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"})),
            _("Area (GeoJSON)"),
            _(
                "A GeoJSON Polygon or MultiPolygon in longitude and latitude (WGS 84), or a Feature or "
                "FeatureCollection of polygons. Empty: anywhere."
            ),
        )
        self.fields["area_file"] = labelled(
            forms.FileField(required=False),
            _("Or upload a GeoJSON file"),
            _("A file replaces the text above."),
        )
        self.fields["weekdays"] = labelled(
            forms.MultipleChoiceField(
                required=False,
                choices=[(str(i), name) for i, name in enumerate(WEEKDAY_NAMES)],
                widget=forms.CheckboxSelectMultiple,
            ),
            _("Weekdays"),
            _("None ticked: every day."),
        )
        self.fields["start_time"] = labelled(forms.TimeField(required=False, widget=TIME), _("From (time)"))
        self.fields["end_time"] = labelled(
            forms.TimeField(required=False, widget=TIME),
            _("Until (time)"),
            _("Local time. An end before the start spans midnight (22:00 to 06:00). Empty: all day."),
        )
        self.fields["attribute_code"] = labelled(
            forms.CharField(required=False, max_length=100),
            _("Question (code)"),
            _("The code of one of the category's extra questions."),
        )
        self.fields["attribute_value"] = labelled(
            forms.CharField(required=False, max_length=200),
            _("Answer"),
            _("For a list question, the key of the answer."),
        )
        self.fields["department"] = labelled(
            forms.ChoiceField(required=False, choices=[("", _("(none)")), *departments]),
            _("Department"),
            _("The work queue matching requests land in."),
        )
        self.fields["assignee"] = labelled(
            forms.ChoiceField(required=False, choices=[("", _("Nobody")), *people]),
            _("Person"),
            _("Optional: someone who works for the department."),
        )
        self.fields["active"] = labelled(forms.BooleanField(required=False), _("Active"))

    def clean_area_file(self) -> UploadedFile | None:
        return within_upload_limit(self.cleaned_data.get("area_file"))


class RuleTestForm(SummaryForm):
    def __init__(self, *args: Any, services: list[tuple[str, str]], **kwargs: Any) -> None:
        kwargs.setdefault("auto_id", "test_%s")
        super().__init__(*args, **kwargs)
        self.fields["service"] = labelled(
            forms.ChoiceField(
                choices=[("", _("Choose")), *services],
                error_messages={"required": _("Choose a category.")},
            ),
            _("Category"),
        )
        self.fields["address"] = labelled(
            forms.CharField(required=False, max_length=200),
            _("Address"),
            _("Street and number, or postcode, from the municipality's address register; or a point."),
        )
        self.fields["lat"] = labelled(
            forms.FloatField(required=False, min_value=-90, max_value=90), _("Latitude")
        )
        self.fields["long"] = labelled(
            forms.FloatField(required=False, min_value=-180, max_value=180), _("Longitude")
        )
        self.fields["when"] = labelled(
            forms.DateTimeField(
                required=False,
                input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%Y-%m-%dT%H:%M:%S"],
                widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
            ),
            _("Date and time"),
            _("Local time. Empty: now."),
        )
        self.fields["answers"] = labelled(
            forms.CharField(required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 3})),
            _("Answers to the extra questions"),
            _("One per line as code = answer; repeat a code for several answers."),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lat, long = data.get("lat"), data.get("long")
        if (lat is None) != (long is None):
            self.add_error("long" if long is None else "lat", _("Give both the latitude and the longitude."))
        elif lat is None and not (data.get("address") or "").strip() and not self.errors:
            self.add_error("address", _("Give an address or a latitude and longitude."))
        answers: dict[str, Any] = {}
        for number, line in enumerate((data.get("answers") or "").splitlines(), start=1):
            if not line.strip():
                continue
            code, sep, value = line.partition("=")
            if not sep or not code.strip() or not value.strip():
                self.add_error("answers", _("Line %(number)s is not code = answer.") % {"number": number})
                continue
            code, value = code.strip(), value.strip()
            if code in answers:
                previous = answers[code]
                answers[code] = [*previous, value] if isinstance(previous, list) else [previous, value]
            else:
                answers[code] = value
        data["answers"] = answers
        return data


class CategoryForm(SummaryForm):
    """A category's department, service level, whether it is offered, and its texts per language."""

    def __init__(self, *args: Any, departments: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"] = labelled(
            forms.ChoiceField(required=False, choices=[("", _("(none)")), *departments]),
            _("Department"),
            _("Takes the category's requests that no routing rule claims."),
        )
        self.fields["due_days"] = labelled(
            forms.IntegerField(required=False, min_value=0, max_value=MAX_DUE_DAYS),
            _("Service level (days)"),
            _("Days until a request should be handled. Empty: no service level."),
        )
        self.fields["due_working_days"] = labelled(
            forms.BooleanField(required=False),
            _("Count working days only"),
            _("Weekends and public holidays are skipped. Not ticked: calendar days."),
        )
        self.fields["active"] = labelled(
            forms.BooleanField(required=False),
            _("Offered to citizens"),
        )
        self.languages = ordered_languages()
        for code, name in self.languages:
            self.fields[f"name_{code}"] = labelled(
                forms.CharField(required=False, max_length=200, widget=forms.TextInput(attrs={"lang": code})),
                _("Name (%(language)s)") % {"language": name},
            )
            self.fields[f"description_{code}"] = labelled(
                forms.CharField(
                    required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 2, "lang": code})
                ),
                _("Description (%(language)s)") % {"language": name},
            )
            self.fields[f"service_notice_{code}"] = labelled(
                forms.CharField(
                    required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2, "lang": code})
                ),
                _("What the reporter may expect (%(language)s)") % {"language": name},
            )

    def settings_fields(self) -> list[forms.BoundField]:
        return [self[name] for name in ("department", "due_days", "due_working_days", "active")]

    def language_groups(self) -> list[LanguageGroup]:
        """The texts per language, as ``web/_language_groups.html`` shows them (the primary languages
        open, the others under "More languages")."""
        primary = primary_languages()
        keys = ("name", "description", "service_notice")
        return [
            LanguageGroup(code, name, [self[f"{key}_{code}"] for key in keys], code in primary)
            for code, name in self.languages
        ]

    def more_languages_open(self) -> bool:
        """Open "more languages" when one of them holds a value or an error."""
        groups = [g for g in self.language_groups() if not g.primary]
        return any(f.errors or f.value() for g in groups for f in g.fields)

    def texts(self, key: str) -> dict[str, str]:
        return {code: self.cleaned_data.get(f"{key}_{code}") or "" for code, _name in self.languages}
