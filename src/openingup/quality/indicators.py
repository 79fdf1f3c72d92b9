"""The data.europa.eu Metadata Quality Assessment (MQA) indicators as a typed table, one function each.

Points, dimensions and the property each indicator looks at follow the MQA methodology (405 points:
Findability 100, Accessibility 100, Interoperability 110, Reusability 75, Contextuality 20); the metric
IRIs are piveau's (``https://piveau.eu/ns/voc#``), the vocabulary data.europa.eu publishes its DQV in.

Every check is pure: it reads a :class:`Subject` (the dataset, its distributions, the link checker's last
results and the SHACL outcome) and one distribution (the one being scored; None when there is none) and
returns an :class:`Outcome` whose ``reason`` is a key of :data:`REASONS` with its arguments.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from openingup.catalogue.models import Dataset, Distribution
from openingup.vocabularies.registry import Concept, file_type_for_media_type, vocabulary

PV = "https://piveau.eu/ns/voc#"
DIMENSIONS: tuple[str, ...] = (
    "findability",
    "accessibility",
    "interoperability",
    "reusability",
    "contextuality",
)
DIMENSION_LABELS: dict[str, Promise] = {
    "findability": _("Findability"),
    "accessibility": _("Accessibility"),
    "interoperability": _("Interoperability"),
    "reusability": _("Reusability"),
    "contextuality": _("Contextuality"),
}
Level = Literal["dataset", "distribution", "both"]


@dataclass(frozen=True)
class LinkStatus:
    """The link checker's last result for one URL."""

    status_code: int | None
    ok: bool
    error: str = ""


@dataclass(frozen=True)
class Subject:
    """Everything the indicators read about one dataset; ``violations`` None means not validated."""

    dataset: Dataset
    distributions: Sequence[Distribution] = ()
    links: Mapping[str, LinkStatus] = field(default_factory=dict)
    violations: Sequence[str] | None = None


@dataclass(frozen=True)
class Outcome:
    passed: bool
    reason: str
    args: dict[str, Any] = field(default_factory=dict)


Check = Callable[[Subject, Distribution | None], Outcome]


@dataclass(frozen=True)
class Indicator:
    key: str
    dimension: str
    points: int
    level: Level
    predicate: str
    metric: str
    label: Promise
    fix: Promise
    check: Check

    @property
    def metric_iri(self) -> str:
        return PV + self.metric


# --------------------------------------------------------------------------- reasons

REASONS: dict[str, Promise] = {
    "given": _("%(property)s is given."),
    "missing": _("%(property)s is not given."),
    "no_distribution": _("The dataset has no distribution."),
    "no_url": _("The distribution has no %(property)s."),
    "not_checked": _("%(url)s has not been checked yet."),
    "answered": _("%(url)s answered HTTP %(status)s."),
    "unreachable": _("%(url)s could not be checked: %(error)s"),
    "in_vocabulary": _("%(value)s is in the EU vocabulary."),
    "not_in_vocabulary": _("%(value)s is not in the EU vocabulary."),
    "unknown_format": _("The format is not known, so this cannot be told."),
    "is_flagged": _("%(value)s is %(quality)s."),
    "not_flagged": _("%(value)s is not %(quality)s."),
    "conforms": _("The dataset meets the DCAT-AP 3 shapes."),
    "violations": _("%(count)s DCAT-AP 3 violations, first: %(first)s"),
    "not_validated": _("The dataset has not been validated."),
}
_QUALITIES = {"non_proprietary": _("non-proprietary"), "machine_readable": _("machine-readable")}


def reason_text(reason: str, args: Mapping[str, Any]) -> str:
    """The reason in the active language (``reason`` a key of :data:`REASONS`)."""
    template = REASONS.get(reason)
    if template is None:
        return reason
    values = dict(args)
    if "quality" in values:
        values["quality"] = str(_QUALITIES.get(values["quality"], values["quality"]))
    return str(template) % values


# --------------------------------------------------------------------------- helpers


def _presence(value: Any, prop: str) -> Outcome:
    return Outcome(bool(value), "given" if value else "missing", {"property": prop})


