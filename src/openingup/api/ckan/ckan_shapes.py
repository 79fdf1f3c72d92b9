"""Our DCAT-AP catalogue in CKAN 2.11's dictionaries, and CKAN's dictionaries back into our fields.

A dataset is shown as CKAN's ``package_show`` shows it, its DCAT-AP fields named as ckanext-dcat's
scheming schemas name them (``issued``, ``modified``, ``identifier``, ``contact``, ``publisher``,
``spatial_coverage``, ``temporal_coverage``, ``access_rights``, ``conforms_to``, ``theme``, ``language``,
``frequency``, ``hvd_category``, ``applicable_legislation``, ``documentation``, …); multilingual texts are
``title_translated``/``notes_translated`` (``tags_translated``) with ``title``/``notes`` in the site's
default language. ``id`` is the dataset's UUID, ``name`` its slug; ``state`` is ``active`` (published or
draft; a draft is ``private``) or ``deleted`` (archived). Themes are CKAN groups named by the lower-case
EU data-theme code; the licence (of the first distribution that has one) is ``license_id`` = the EU licence
code. A resource is a distribution: ``url`` its download (else access) URL, ``format`` the EU file-type
code, ``mimetype`` the IANA media type, ``hash`` the checksum, ``datastore_active`` whether its latest
DataStore table is ready.
"""

from __future__ import annotations

import datetime as dt
import functools
from collections.abc import Callable, Iterable
from typing import Any

from django.conf import settings
from django.http import HttpRequest

from openingup.api.ckan.actions import ActionFunction, Params, action
from openingup.catalogue.models import Dataset, Distribution, Status
from openingup.datastore.models import Table
from openingup.organisations.models import Organisation
from openingup.vocabularies.registry import concept, vocabulary


def scrub(value: Any) -> Any:
    """The value with NUL characters removed from every string (PostgreSQL refuses them in text)."""
    if isinstance(value, str):
        return value.replace("\x00", "")
    if isinstance(value, list):
        return [scrub(v) for v in value]
    if isinstance(value, dict):
        return {scrub(k): scrub(v) for k, v in value.items()}
    return value


def catalogue_action(
    name: str, *, side_effect_free: bool = False
) -> Callable[[ActionFunction], ActionFunction]:
    """Register an action as :func:`~openingup.api.ckan.actions.action` does, its params scrubbed of NULs."""

    def register(fn: ActionFunction) -> ActionFunction:
        @functools.wraps(fn)
        def run(request: HttpRequest, params: Params) -> Any:
            return fn(request, scrub(params))

        action(name, side_effect_free=side_effect_free)(run)
        return fn

    return register


THEME_PREFIX = "http://publications.europa.eu/resource/authority/data-theme/"

# Our field → ckanext-dcat's name, for fields whose value passes through unchanged.
DATASET_PLAIN = {
    "issued": "issued",
    "modified": "modified",
    "themes": "theme",
    "language": "language",
    "frequency": "frequency",
    "access_rights": "access_rights",
    "conforms_to": "conforms_to",
    "documentation": "documentation",
    "hvd_categories": "hvd_category",
    "applicable_legislation": "applicable_legislation",
    "version": "version",
    "type": "dcat_type",
    "relations": "relation",
    "sources": "source",
    "has_version": "has_version",
    "is_version_of": "is_version_of",
    "is_referenced_by": "is_referenced_by",
    "samples": "sample",
    "was_generated_by": "was_generated_by",
    "spatial_resolution": "spatial_resolution_in_meters",
    "temporal_resolution": "temporal_resolution",
    "in_series": "in_series",
}
DISTRIBUTION_PLAIN = {
    "issued": "issued",
    "modified": "modified",
    "language": "language",
    "conforms_to": "conforms_to",
    "documentation": "documentation",
    "access_services": "access_services",
    "availability": "availability",
    "status": "status",
    "licence": "license",
    "compress_format": "compress_format",
    "package_format": "package_format",
    "spatial_resolution": "spatial_resolution_in_meters",
    "temporal_resolution": "temporal_resolution",
    "applicable_legislation": "applicable_legislation",
}
# Our field name (as services report problems) → the CKAN field a client sent.
CKAN_FIELD = {
    **DATASET_PLAIN,
    "title": "title",
    "description": "notes",
    "keywords": "tags",
    "identifier": "identifier",
    "other_identifiers": "alternate_identifier",
    "contact_points": "contact",
    "publisher": "publisher",
    "creator": "creator",
    "spatial": "spatial_coverage",
    "temporal": "temporal_coverage",
    "landing_page": "url",
    "version_notes": "version_notes",
    "provenance": "provenance",
    "access_url": "access_url",
    "download_url": "download_url",
    "format": "format",
    "media_type": "mimetype",
    "byte_size": "size",
    "checksum": "hash",
    "file": "upload",
    "licence": "license_id",
}


