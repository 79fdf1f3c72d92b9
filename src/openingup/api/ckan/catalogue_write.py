"""CKAN's catalogue writes: ``package_create``, ``package_update``, ``package_patch``, ``package_delete``
and ``resource_create``, through the catalogue services with the caller as actor (their permission checks
give CKAN's 403 Authorization Error, their field problems a 409 Validation Error keyed by CKAN names).

``private`` (default false, as CKAN's) maps to our lifecycle: a private dataset is a draft; a public one is
published, which runs the DCAT-AP check first (its problems are a Validation Error). ``package_delete``
archives, shown afterwards with ``state: "deleted"`` as CKAN shows a deleted dataset. ``package_update``
replaces the fields it maps (leaving out a field clears it) and the resource list when ``resources`` is
sent; ``package_patch`` changes only the fields sent. A package-level ``license_id`` is the licence of
every distribution. Renaming (``name``) and moving (``owner_org``) a dataset are refused.
"""

from __future__ import annotations

import re
from typing import Any

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import HttpRequest

from openingup.api.ckan.actions import Param, Params, ValidationError, boolean, text, validate
from openingup.api.ckan.catalogue_input import (
    DATASET_MAPPED,
    ckan_errors,
    dataset_data,
    licence_uri,
    resource_data,
)
from openingup.api.ckan.catalogue_read import as_uuid, find_dataset
from openingup.api.ckan.ckan_shapes import catalogue_action, package_dict, ready_tables, resource_dict
from openingup.catalogue import services
from openingup.catalogue.models import Dataset, Distribution, Status
from openingup.core.errors import NotFound, PermissionDenied
from openingup.organisations import permissions
from openingup.organisations.models import Organisation

NAME = re.compile(r"^[a-z0-9_-]{2,100}$")
NAME_MESSAGE = "Must be purely lowercase alphanumeric (ascii) characters and these symbols: -_"


def _organisation(key: Any) -> Organisation:
    if not isinstance(key, str) or not key.strip():
        raise ValidationError({"owner_org": ["Missing value"]})
    pk = as_uuid(key)
    org = Organisation.objects.filter(pk=pk).first() if pk else Organisation.objects.filter(slug=key).first()
    if org is None:
        raise ValidationError({"owner_org": ["Organization does not exist"]})
    return org


def _resources(params: Params) -> list[dict[str, Any]] | None:
    if "resources" not in params:
        return None
    value = params["resources"]
    if not isinstance(value, list) or not all(isinstance(r, dict) for r in value):
        raise ValidationError({"resources": ["Must be a list of dictionaries"]})
    return value


def _add_resource(actor: Any, dataset: Dataset, item: dict[str, Any], licence: str) -> Distribution:
    upload = item.get("upload")
    data = resource_data(item)
    if licence and not data.get("licence"):
        data["licence"] = licence
    if not isinstance(upload, UploadedFile):
        upload = None
        if not data.get("access_url"):
            raise ValidationError({"url": ["Missing value"]})
    with ckan_errors():
        return services.add_distribution(actor=actor, dataset=dataset, data=data, upload=upload)


def _sync_resources(actor: Any, dataset: Dataset, items: list[dict[str, Any]], licence: str) -> None:
    """Make the dataset's distributions those of ``items``: matched by id, added, or deleted."""
    current = {str(d.pk): d for d in dataset.distributions.all()}
    kept = set()
    for item in items:
        existing = current.get(str(item.get("id", "")))
        if existing is None:
            _add_resource(actor, dataset, item, licence)
            continue
        kept.add(str(existing.pk))
        data = resource_data(item)
        if licence and not data.get("licence"):
            data["licence"] = licence
        with ckan_errors():
            services.update_distribution(actor=actor, distribution=existing, data=data)
    for pk, distribution in current.items():
        if pk not in kept:
            services.delete_distribution(actor=actor, distribution=distribution)