def _has_keywords(dataset: Dataset) -> bool:
    return any(words for words in (dataset.keywords or {}).values())


def _status(subject: Subject, urls: Sequence[str], prop: str) -> Outcome:
    """Passed when one of the URLs last answered 2xx (after redirects), as piveau scores status codes."""
    if not urls:
        return Outcome(False, "no_url", {"property": prop})
    outcomes = []
    for url in urls:
        link = subject.links.get(url)
        if link is None:
            outcomes.append(Outcome(False, "not_checked", {"url": url}))
        elif link.status_code is None:
            outcomes.append(Outcome(False, "unreachable", {"url": url, "error": link.error}))
        else:
            passed = 200 <= link.status_code < 300
            outcomes.append(Outcome(passed, "answered", {"url": url, "status": link.status_code}))
    return next((o for o in outcomes if o.passed), outcomes[0])


def file_type(distribution: Distribution) -> Concept | None:
    """The EU file type of the distribution: its dct:format, else the one of its media type."""
    if distribution.format:
        found = vocabulary("file-type").resolve(distribution.format)
        if found is not None:
            return found
    return file_type_for_media_type(distribution.media_type) if distribution.media_type else None


def _flag(distribution: Distribution | None, flag: str) -> Outcome:
    if distribution is None:
        return Outcome(False, "no_distribution")
    concept = file_type(distribution)
    if concept is None:
        return Outcome(False, "unknown_format")
    passed = bool(concept.extra.get(flag))
    return Outcome(
        passed, "is_flagged" if passed else "not_flagged", {"value": concept.code, "quality": flag}
    )


def _distribution(check: Callable[[Subject, Distribution], Outcome]) -> Check:
    """A distribution indicator fails with "no distribution" when the dataset has none."""

    def wrapped(subject: Subject, distribution: Distribution | None) -> Outcome:
        if distribution is None:
            return Outcome(False, "no_distribution")
        return check(subject, distribution)

    wrapped.__name__ = check.__name__
    wrapped.__doc__ = check.__doc__
    return wrapped


def _in_vocabulary(name: str, value: str) -> Outcome:
    passed = bool(value) and value in vocabulary(name)
    return Outcome(passed, "in_vocabulary" if passed else "not_in_vocabulary", {"value": value})


# --------------------------------------------------------------------------- the checks


def keywords(subject: Subject, distribution: Distribution | None) -> Outcome:
    return _presence(_has_keywords(subject.dataset), "dcat:keyword")


def themes(subject: Subject, distribution: Distribution | None) -> Outcome:
    return _presence(subject.dataset.themes, "dcat:theme")


def spatial(subject: Subject, distribution: Distribution | None) -> Outcome:
    return _presence(subject.dataset.spatial, "dct:spatial")


def temporal(subject: Subject, distribution: Distribution | None) -> Outcome:
    return _presence(subject.dataset.temporal, "dct:temporal")


@_distribution
def access_url_status(subject: Subject, distribution: Distribution) -> Outcome:
    return _status(subject, list(distribution.access_url or []), "dcat:accessURL")


@_distribution
def download_url(subject: Subject, distribution: Distribution) -> Outcome:
    return _presence(distribution.download_url, "dcat:downloadURL")


@_distribution
def download_url_status(subject: Subject, distribution: Distribution) -> Outcome:
    return _status(subject, list(distribution.download_url or []), "dcat:downloadURL")


@_distribution
def format_given(subject: Subject, distribution: Distribution) -> Outcome:
    return _presence(distribution.format, "dct:format")


@_distribution
def media_type(subject: Subject, distribution: Distribution) -> Outcome:
    return _presence(distribution.media_type, "dcat:mediaType")


@_distribution
def format_vocabulary(subject: Subject, distribution: Distribution) -> Outcome:
    """Format and media type, where given, come from the EU file types and IANA media types."""
    given = [("file-type", distribution.format), ("media-type", distribution.media_type)]
    given = [(name, value) for name, value in given if value]
    if not given:
        return Outcome(False, "missing", {"property": "dct:format, dcat:mediaType"})
    outcomes = [_in_vocabulary(name, value) for name, value in given]
    failed = next((o for o in outcomes if not o.passed), None)
    return failed or Outcome(True, "in_vocabulary", {"value": ", ".join(value for _name, value in given)})


