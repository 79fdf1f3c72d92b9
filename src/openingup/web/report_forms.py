"""The citizen's report form: what, where, a photo, the service's own questions, and an e-mail address.

The form only collects and shapes input; :func:`openingup.reports.services.file_request` checks it as
it checks an Open311 POST, and :func:`openingup.web.problems.apply_problems` shows what it refuses next
to the inputs. The questions of every service are fields named ``q_<service>_<code>``; only those of
the chosen service are passed on.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django import forms
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from openingup.reports import photos
from openingup.reports.models import Jurisdiction, Service, ServiceAttribute
from openingup.reports.services.requests import MAX_DESCRIPTION, Filing, Location
from openingup.reports.texts import pick
from openingup.web.forms import SummaryForm, labelled

PHOTO_TYPES = "image/jpeg,image/png,image/webp,image/gif"


@dataclass
class QuestionGroup:
    service: Service
    name: str
    fields: list[forms.BoundField]


def question_name(service: Service, attribute: ServiceAttribute) -> str:
    return f"q_{service.code}_{attribute.code}"


def _question(attribute: ServiceAttribute) -> forms.Field:
    """A form field for one Open311 attribute, by its datatype; never required in HTML, because only the
    chosen service's questions count (the service says what is missing)."""
    label = pick(attribute.description) or attribute.code
    hint = pick(attribute.datatype_description)
    kind = attribute.datatype
    options = [(v["key"], pick(v["name"]) or v["key"]) for v in attribute.values]
    field: forms.Field
    if kind == "number":
        field = forms.FloatField(required=False, widget=forms.NumberInput(attrs={"step": "any"}))
    elif kind == "datetime":
        field = forms.DateTimeField(
            required=False,
            widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        )
    elif kind == "text":
        field = forms.CharField(required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    elif kind == "singlevaluelist":
        field = forms.ChoiceField(required=False, choices=[("", _("(choose)")), *options])
    elif kind == "multivaluelist":
        field = forms.MultipleChoiceField(
            required=False, choices=options, widget=forms.CheckboxSelectMultiple
        )
    else:
        field = forms.CharField(required=False, max_length=500)
    if attribute.required:
        label = f"{label} ({_('required')})"
    labelled(field, label, hint)
    return field


class ReportForm(SummaryForm):
    def __init__(self, *args: Any, services: list[Service], jurisdiction: Jurisdiction | None, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.services = services
        self.jurisdiction = jurisdiction
        self.fields["description"] = labelled(
            forms.CharField(
                max_length=MAX_DESCRIPTION,
                widget=forms.Textarea(attrs={"rows": 5}),
                error_messages={"required": _("Describe what is wrong.")},
            ),
            _("What is wrong?"),
            _("Describe the problem and the spot, in a few sentences."),
        )
        self.fields["service"] = labelled(
            forms.ChoiceField(
                required=False,
                choices=[
                    ("", _("Suggest one from my description")),
                    *[(s.code, pick(s.name) or s.code) for s in services],
                ],
            ),
            _("Category"),
            _("We suggest a category from your description; change it when it is wrong."),
        )
        box = jurisdiction
        coordinate = {"step": "any", "inputmode": "decimal"}
        self.fields["lat"] = labelled(
            forms.FloatField(
                required=False,
                widget=forms.NumberInput(
                    attrs=coordinate | ({"min": box.south, "max": box.north} if box else {})
                ),
            ),
            _("Latitude"),
        )
        self.fields["long"] = labelled(
            forms.FloatField(
                required=False,
                widget=forms.NumberInput(
                    attrs=coordinate | ({"min": box.west, "max": box.east} if box else {})
                ),
            ),
            _("Longitude"),
        )
        self.fields["address"] = labelled(
            forms.CharField(
                required=False, max_length=500, widget=forms.TextInput(attrs={"autocomplete": "off"})
            ),
            _("Address"),
            _("A street and house number, or a postcode. Search for it, or place the pin on the map."),
        )
        limit = filesizeformat(photos.max_bytes())
        self.fields["photo"] = labelled(
            forms.FileField(required=False, widget=forms.ClearableFileInput(attrs={"accept": PHOTO_TYPES})),
            _("Photo"),
            _(
                "Optional. JPEG, PNG, WebP or GIF, at most %(limit)s. Its location is used when it has one; "
                "other data in the file is removed."
            )
            % {"limit": limit},
        )
        self.fields["photo_name"] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.fields["email"] = labelled(
            forms.EmailField(
                required=False, max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"})
            ),
            _("Your e-mail address"),
            _("Optional: we e-mail you when the status changes. Leave it empty to report anonymously."),
        )
        # The service and spot whose nearby reports the visitor has seen; sent unchanged, not shown again.
        self.fields["confirmed"] = forms.CharField(required=False, max_length=200, widget=forms.HiddenInput)
        for service in services:
            for attribute in service.attributes.all():
                if attribute.variable:
                    self.fields[question_name(service, attribute)] = _question(attribute)

    def clean_photo(self) -> UploadedFile | None:
        upload = self.cleaned_data.get("photo")
        if upload is not None and upload.size is not None and upload.size > photos.max_bytes():
            raise forms.ValidationError(
                _("The photo is %(size)s; photos may be at most %(limit)s.")
                % {"size": filesizeformat(upload.size), "limit": filesizeformat(photos.max_bytes())}
            )
        return upload  # type: ignore[no-any-return]

    def clean_photo_name(self) -> str:
        name = self.cleaned_data.get("photo_name", "")
        return name if photos.is_photo_name(name) else ""

    def question_groups(self) -> list[QuestionGroup]:
        groups = []
        for service in self.services:
            fields = [self[question_name(service, a)] for a in service.attributes.all() if a.variable]
            if fields:
                groups.append(QuestionGroup(service, pick(service.name) or service.code, fields))
        return groups

    def notices(self) -> dict[str, list[str]]:
        """Per service, its information-only questions (``variable`` false), shown as text."""
        return {
            s.code: [pick(a.description) for a in s.attributes.all() if not a.variable] for s in self.services
        }

    def answers(self, service: Service) -> dict[str, str | list[str]]:
        """The chosen service's answers as Open311 strings."""
        found: dict[str, str | list[str]] = {}
        for attribute in service.attributes.all():
            value = self.cleaned_data.get(question_name(service, attribute)) if attribute.variable else None
            if value in (None, "", []):
                continue
            if isinstance(value, list):
                found[attribute.code] = [str(v) for v in value]
            elif attribute.datatype == "datetime":
                found[attribute.code] = value.isoformat()  # type: ignore[union-attr]
            elif attribute.datatype == "number":
                found[attribute.code] = str(int(value)) if float(value).is_integer() else repr(value)
            else:
                found[attribute.code] = str(value)
        return found

    def filing(self, service: Service, media_url: str) -> Filing:
        d = self.cleaned_data
        contact = {"email": d["email"]} if d.get("email") else {}
        return Filing(
            service_code=service.code,
            location=Location(lat=d.get("lat"), long=d.get("long"), address_string=d.get("address", "")),
            description=d["description"],
            media_url=media_url,
            attributes=self.answers(service),
            contact=contact,
            jurisdiction_id=self.jurisdiction.code if self.jurisdiction else "",
        )