def lang() -> str:
    return str(settings.LANGUAGE_CODE).split("-")[0]


def pick(values: Any) -> str:
    """The text in the default language, else English, else any."""
    if not isinstance(values, dict) or not values:
        return ""
    return str(values.get(lang()) or values.get("en") or values.get("") or next(iter(values.values())))


def stamp(value: dt.datetime | None) -> str | None:
    """CKAN's timestamps: naive UTC ISO 8601 with microseconds."""
    if value is None:
        return None
    if value.tzinfo is not None:
        value = value.astimezone(dt.UTC).replace(tzinfo=None)
    return value.isoformat()


def code(uri: str) -> str:
    found = concept(uri) if uri else None
    return found.code if found else uri.rstrip("/").rsplit("/", 1)[-1]


def _label(uri: str) -> str:
    found = concept(uri) if uri else None
    return found.label(lang()) if found else uri


# ---------------------------------------------------------------------------------- organisations


def organization_dict(org: Organisation, *, package_count: int | None = None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "approval_status": "approved",
        "created": stamp(org.created_at),
        "description": pick(org.description),
        "display_name": pick(org.name) or org.slug,
        "id": str(org.pk),
        "image_display_url": "",
        "image_url": "",
        "is_organization": True,
        "name": org.slug,
        "state": "active",
        "title": pick(org.name) or org.slug,
        "type": "organization",
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def group_dict(theme: str, *, package_count: int | None = None) -> dict[str, Any]:
    """A data theme as a CKAN group (``name``: the lower-case theme code)."""
    title = _label(theme)
    name = code(theme).lower()
    out: dict[str, Any] = {
        "description": "",
        "display_name": title,
        "id": name,
        "image_display_url": "",
        "image_url": "",
        "is_organization": False,
        "name": name,
        "state": "active",
        "title": title,
        "type": "group",
        "approval_status": "approved",
        "url": theme,
    }
    if package_count is not None:
        out["package_count"] = package_count
    return out


def theme_uri(name: str) -> str | None:
    found = vocabulary("data-theme").by_code(name.strip())
    return found.uri if found else None


def tag_dict(name: str) -> dict[str, Any]:
    return {"display_name": name, "id": name, "name": name, "state": "active", "vocabulary_id": None}


def tags_of(dataset: Dataset) -> list[str]:
    seen: dict[str, None] = {}
    for words in (dataset.keywords or {}).values():
        for word in words or []:
            seen.setdefault(str(word), None)
    return sorted(seen, key=str.casefold)


# ---------------------------------------------------------------------------------------- resources


def ready_tables(distribution_ids: Iterable[Any]) -> set[Any]:
    """The distributions whose latest DataStore table is ready."""
    latest: dict[Any, tuple[int, str]] = {}
    for pk, version, status in Table.objects.filter(distribution_id__in=list(distribution_ids)).values_list(
        "distribution_id", "version", "status"
    ):
        if pk not in latest or version > latest[pk][0]:
            latest[pk] = (version, status)
    return {pk for pk, (_, status) in latest.items() if status == Table.Status.READY}


def media_type(uri: str) -> str | None:
    marker = "/media-types/"
    if marker in uri:
        return uri.split(marker, 1)[1]
    return uri or None


def resource_dict(d: Distribution, *, datastore_active: bool) -> dict[str, Any]:
    url = (d.download_url or d.access_url or [""])[0]
    checksum = d.checksum or {}
    out: dict[str, Any] = {
        "cache_last_updated": None,
        "cache_url": None,
        "created": stamp(d.created_at),
        "datastore_active": datastore_active,
        "description": pick(d.description),
        "description_translated": dict(d.description or {}),
        "format": code(d.format) if d.format else "",
        "hash": checksum.get("value", "") if isinstance(checksum, dict) else "",
        "hash_algorithm": checksum.get("algorithm", "") if isinstance(checksum, dict) else "",
        "id": str(d.pk),
        "last_modified": stamp(d.updated_at),
        "metadata_modified": stamp(d.updated_at),
        "mimetype": media_type(d.media_type),
        "mimetype_inner": None,
        "name": pick(d.title),
        "name_translated": dict(d.title or {}),
        "package_id": str(d.dataset_id),
        "position": d.position,
        "resource_type": None,
        "size": d.byte_size,
        "state": "active",
        "url": url,
        "url_type": "upload" if d.file else None,
        "access_url": (d.access_url or [""])[0],
        "download_url": (d.download_url or [""])[0],
        "rights": pick((d.rights or {}).get("label")) if isinstance(d.rights, dict) else "",
    }
    for ours, theirs in DISTRIBUTION_PLAIN.items():
        out[theirs] = getattr(d, ours)
    return out


# ----------------------------------------------------------------------------------------- datasets


def _contact(item: dict[str, Any]) -> dict[str, Any]:
    email = str(item.get("email", ""))
    return {
        "name": pick(item.get("fn")) or pick(item.get("organisation_name")),
        "name_translated": dict(item.get("fn") or {}),
        "email": email.removeprefix("mailto:"),
        "url": item.get("url", ""),
        "identifier": item.get("uri", ""),
    }


def _agent(item: dict[str, Any] | None, org: Organisation | None) -> list[dict[str, Any]]:
    if item:
        return [
            {
                "uri": item.get("uri", ""),
                "name": pick(item.get("name")),
                "name_translated": dict(item.get("name") or {}),
                "email": str(item.get("email", "")).removeprefix("mailto:"),
                "url": item.get("homepage", ""),
                "type": item.get("type", ""),
            }
        ]
    if org is not None:
        return [
            {
                "uri": org.uri or "",
                "name": pick(org.name) or org.slug,
                "name_translated": dict(org.name or {}),
                "email": org.email,
                "url": org.homepage,
                "type": org.publisher_type,
            }
        ]
    return []


def licence_of(distributions: list[Distribution]) -> str:
    return next((d.licence for d in distributions if d.licence), "")


def package_dict(dataset: Dataset, *, ready: set[Any] | None = None) -> dict[str, Any]:
    """``package_show``'s dictionary; ``ready`` the distributions with a ready DataStore table."""
    distributions = list(dataset.distributions.all())
    if ready is None:
        ready = ready_tables(d.pk for d in distributions)
    org = dataset.publisher
    tags = tags_of(dataset)
    licence = licence_of(distributions)
    out: dict[str, Any] = {
        "author": None,
        "author_email": None,
        "creator_user_id": None,
        "extras": [],
        "groups": [group_dict(t) for t in dataset.themes or [] if t.startswith(THEME_PREFIX)],
        "id": str(dataset.pk),
        "isopen": bool(licence),
        "license_id": code(licence) if licence else "",
        "license_title": _label(licence) if licence else "",
        "license_url": licence,
        "maintainer": None,
        "maintainer_email": None,
        "metadata_created": stamp(dataset.created_at),
        "metadata_modified": stamp(dataset.updated_at),
        "name": dataset.slug,
        "notes": pick(dataset.description),
        "notes_translated": dict(dataset.description or {}),
        "num_resources": len(distributions),
        "num_tags": len(tags),
        "organization": organization_dict(org) if org else None,
        "owner_org": str(org.pk) if org else None,
        "private": dataset.status == Status.DRAFT,
        "relationships_as_object": [],
        "relationships_as_subject": [],
        "resources": [resource_dict(d, datastore_active=d.pk in ready) for d in distributions],
        "state": "deleted" if dataset.status == Status.ARCHIVED else "active",
        "tags": [tag_dict(t) for t in tags],
        "tags_translated": {k: list(v) for k, v in (dataset.keywords or {}).items()},
        "title": pick(dataset.title),
        "title_translated": dict(dataset.title or {}),
        "type": "dataset",
        "url": (dataset.landing_page or [""])[0],
        "version": dataset.version or None,
        "identifier": (dataset.identifier or [""])[0],
        "alternate_identifier": [i.get("notation", "") for i in dataset.other_identifiers or []],
        "contact": [_contact(c) for c in dataset.contact_points or []],
        "publisher": _agent(None, org),
        "creator": _agent(dataset.creator, None),
        "spatial_coverage": [
            {
                "uri": s.get("uri", ""),
                "text": pick(s.get("label")),
                "geom": s.get("geometry", ""),
                "bbox": s.get("bbox", ""),
                "centroid": s.get("centroid", ""),
            }
            for s in dataset.spatial or []
        ],
        "temporal_coverage": [
            {"start": t.get("start", ""), "end": t.get("end", "")} for t in dataset.temporal or []
        ],
        "provenance": pick((dataset.provenance or [{}])[0].get("label")),
        "version_notes": dict(dataset.version_notes or {}),
    }
    for ours, theirs in DATASET_PLAIN.items():
        value = getattr(dataset, ours)
        if value not in ("", [], None) or theirs not in out:
            out[theirs] = value
    return out
