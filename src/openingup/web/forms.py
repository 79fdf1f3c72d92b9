"""Editor forms: the dataset and distribution metadata, one input per language for texts.

Forms only collect and shape input; the catalogue services validate it against DCAT-AP and the EU
vocabularies. :func:`apply_problems` puts the problems a service reports next to the right inputs.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from openingup.catalogue import validation
from openingup.catalogue.models import Dataset, Distribution
from openingup.exchange.dcat.fields import DATASET, DISTRIBUTION
from openingup.exchange.dcat.namespaces import HVD_LEGISLATION
from openingup.organisations.models import Organisation
from openingup.vocabularies.registry import media_type_for_file_type, media_type_uri
from openingup.web.presentation import (
    active_language,
    choices,
    media_type_code,
    ordered_languages,
    pick,
    primary_languages,
)
from openingup.web.problems import apply_problems


def within_upload_limit(upload: UploadedFile | None) -> UploadedFile | None:
    """The upload, or a form error naming its size and the limit (nothing is saved)."""
    if upload is not None and upload.size is not None and upload.size > settings.MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            _("The file is %(size)s; the limit is %(limit)s. Nothing was saved.")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(settings.MAX_UPLOAD_BYTES)}
        )
    return upload


@dataclass
class LanguageGroup:
    code: str
    name: str
    fields: list[forms.BoundField]
    primary: bool


class SummaryForm(forms.Form):
    """A form that lists its errors in an error summary (``web/_error_summary.html``)."""

    def error_summary(self) -> list[tuple[str, str]]:
        """``(anchor, message)`` for every error, in form order; non-field errors link to the form."""
        items = [("main-form", str(e)) for e in self.non_field_errors()]
        for bound in self:
            anchor = bound.auto_id
            if isinstance(bound.field.widget, forms.RadioSelect):  # and CheckboxSelectMultiple: the first box
                anchor = f"{bound.auto_id}_0"
            label = str(getattr(bound.field, "summary_label", bound.label))
            items += [(anchor, e if e.startswith(label) else f"{label}: {e}") for e in map(str, bound.errors)]
        return items


class TextsForm(SummaryForm):
    """A form with per-language text fields named ``<name>_<lang>``."""

    text_fields: tuple[str, ...] = ()

    def _add_text_fields(self) -> None:
        labels = {"title": _("Title"), "description": _("Description"), "keywords": _("Keywords")}
        for code, name in ordered_languages():
            for key in self.text_fields:
                attrs = {"lang": code}
                if key == "description":
                    field: forms.Field = forms.CharField(
                        required=False, widget=forms.Textarea(attrs=attrs | {"rows": 5})
                    )
                else:
                    field = forms.CharField(required=False, widget=forms.TextInput(attrs=attrs))
                if key == "keywords":
                    field.help_text = _("Separate keywords with commas.")
                field.label = labels[key]
                field.summary_label = f"{labels[key]} ({name})"  # type: ignore[attr-defined]
                self.fields[f"{key}_{code}"] = field

    def language_groups(self) -> list[LanguageGroup]:
        primary = primary_languages()
        return [
            LanguageGroup(code, name, [self[f"{key}_{code}"] for key in self.text_fields], code in primary)
            for code, name in ordered_languages()
        ]

    def more_languages_open(self) -> bool:
        """Open "more languages" when one of them holds a value or an error."""
        groups = [g for g in self.language_groups() if not g.primary]
        return any(f.errors or f.value() for g in groups for f in g.fields)

    def texts(self, key: str) -> dict[str, str]:
        return {
            code: self.cleaned_data.get(f"{key}_{code}", "")
            for code, _n in settings.LANGUAGES
            if self.cleaned_data.get(f"{key}_{code}")
        }


def labelled(field: forms.Field, label: str, help_text: str = "") -> forms.Field:
    field.label = label
    field.summary_label = label  # type: ignore[attr-defined]
    field.help_text = help_text
    return field


def select(vocabulary: str, label: str, help_text: str = "") -> forms.ChoiceField:
    return labelled(
        forms.ChoiceField(required=False, choices=[("", _("(not given)")), *choices(vocabulary)]),
        label,
        help_text,
    )  # type: ignore[return-value]


def multi(vocabulary: str, label: str, help_text: str = "", *, checkboxes: bool = False) -> forms.Field:
    widget = forms.CheckboxSelectMultiple() if checkboxes else forms.SelectMultiple(attrs={"size": 8})
    return labelled(
        forms.MultipleChoiceField(required=False, choices=choices(vocabulary), widget=widget),
        label,
        help_text,
    )


def hvd_legislation(current: list[str] | None, hvd: bool) -> list[str]:
    """``applicable_legislation`` with the HVD regulation added (``hvd``) or taken out."""
    others = [uri for uri in (current or []) if uri != HVD_LEGISLATION]
    return [*others, HVD_LEGISLATION] if hvd else others


class DatasetForm(TextsForm):
    text_fields = ("title", "description", "keywords")

    def check(self, current: Dataset | None = None) -> bool:
        """Valid as a form; when not, the catalogue's own checks run as well, so that every problem
        shows at once instead of one round after the other."""
        if self.is_valid():
            return True
        errors, _warnings = validation.check(DATASET, self.to_data(current), partial=current is not None)
        apply_problems(self, errors, only_new=True)
        return False

    def __init__(self, *args: Any, publishers: list[Organisation] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = active_language()
        if publishers is not None:
            options = [(o.slug, o.display_name(lang)) for o in publishers]
            self.fields["publisher"] = labelled(forms.ChoiceField(choices=options), _("Publisher"))
        self._add_text_fields()
        several = _("Hold Ctrl (Cmd on a Mac) to choose more than one.")
        self.fields["themes"] = multi("data-theme", _("Themes"), checkboxes=True)
        self.fields["licence"] = select(
            "licence", _("Licence"), _("Applies to every distribution without a licence of its own.")
        )
        self.fields["frequency"] = select("frequency", _("Update frequency"))
        self.fields["access_rights"] = select("access-right", _("Access rights"))
        self.fields["languages"] = multi("language", _("Languages of the data"), several)
        self.fields["contact_name"] = labelled(forms.CharField(required=False), _("Contact name"))
        self.fields["contact_email"] = labelled(forms.EmailField(required=False), _("Contact email"))
        date_hint = _("For example 2024-01-31, 2024-01 or 2024.")
        self.fields["temporal_start"] = labelled(
            forms.CharField(required=False), _("Covers the period from"), date_hint
        )
        self.fields["temporal_end"] = labelled(forms.CharField(required=False), _("Until"), date_hint)
        self.fields["hvd_categories"] = multi(
            "hvd-category",
            _("High-value dataset categories"),
            _("Only for datasets under the EU regulation on high-value datasets.") + " " + several,
        )
        self.fields["landing_page"] = labelled(
            forms.URLField(required=False, assume_scheme="https"),
            _("Landing page"),
            _("A web page about the dataset, if there is one."),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"title_{code}") for code, _n in settings.LANGUAGES):
            self.add_error(f"title_{primary_languages()[0]}", _("Give a title in at least one language."))
        return data

    def to_data(self, current: Dataset | None = None) -> dict[str, Any]:
        """The service's input: every field, empty ones as explicit clears."""
        d = self.cleaned_data
        keywords = {}
        for code, _n in settings.LANGUAGES:
            words = [w.strip() for w in d.get(f"keywords_{code}", "").split(",")]
            if any(words):
                keywords[code] = list(dict.fromkeys(w for w in words if w))
        contact: dict[str, Any] = {}
        if d.get("contact_name"):
            contact["fn"] = {"": d["contact_name"]}
        if d.get("contact_email"):
            contact["email"] = f"mailto:{d['contact_email']}"
        period = {k: d[f"temporal_{k}"] for k in ("start", "end") if d.get(f"temporal_{k}")}
        legislation = hvd_legislation(
            current.applicable_legislation if current else [], bool(d.get("hvd_categories"))
        )
        return {
            "title": self.texts("title"),
            "description": self.texts("description"),
            "keywords": keywords,
            "themes": d.get("themes", []),
            "frequency": d.get("frequency", ""),
            "access_rights": d.get("access_rights", ""),
            "language": d.get("languages", []),
            "contact_points": [contact] if contact else [],
            "temporal": [period] if period else [],
            "hvd_categories": d.get("hvd_categories", []),
            "applicable_legislation": legislation,
            "landing_page": [d["landing_page"]] if d.get("landing_page") else [],
        }

    @staticmethod
    def initial_for(dataset: Dataset, distributions: Iterable[Distribution] = ()) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for code, _n in settings.LANGUAGES:
            initial[f"title_{code}"] = (dataset.title or {}).get(code, "")
            initial[f"description_{code}"] = (dataset.description or {}).get(code, "")
            initial[f"keywords_{code}"] = ", ".join((dataset.keywords or {}).get(code, []))
        contact = (dataset.contact_points or [{}])[0]
        period = (dataset.temporal or [{}])[0]
        licences = {d.licence for d in distributions}
        initial.update(
            themes=dataset.themes,
            frequency=dataset.frequency,
            access_rights=dataset.access_rights,
            languages=dataset.language,
            hvd_categories=dataset.hvd_categories,
            contact_name=str(pick(contact.get("fn"))),
            contact_email=str(contact.get("email", "")).removeprefix("mailto:"),
            temporal_start=period.get("start", ""),
            temporal_end=period.get("end", ""),
            landing_page=(dataset.landing_page or [""])[0],
            licence=licences.pop() if len(licences) == 1 else "",
        )
        return initial


