"""HVD compliance: what the High-Value Datasets regulation (EU 2023/138) asks of each HVD dataset.

Five requirements, each yes or no with a reason: an open licence (every distribution under a licence the
EU licence table marks open; whether it is also "CC BY 4.0 or less restrictive", as Article 4 asks, is not
told apart), an API (a published data service serving the dataset, or a distribution reached through one),
bulk download (a download URL),
documentation (a landing page or foaf:page) and a contact point. :func:`report` is pure over the rows it
is given.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from openingup.catalogue.models import DataService, Dataset, Distribution
from openingup.catalogue.records import data_service_uri, dataset_uri
from openingup.vocabularies.registry import vocabulary

REQUIREMENTS: dict[str, Promise] = {
    "open_licence": _("Open licence"),
    "api": _("API"),
    "bulk_download": _("Bulk download"),
    "documentation": _("Documentation"),
    "contact_point": _("Contact point"),
}


@dataclass(frozen=True)
class Requirement:
    key: str
    met: bool
    reason: str

    @property
    def label(self) -> str:
        return str(REQUIREMENTS[self.key])


@dataclass(frozen=True)
class Report:
    dataset: Dataset
    requirements: tuple[Requirement, ...]

    @property
    def compliant(self) -> bool:
        return all(r.met for r in self.requirements)

    def as_json(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset.slug,
            "uri": dataset_uri(self.dataset),
            "compliant": self.compliant,
            "requirements": {r.key: {"met": r.met, "reason": r.reason} for r in self.requirements},
        }


def _open_licence(distributions: Sequence[Distribution]) -> Requirement:
    if not distributions:
        return Requirement("open_licence", False, str(_("The dataset has no distribution.")))
    licences = vocabulary("licence")
    for distribution in distributions:
        concept = licences.resolve(distribution.licence) if distribution.licence else None
        if concept is None or not concept.extra.get("open"):
            text = distribution.licence or str(_("no licence"))
            return Requirement(
                "open_licence",
                False,
                str(_("A distribution is not under an open licence: %(value)s")) % {"value": text},
            )
    return Requirement("open_licence", True, str(_("Every distribution is under an open licence.")))


def _api(uri: str, distributions: Sequence[Distribution], services: Sequence[DataService]) -> Requirement:
    serving = [s for s in services if uri in (s.serves_dataset or [])]
    access = {u for d in distributions for u in d.access_services or []}
    serving += [s for s in services if data_service_uri(s) in access and s not in serving]
    if serving:
        names = ", ".join(s.text("title") or s.slug for s in serving)
        return Requirement("api", True, str(_("Served by the data service %(names)s.")) % {"names": names})
    return Requirement("api", False, str(_("No published data service serves this dataset.")))


def _bulk(distributions: Sequence[Distribution]) -> Requirement:
    urls = [u for d in distributions for u in d.download_url or []]
    if urls:
        return Requirement("bulk_download", True, str(_("Downloadable from %(url)s.")) % {"url": urls[0]})
    return Requirement("bulk_download", False, str(_("No distribution has a download URL.")))


def _documentation(dataset: Dataset) -> Requirement:
    pages = [*(dataset.documentation or []), *(dataset.landing_page or [])]
    if pages:
        return Requirement("documentation", True, str(_("Documented at %(url)s.")) % {"url": pages[0]})
    return Requirement("documentation", False, str(_("No landing page or documentation page is given.")))


def _contact(dataset: Dataset) -> Requirement:
    if dataset.contact_points:
        return Requirement("contact_point", True, str(_("A contact point is given.")))
    return Requirement("contact_point", False, str(_("No contact point is given.")))


def report(
    dataset: Dataset, distributions: Sequence[Distribution], services: Sequence[DataService]
) -> Report:
    """The five requirements for one dataset (``services``: the published data services)."""
    return Report(
        dataset,
        (
            _open_licence(distributions),
            _api(dataset_uri(dataset), distributions, services),
            _bulk(distributions),
            _documentation(dataset),
            _contact(dataset),
        ),
    )


def hvd_datasets(datasets: QuerySet[Dataset]) -> QuerySet[Dataset]:
    """The datasets taking part in an HVD publication: an HVD category or the HVD regulation."""
    from openingup.exchange.dcat.namespaces import HVD_LEGISLATION

    with_category = datasets.exclude(hvd_categories=[])
    by_legislation = datasets.filter(applicable_legislation__icontains=HVD_LEGISLATION)
    return (with_category | by_legislation).distinct()


def reports(datasets: QuerySet[Dataset], services: Iterable[DataService]) -> list[Report]:
    """A report for each HVD dataset among ``datasets`` (by slug)."""
    served = list(services)
    rows = hvd_datasets(datasets).order_by("slug").prefetch_related("distributions")
    return [report(d, list(d.distributions.all()), served) for d in rows]