def _relicence(actor: Any, dataset: Dataset, licence: str) -> None:
    for distribution in dataset.distributions.all():
        if distribution.licence != licence:
            with ckan_errors():
                services.update_distribution(
                    actor=actor, distribution=distribution, data={"licence": licence}
                )


def _lifecycle(actor: Any, dataset: Dataset, private: bool | None, state: Any) -> None:
    if state == "deleted":
        if dataset.status != Status.ARCHIVED:
            services.archive_dataset(actor=actor, dataset=dataset)
        return
    if private is None and not (state == "active" and dataset.status == Status.ARCHIVED):
        return
    if private and dataset.status != Status.DRAFT:
        raise ValidationError({"private": ["A public dataset cannot be made private again."]})
    if not private and dataset.status != Status.PUBLISHED:
        with ckan_errors():
            services.publish_dataset(actor=actor, dataset=dataset)


def _shown(dataset: Dataset) -> dict[str, Any]:
    return package_dict(Dataset.objects.select_related("publisher").get(pk=dataset.pk))


WRITE_SCHEMA = {"private": Param(boolean), "state": Param(text), "license_id": Param(text)}


@catalogue_action("package_create")
def package_create(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Create a new dataset (package).

    :param name: the name of the new dataset: 2–100 lowercase alphanumeric characters, ``-`` and ``_``
        (optional; made from the title when not given)
    :type name: string
    :param title: the title, in the site's default language; ``title_translated`` per language
    :type title: string
    :param notes: the description; ``notes_translated`` per language
    :type notes: string
    :param owner_org: the id or name of the dataset's organization
    :type owner_org: string
    :param private: a draft when true; published (after the DCAT-AP check) when false (default)
    :type private: bool
    :param tags: the dataset's tags (``[{"name": …}]``); ``tags_translated`` per language
    :type tags: list of tag dictionaries
    :param groups: the EU data themes (``[{"name": "envi"}]``), or ``theme`` as URIs
    :type groups: list of dictionaries
    :param license_id: the EU licence code or URI of the resources
    :type license_id: string
    :param resources: the dataset's resources (see ``resource_create``)
    :type resources: list of resource dictionaries

    The DCAT fields have ckanext-dcat's scheming names (``issued``, ``modified``, ``identifier``,
    ``contact``, ``spatial_coverage``, ``temporal_coverage``, ``language``, ``frequency``, …).

    :returns: the newly created dataset
    :rtype: dictionary
    """
    actor = request.auth  # type: ignore[attr-defined]
    org = _organisation(params.get("owner_org"))
    if not permissions.can_create_dataset(actor, org):
        raise PermissionDenied(f"User not authorized to add dataset to organization {org.slug}")
    values = validate(params, WRITE_SCHEMA, junk=False)
    name = params.get("name")
    if name not in (None, ""):
        if not isinstance(name, str) or not NAME.match(name):
            raise ValidationError({"name": [NAME_MESSAGE]})
        if Dataset.objects.filter(slug=name).exists():
            raise ValidationError({"name": ["That URL is already in use."]})
    data = dataset_data(params)
    if not data.get("title"):
        raise ValidationError({"title": ["Missing value"]})
    resources = _resources(params) or []
    licence = licence_uri(values.get("license_id"))
    with transaction.atomic():
        with ckan_errors():
            dataset = services.create_dataset(actor=actor, publisher=org, data=data, slug=name or "")
        for item in resources:
            _add_resource(actor, dataset, item, licence)
        _lifecycle(actor, dataset, bool(values.get("private", False)), values.get("state"))
    return _shown(dataset)


def _update(request: HttpRequest, params: Params, *, patch: bool) -> dict[str, Any]:
    actor = request.auth  # type: ignore[attr-defined]
    key = params.get("id") or params.get("name")
    if not isinstance(key, str) or not key:
        raise ValidationError({"id": ["Missing value"]})
    dataset = find_dataset(key, actor)
    if not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied(f"User not authorized to edit package {dataset.slug}")
    values = validate(params, WRITE_SCHEMA, junk=False)
    owner = params.get("owner_org")
    if (
        owner not in (None, "")
        and dataset.publisher is not None
        and _organisation(owner).pk != dataset.publisher.pk
    ):
        raise ValidationError({"owner_org": ["Moving a dataset to another organization is not supported."]})
    if isinstance(params.get("name"), str) and params.get("id") and params["name"] not in ("", dataset.slug):
        raise ValidationError({"name": ["Renaming a dataset is not supported."]})
    data = dataset_data(params)
    if not patch:
        if not data.get("title"):
            raise ValidationError({"title": ["Missing value"]})
        for field in DATASET_MAPPED:
            data.setdefault(field, None)
    resources = _resources(params)
    licence = licence_uri(values.get("license_id"))
    with transaction.atomic():
        if data:
            with ckan_errors():
                services.update_dataset(actor=actor, dataset=dataset, data=data)
        if resources is not None:
            _sync_resources(actor, dataset, resources, licence)
        elif licence:
            _relicence(actor, dataset, licence)
        _lifecycle(actor, dataset, values.get("private"), values.get("state"))
    return _shown(dataset)


@catalogue_action("package_update")
def package_update(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Update a dataset (package): the fields it maps are replaced, a field left out is cleared.

    :param id: the id or name of the dataset to update
    :type id: string

    The other parameters are those of ``package_create``; ``resources``, when sent, replaces the
    resources (matched by ``id``; those without are added, those left out deleted).

    :returns: the updated dataset
    :rtype: dictionary
    """
    return _update(request, params, patch=False)