def non_proprietary(subject: Subject, distribution: Distribution | None) -> Outcome:
    return _flag(distribution, "non_proprietary")


def machine_readable(subject: Subject, distribution: Distribution | None) -> Outcome:
    return _flag(distribution, "machine_readable")


def dcat_ap_compliance(subject: Subject, distribution: Distribution | None) -> Outcome:
    if subject.violations is None:
        return Outcome(False, "not_validated")
    if not subject.violations:
        return Outcome(True, "conforms")
    return Outcome(False, "violations", {"count": len(subject.violations), "first": subject.violations[0]})


@_distribution
def licence(subject: Subject, distribution: Distribution) -> Outcome:
    return _presence(distribution.licence, "dct:license")


@_distribution
def known_licence(subject: Subject, distribution: Distribution) -> Outcome:
    if not distribution.licence:
        return Outcome(False, "missing", {"property": "dct:license"})
    passed = vocabulary("licence").resolve(distribution.licence) is not None
    reason = "in_vocabulary" if passed else "not_in_vocabulary"
    return Outcome(passed, reason, {"value": distribution.licence})


def access_rights(subject: Subject, distribution: Distribution | None) -> Outcome:
    return _presence(subject.dataset.access_rights, "dct:accessRights")


def access_rights_vocabulary(subject: Subject, distribution: Distribution | None) -> Outcome:
    if not subject.dataset.access_rights:
        return Outcome(False, "missing", {"property": "dct:accessRights"})
    return _in_vocabulary("access-right", subject.dataset.access_rights)


def contact_point(subject: Subject, distribution: Distribution | None) -> Outcome:
    return _presence(subject.dataset.contact_points, "dcat:contactPoint")


def publisher(subject: Subject, distribution: Distribution | None) -> Outcome:
    return _presence(subject.dataset.publisher_id, "dct:publisher")


@_distribution
def rights(subject: Subject, distribution: Distribution) -> Outcome:
    return _presence(distribution.rights, "dct:rights")


@_distribution
def byte_size(subject: Subject, distribution: Distribution) -> Outcome:
    return _presence(distribution.byte_size is not None, "dcat:byteSize")


def issued(subject: Subject, distribution: Distribution | None) -> Outcome:
    """On the dataset or on the scored distribution (the MQA measures both, counting it once)."""
    return _presence(subject.dataset.issued or (distribution.issued if distribution else ""), "dct:issued")


def modified(subject: Subject, distribution: Distribution | None) -> Outcome:
    """On the dataset or on the scored distribution (the MQA measures both, counting it once)."""
    value = subject.dataset.modified or (distribution.modified if distribution else "")
    return _presence(value, "dct:modified")