class DistributionForm(TextsForm):
    text_fields = ("title", "description")

    def __init__(
        self,
        *args: Any,
        current: Distribution | None = None,
        access_services: list[tuple[str, str]] | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        self._add_text_fields()
        limit = filesizeformat(settings.MAX_UPLOAD_BYTES)
        file_label = _("Replace the file") if current and current.file else _("File")
        self.fields["file"] = labelled(
            forms.FileField(required=False), file_label, _("At most %(limit)s.") % {"limit": limit}
        )
        if not (current and current.file):
            self.fields["access_url"] = labelled(
                forms.URLField(required=False, assume_scheme="https"),
                _("Access URL"),
                _("Where the data can be found, when you do not upload a file."),
            )
            self.fields["is_download"] = labelled(
                forms.BooleanField(required=False), _("This URL downloads the file directly")
            )
        self.fields["format"] = select("file-type", _("Format"))
        self.fields["media_type"] = labelled(
            forms.CharField(required=False),
            _("Media type"),
            _("For example text/csv; left empty, it follows from the format."),
        )
        self.fields["licence"] = select("licence", _("Licence"))
        if access_services:
            self.fields["access_service"] = labelled(
                forms.ChoiceField(required=False, choices=[("", _("(none)")), *access_services]),
                _("Access service"),
                _("The API through which this data can also be reached. High-value datasets need one."),
            )

    def check(self, dataset: Dataset) -> bool:
        """Like :meth:`DatasetForm.check`: form problems and catalogue problems in one round."""
        if self.is_valid():
            return True
        errors, _warnings = validation.check(DISTRIBUTION, self.to_data(dataset=dataset), partial=True)
        apply_problems(self, errors, only_new=True)
        return False

    def clean_file(self) -> UploadedFile | None:
        return within_upload_limit(self.cleaned_data.get("file"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "access_url" in self.fields and "file" not in self.errors:
            if data.get("file") and data.get("access_url"):
                self.add_error("access_url", _("Upload a file or give an access URL, not both."))
            elif not data.get("file") and not data.get("access_url") and "access_url" not in self.errors:
                self.add_error("access_url", _("Upload a file or give an access URL."))
        return data

    def to_data(self, dataset: Dataset) -> dict[str, Any]:
        d = self.cleaned_data
        media = d.get("media_type", "").strip()
        if not media and d.get("format"):
            media = media_type_for_file_type(d["format"]) or ""
        data: dict[str, Any] = {
            "title": self.texts("title"),
            "description": self.texts("description"),
            "format": d.get("format", ""),
            "media_type": media_type_uri(media) if media else "",
            "licence": d.get("licence", ""),
            "applicable_legislation": hvd_legislation(
                self.current.applicable_legislation if self.current else [], bool(dataset.hvd_categories)
            ),
        }
        if d.get("access_url"):
            data["access_url"] = [d["access_url"]]
            data["download_url"] = [d["access_url"]] if d.get("is_download") else []
        if "access_service" in self.fields:
            offered = {value for value, _label in self.fields["access_service"].choices}  # type: ignore[attr-defined]
            kept = [
                uri for uri in (self.current.access_services if self.current else []) if uri not in offered
            ]
            chosen = d.get("access_service", "")
            data["access_services"] = [*kept, chosen] if chosen else kept
        return data

    @staticmethod
    def initial_for(distribution: Distribution) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for code, _n in settings.LANGUAGES:
            initial[f"title_{code}"] = (distribution.title or {}).get(code, "")
            initial[f"description_{code}"] = (distribution.description or {}).get(code, "")
        url = (distribution.access_url or [""])[0]
        initial.update(
            access_url=url,
            is_download=bool(url and url in (distribution.download_url or [])),
            format=distribution.format,
            media_type=media_type_code(distribution.media_type),
            licence=distribution.licence,
            access_service=(distribution.access_services or [""])[0],
        )
        return initial