@catalogue_action("package_patch")
def package_patch(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Patch a dataset (package): only the fields sent change.

    :param id: the id or name of the dataset to patch
    :type id: string

    The other parameters are those of ``package_create``.

    :returns: the patched dataset
    :rtype: dictionary
    """
    return _update(request, params, patch=True)


@catalogue_action("package_delete")
def package_delete(request: HttpRequest, params: Params) -> None:
    """Delete a dataset (package): it is archived, and shown with ``state: "deleted"``.

    :param id: the id or name of the dataset to delete
    :type id: string
    """
    values = validate(params, {"id": Param(text, required=True)}, renames={"name": "id"}, junk=False)
    actor = request.auth  # type: ignore[attr-defined]
    dataset = find_dataset(values["id"], actor)
    if not permissions.can_delete_dataset(actor, dataset):
        raise PermissionDenied(f"User not authorized to delete package {dataset.slug}")
    if dataset.status != Status.ARCHIVED:
        services.archive_dataset(actor=actor, dataset=dataset)


@catalogue_action("resource_create")
def resource_create(request: HttpRequest, params: Params) -> dict[str, Any]:
    """Append a new resource to a dataset.

    :param package_id: the id or name of the dataset to add the resource to
    :type package_id: string
    :param url: the URL of the resource (or send a file as ``upload``, multipart/form-data)
    :type url: string
    :param upload: the file to upload
    :type upload: FieldStorage (a file upload)
    :param name: the name (``name_translated`` per language)
    :type name: string
    :param description: the description (``description_translated`` per language)
    :type description: string
    :param format: the file type (``CSV``, ``JSON``, … or an EU file-type URI)
    :type format: string
    :param mimetype: the IANA media type
    :type mimetype: string
    :param license: the EU licence code or URI
    :type license: string

    :returns: the newly created resource
    :rtype: dictionary
    """
    values = validate(params, {"package_id": Param(text, required=True)}, junk=False)
    actor = request.auth  # type: ignore[attr-defined]
    try:
        dataset = find_dataset(values["package_id"], actor)
    except NotFound:
        raise ValidationError({"package_id": ["Not found: Dataset"]}) from None
    if not permissions.can_edit_dataset(actor, dataset):
        raise PermissionDenied(f"User not authorized to create resources on dataset {dataset.slug}")
    distribution = _add_resource(actor, dataset, params, licence_uri(params.get("license_id")))
    return resource_dict(distribution, datastore_active=distribution.pk in ready_tables([distribution.pk]))