# fmt: off
INDICATORS: tuple[Indicator, ...] = (
    # key, dimension, points, level, property;
    #     piveau metric, label;
    #     fix (a sentence for the publisher), check
    Indicator("keywords", "findability", 30, "dataset", "dcat:keyword",
              "keywordAvailability", _("Keywords"),
              _("Add keywords, so that people find the dataset with the words they search for."), keywords),
    Indicator("themes", "findability", 30, "dataset", "dcat:theme",
              "categoryAvailability", _("Themes"),
              _("Choose one or more themes from the EU data themes."), themes),
    Indicator("spatial", "findability", 20, "dataset", "dct:spatial",
              "spatialAvailability", _("Area covered"),
              _("Say which area the data covers (a place or a bounding box)."), spatial),
    Indicator("temporal", "findability", 20, "dataset", "dct:temporal",
              "temporalAvailability", _("Period covered"),
              _("Say which period the data covers."), temporal),
    Indicator("access_url_status", "accessibility", 50, "distribution", "dcat:accessURL",
              "accessUrlStatusCode", _("Access URL works"),
              _("Make the access URL of a distribution answer (HTTP 200), or correct it."),
              access_url_status),
    Indicator("download_url", "accessibility", 20, "distribution", "dcat:downloadURL",
              "downloadUrlAvailability", _("Download URL"),
              _("Give a direct download URL for a distribution."), download_url),
    Indicator("download_url_status", "accessibility", 30, "distribution", "dcat:downloadURL",
              "downloadUrlStatusCode", _("Download URL works"),
              _("Make the download URL answer (HTTP 200), or correct it."), download_url_status),
    Indicator("format", "interoperability", 20, "distribution", "dct:format",
              "formatAvailability", _("Format"),
              _("Give the file format of the distribution."), format_given),
    Indicator("media_type", "interoperability", 10, "distribution", "dcat:mediaType",
              "mediaTypeAvailability", _("Media type"),
              _("Give the media type (such as text/csv) of the distribution."), media_type),
    Indicator("format_vocabulary", "interoperability", 10, "distribution", "dct:format, dcat:mediaType",
              "formatMediaTypeVocabularyAlignment", _("Format and media type from vocabularies"),
              _("Pick the format from the EU file types and the media type from the IANA list."),
              format_vocabulary),
    Indicator("non_proprietary", "interoperability", 20, "distribution", "dct:format",
              "formatMediaTypeNonProprietary", _("Non-proprietary format"),
              _("Offer the data in a non-proprietary format such as CSV."), non_proprietary),
    Indicator("machine_readable", "interoperability", 20, "distribution", "dct:format",
              "formatMediaTypeMachineInterpretable", _("Machine-readable format"),
              _("Offer the data in a machine-readable format such as CSV or JSON, not only PDF."),
              machine_readable),
    Indicator("dcat_ap_compliance", "interoperability", 30, "dataset", "SHACL",
              "dcatApCompliance", _("DCAT-AP compliance"),
              _("Correct what the DCAT-AP 3 check reports for this dataset."), dcat_ap_compliance),
    Indicator("licence", "reusability", 20, "distribution", "dct:license",
              "licenceAvailability", _("Licence"),
              _("Give the licence under which the data may be reused."), licence),
    Indicator("known_licence", "reusability", 10, "distribution", "dct:license",
              "knownLicence", _("Known licence"),
              _("Choose the licence from the EU licence list (for example CC BY 4.0)."), known_licence),
    Indicator("access_rights", "reusability", 10, "dataset", "dct:accessRights",
              "accessRightsAvailability", _("Access rights"),
              _("Say whether the dataset is public, restricted or non-public."), access_rights),
    Indicator("access_rights_vocabulary", "reusability", 5, "dataset", "dct:accessRights",
              "accessRightsVocabularyAlignment", _("Access rights from the vocabulary"),
              _("Pick the access rights from the EU access-right list."), access_rights_vocabulary),
    Indicator("contact_point", "reusability", 20, "dataset", "dcat:contactPoint",
              "contactPointAvailability", _("Contact point"),
              _("Add a contact point that answers questions about the data."), contact_point),
    Indicator("publisher", "reusability", 10, "dataset", "dct:publisher",
              "publisherAvailability", _("Publisher"),
              _("Name the organisation that publishes the dataset."), publisher),
    Indicator("rights", "contextuality", 5, "distribution", "dct:rights",
              "rightsAvailability", _("Rights"),
              _("Describe the rights that apply to the distribution."), rights),
    Indicator("byte_size", "contextuality", 5, "distribution", "dcat:byteSize",
              "byteSizeAvailability", _("File size"),
              _("Give the size of the file in bytes."), byte_size),
    Indicator("issued", "contextuality", 5, "both", "dct:issued",
              "dateIssuedAvailability", _("Date of issue"),
              _("Give the date the dataset was first published."), issued),
    Indicator("modified", "contextuality", 5, "both", "dct:modified",
              "dateModifiedAvailability", _("Modification date"),
              _("Give the date of the last change."), modified),
)
# fmt: on

BY_KEY: dict[str, Indicator] = {indicator.key: indicator for indicator in INDICATORS}
MAXIMUM: dict[str, int] = {dim: sum(i.points for i in INDICATORS if i.dimension == dim) for dim in DIMENSIONS}
TOTAL = sum(MAXIMUM.values())
