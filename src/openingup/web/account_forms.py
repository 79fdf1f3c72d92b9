"""Small forms of the account and import pages: a new API token, and a DCAT-AP document to import."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from openingup.organisations.models import Organisation
from openingup.web.forms import SummaryForm, labelled, within_upload_limit
from openingup.web.presentation import active_language


class TokenForm(SummaryForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"] = labelled(
            forms.CharField(max_length=100, error_messages={"required": _("Give the token a name.")}),
            _("Name of the new token"),
            _("Say what the token is for, such as the program that uses it."),
        )


class ImportForm(SummaryForm):
    def __init__(self, *args: Any, publishers: list[Organisation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        lang = active_language()
        options = [(o.slug, o.display_name(lang)) for o in publishers]
        self.fields["organisation"] = labelled(
            forms.ChoiceField(choices=options),
            _("Organisation"),
            _("Publishes the datasets that do not name a publisher of their own."),
        )
        self.fields["url"] = labelled(
            forms.URLField(required=False, assume_scheme="https", max_length=2000),
            _("Address (URL) of the document"),
            _("For example the DCAT-AP feed of your current portal."),
        )
        limit = filesizeformat(settings.MAX_UPLOAD_BYTES)
        self.fields["file"] = labelled(
            forms.FileField(required=False),
            _("File"),
            _("Turtle (.ttl), RDF/XML (.rdf) or JSON-LD (.jsonld). At most %(limit)s.") % {"limit": limit},
        )
        self.fields["format"] = labelled(
            forms.ChoiceField(
                required=False,
                choices=[
                    ("", _("Recognise it automatically")),
                    ("ttl", "Turtle"),
                    ("rdf", "RDF/XML"),
                    ("jsonld", "JSON-LD"),
                ],
            ),
            _("Format"),
        )

    def clean_file(self) -> UploadedFile | None:
        return within_upload_limit(self.cleaned_data.get("file"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if "url" not in self.errors and "file" not in self.errors:
            if data.get("url") and data.get("file"):
                self.add_error("url", _("Give an address or a file, not both."))
            elif not data.get("url") and not data.get("file"):
                self.add_error("url", _("Give the address of a document or choose a file."))
        return data
