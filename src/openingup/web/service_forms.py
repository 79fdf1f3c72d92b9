"""The editor form of a data service (``dcat:DataService``): an API or endpoint serving datasets.

Like the dataset form it only collects and shapes input; the catalogue services validate it against
DCAT-AP. The datasets it serves are chosen among the publisher's own, and stored as their IRIs.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.utils.translation import gettext as _

from openingup.catalogue import records, validation
from openingup.catalogue.models import DataService, Dataset, Status
from openingup.exchange.dcat.fields import DATA_SERVICE
from openingup.organisations.models import Organisation
from openingup.web.forms import TextsForm, hvd_legislation, labelled, multi, select
from openingup.web.presentation import active_language, pick, primary_languages
from openingup.web.problems import apply_problems

Choices = list[tuple[str, Any]]


def dataset_choices(organisations: list[Organisation]) -> Choices:
    """The datasets of these organisations as ``(IRI, title)`` choices, grouped by publisher."""
    lang = active_language()
    rows = Dataset.objects.filter(publisher__in=organisations).select_related("publisher").order_by("slug")
    groups: dict[Any, list[tuple[str, str]]] = {}
    for dataset in rows:
        title = str(pick(dataset.title)) or dataset.slug
        if dataset.status == Status.DRAFT:
            title = _("%(title)s (draft)") % {"title": title}
        groups.setdefault(dataset.publisher, []).append((records.dataset_uri(dataset), title))
    if len(groups) == 1:
        return next(iter(groups.values()))
    return [(org.display_name(lang), items) for org, items in groups.items() if org is not None]


def _flat(choices: Choices) -> list[str]:
    values = []
    for value, label in choices:
        values += [v for v, _l in label] if isinstance(label, list | tuple) else [value]
    return values


class DataServiceForm(TextsForm):
    text_fields = ("title", "description")

    def __init__(
        self,
        *args: Any,
        datasets: Choices,
        publishers: list[Organisation] | None = None,
        current: DataService | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.current = current
        self.publishers = publishers or []
        if publishers is not None:
            options = [(o.slug, o.display_name(active_language())) for o in publishers]
            self.fields["publisher"] = labelled(forms.ChoiceField(choices=options), _("Publisher"))
        self._add_text_fields()
        self.fields["endpoint_url"] = labelled(
            forms.CharField(
                widget=forms.Textarea(attrs={"rows": 3}),
                error_messages={"required": _("Give at least one endpoint URL.")},
            ),
            _("Endpoint URLs"),
            _("The address where the service answers requests. One URL per line."),
        )
        self.fields["endpoint_description"] = labelled(
            forms.URLField(required=False, assume_scheme="https"),
            _("Endpoint description"),
            _("A machine-readable description of the service, such as an OpenAPI document."),
        )
        self.fields["serves_dataset"] = labelled(
            forms.MultipleChoiceField(
                required=False, choices=datasets, widget=forms.SelectMultiple(attrs={"size": 8})
            ),
            _("Datasets it serves"),
            _("Hold Ctrl (Cmd on a Mac) to choose more than one."),
        )
        self.fields["licence"] = select("licence", _("Licence"))
        self.fields["access_rights"] = select("access-right", _("Access rights"))
        self.fields["contact_name"] = labelled(forms.CharField(required=False), _("Contact name"))
        self.fields["contact_email"] = labelled(forms.EmailField(required=False), _("Contact email"))
        self.fields["documentation"] = labelled(
            forms.URLField(required=False, assume_scheme="https"),
            _("Documentation page"),
            _("A web page on how to use the service and on its terms and quality of service."),
        )
        self.fields["hvd_categories"] = multi(
            "hvd-category",
            _("High-value dataset categories"),
            _("Only for services that give access to high-value datasets.")
            + " "
            + _("Hold Ctrl (Cmd on a Mac) to choose more than one."),
        )

    def other_served(self) -> list[str]:
        """Datasets the service serves that the form does not offer (of other publishers, or elsewhere)."""
        offered = set(_flat(self.fields["serves_dataset"].choices))  # type: ignore[attr-defined]
        return [uri for uri in (self.current.serves_dataset if self.current else []) if uri not in offered]

    def check(self) -> bool:
        """Valid as a form; when not, the catalogue's checks run too, so every problem shows at once."""
        if self.is_valid():
            return True
        errors, _warnings = validation.check(DATA_SERVICE, self.to_data(), partial=self.current is not None)
        apply_problems(self, errors, only_new=True)
        return False

    def clean_endpoint_url(self) -> list[str]:
        urls = [line.strip() for line in self.cleaned_data.get("endpoint_url", "").splitlines()]
        urls = list(dict.fromkeys(u for u in urls if u))
        check = URLValidator(schemes=["http", "https"])
        for url in urls:
            try:
                check(url)
            except ValidationError:
                raise ValidationError(
                    _("“%(url)s” is not a web address (http or https).") % {"url": url[:200]}
                ) from None
        if not urls:
            raise ValidationError(_("Give at least one endpoint URL."))
        return urls

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not any(data.get(f"title_{code}") for code, _n in settings.LANGUAGES):
            self.add_error(f"title_{primary_languages()[0]}", _("Give a title in at least one language."))
        chosen = next((o for o in self.publishers if o.slug == data.get("publisher")), None)
        if chosen is not None and data.get("serves_dataset"):
            foreign = [uri for uri in data["serves_dataset"] if not self._published_by(uri, chosen)]
            if foreign:
                self.add_error(
                    "serves_dataset",
                    _("Choose only datasets of the publisher of the service, or of its departments."),
                )
        return data

    @staticmethod
    def _published_by(uri: str, organisation: Organisation) -> bool:
        slug = uri.removeprefix(f"{settings.BASE_URL}/datasets/")
        dataset = Dataset.objects.select_related("publisher").filter(slug=slug, uri="").first()
        dataset = dataset or Dataset.objects.select_related("publisher").filter(uri=uri).first()
        org = dataset.publisher if dataset else None
        while org is not None:
            if org.pk == organisation.pk:
                return True
            org = org.parent
        return False

    def to_data(self) -> dict[str, Any]:
        """The service's input: every field, empty ones as explicit clears."""
        d = self.cleaned_data
        contact: dict[str, Any] = {}
        if d.get("contact_name"):
            contact["fn"] = {"": d["contact_name"]}
        if d.get("contact_email"):
            contact["email"] = f"mailto:{d['contact_email']}"
        current = self.current
        endpoints = d.get("endpoint_url")
        return {
            "title": self.texts("title"),
            "description": self.texts("description"),
            "endpoint_url": endpoints if isinstance(endpoints, list) else [],
            "endpoint_description": [d["endpoint_description"]] if d.get("endpoint_description") else [],
            "serves_dataset": [*self.other_served(), *d.get("serves_dataset", [])],
            "licence": d.get("licence", ""),
            "access_rights": d.get("access_rights", ""),
            "contact_points": [contact] if contact else [],
            "documentation": [d["documentation"]] if d.get("documentation") else [],
            "hvd_categories": d.get("hvd_categories", []),
            "applicable_legislation": hvd_legislation(
                current.applicable_legislation if current else [], bool(d.get("hvd_categories"))
            ),
        }

    @staticmethod
    def initial_for(service: DataService) -> dict[str, Any]:
        initial: dict[str, Any] = {}
        for code, _n in settings.LANGUAGES:
            initial[f"title_{code}"] = (service.title or {}).get(code, "")
            initial[f"description_{code}"] = (service.description or {}).get(code, "")
        contact = (service.contact_points or [{}])[0]
        initial.update(
            endpoint_url="\n".join(service.endpoint_url or []),
            endpoint_description=(service.endpoint_description or [""])[0],
            serves_dataset=service.serves_dataset,
            licence=service.licence,
            access_rights=service.access_rights,
            contact_name=str(pick(contact.get("fn"))),
            contact_email=str(contact.get("email", "")).removeprefix("mailto:"),
            documentation=(service.documentation or [""])[0],
            hvd_categories=service.hvd_categories,
        )
        return initial
