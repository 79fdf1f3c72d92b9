"""Distributions: listed and added under their dataset, read and changed at /distributions/{id}.

A distribution is added either as JSON (``access_url`` required) or as a multipart upload: the ``file``
plus any properties as form fields (structured ones — texts per language, lists, objects — as JSON
text). An upload gets its access and download URLs, byte size, checksum and format from the file.
"""

from __future__ import annotations

import json
from typing import Any
from uuid import UUID

import pydantic
from django.core.files.uploadedfile import UploadedFile
from django.http import HttpRequest
from ninja import File, Query, Router
from ninja.files import UploadedFile as NinjaUploadedFile
from pydantic import BaseModel

from openingup.api import dcat_schemas as dcat
from openingup.api.auth import actor, public, viewer
from openingup.api.errors import invalid_input
from openingup.api.pagination import page
from openingup.api.representations import distribution_out
from openingup.api.schemas import Paging, page_of
from openingup.catalogue import models, queries, services
from openingup.core.errors import FieldProblem, InvalidInput
from openingup.exchange.dcat.fields import DISTRIBUTION

router = Router(tags=["distributions"])

_KINDS = {prop.name: prop.kind for prop in DISTRIBUTION}
# What an upload determines itself; a form field cannot set them.
FROM_FILE = frozenset({"access_url", "download_url", "byte_size", "checksum"})
_ONE = "/distributions/{uuid:distribution_id}"
_CREATE_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": {"$ref": "#/components/schemas/DistributionCreate"}},
            "multipart/form-data": {"schema": dcat.multipart_schema(DISTRIBUTION, exclude=FROM_FILE)},
        },
    }
}


def _distribution(request: HttpRequest, distribution_id: UUID) -> models.Distribution:
    return queries.distribution_by_id(distribution_id, viewer(request))


def _form_value(name: str, text: str) -> Any:
    if _KINDS.get(name) not in dcat.STRUCTURED_KINDS:
        return text
    try:
        return json.loads(text)
    except ValueError:
        raise InvalidInput("Some fields need attention.", [FieldProblem(name, "must be JSON text")]) from None


def _validated(model: type[BaseModel], raw: Any) -> dict[str, Any]:
    try:
        return model.model_validate(raw).model_dump(exclude_unset=True)
    except pydantic.ValidationError as exc:
        raise invalid_input(exc) from None


def read_distribution(request: HttpRequest) -> tuple[dict[str, Any], UploadedFile | None]:
    """The properties and the uploaded file (if any) of a JSON or multipart request to add a distribution."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        problems = [
            FieldProblem(n, "is not a file field; send the file as 'file'")
            for n in request.FILES
            if n != "file"
        ]
        problems += [FieldProblem(n, "is set from the uploaded file") for n in request.POST if n in FROM_FILE]
        if upload is None:
            problems.append(FieldProblem("file", "is required in a multipart upload"))
        if problems:
            raise InvalidInput("The upload is not valid.", problems)
        raw = {
            name: _form_value(name, request.POST[name])
            for name in request.POST
            if name != "csrfmiddlewaretoken"
        }
        return _validated(dcat.DistributionPatch, raw), upload
    try:
        raw = json.loads(request.body or b"null")
    except ValueError:
        raise InvalidInput(
            "The request body is not valid JSON.", [FieldProblem("body", "is not valid JSON")]
        ) from None
    return _validated(dcat.DistributionCreate, raw), None


@router.get(
    "/datasets/{slug}/distributions", response=page_of(dcat.Distribution), exclude_unset=True, **public()
)
def list_distributions(request: HttpRequest, slug: str, paging: Query[Paging]) -> dict[str, Any]:
    """The dataset's distributions in their order."""
    dataset = queries.dataset_by_slug(slug, viewer(request))
    return page(request, dataset.distributions.all(), paging, lambda d: distribution_out(d, dataset))


@router.post(
    "/datasets/{slug}/distributions",
    response={201: dcat.Distribution},
    exclude_unset=True,
    openapi_extra=_CREATE_BODY,
)
def create_distribution(request: HttpRequest, slug: str) -> dict[str, Any]:
    """Add a distribution by JSON (with ``access_url``) or upload a file as multipart/form-data (``file``
    plus properties as form fields). Files above the upload limit (OPENINGUP_MAX_UPLOAD_MB) are refused."""
    dataset = queries.dataset_by_slug(slug, viewer(request))
    data, upload = read_distribution(request)
    distribution = services.add_distribution(actor=actor(request), dataset=dataset, data=data, upload=upload)
    return distribution_out(distribution, dataset)


@router.get(_ONE, response=dcat.Distribution, exclude_unset=True, **public())
def get_distribution(request: HttpRequest, distribution_id: UUID) -> dict[str, Any]:
    """One distribution (404 when its dataset is a draft the caller may not see)."""
    return distribution_out(_distribution(request, distribution_id))


@router.put(_ONE, response=dcat.Distribution, exclude_unset=True)
def replace_distribution(
    request: HttpRequest, distribution_id: UUID, payload: dcat.DistributionUpdate
) -> dict[str, Any]:
    """Replace every property; those left out are cleared, except the facts of an uploaded file (its
    download URL, size, checksum, format and media type), which stay with the file."""
    distribution = _distribution(request, distribution_id)
    data = payload.model_dump()
    if distribution.file:  # the minted URLs and file facts belong to the upload, not to the caller
        for name in ("byte_size", "checksum", "download_url", "format", "media_type"):
            if data.get(name) is None:
                data.pop(name, None)
    changed = services.update_distribution(actor=actor(request), distribution=distribution, data=data)
    return distribution_out(changed)


@router.patch(_ONE, response=dcat.Distribution, exclude_unset=True)
def update_distribution(
    request: HttpRequest, distribution_id: UUID, payload: dcat.DistributionPatch
) -> dict[str, Any]:
    """Change the properties given; ``null`` (or an empty value) clears one."""
    distribution = _distribution(request, distribution_id)
    data = payload.model_dump(exclude_unset=True)
    changed = services.update_distribution(actor=actor(request), distribution=distribution, data=data)
    return distribution_out(changed)


@router.post(_ONE + "/file", response=dcat.Distribution, exclude_unset=True)
def replace_distribution_file(
    request: HttpRequest, distribution_id: UUID, file: File[NinjaUploadedFile]
) -> dict[str, Any]:
    """Upload a new file for the distribution (multipart/form-data, field ``file``); its URLs, size and
    checksum follow the new file."""
    distribution = _distribution(request, distribution_id)
    changed = services.update_distribution(
        actor=actor(request), distribution=distribution, data={}, upload=file
    )
    return distribution_out(changed)


@router.delete(_ONE, response={204: None})
def delete_distribution(request: HttpRequest, distribution_id: UUID) -> None:
    """Delete the distribution and its uploaded file."""
    services.delete_distribution(actor=actor(request), distribution=_distribution(request, distribution_id))
