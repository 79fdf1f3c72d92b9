"""The OpenAPI document of the API, as served at /api/v1/openapi.json and committed as docs/openapi.json.

``python -m openingup.api.openapi > docs/openapi.json`` writes it (pretty-printed, keys sorted); a test
fails when the committed file and the served document differ.
"""

from __future__ import annotations

import copy
import json
import os
import sys
from typing import Any

from pydantic import BaseModel

REF = "#/components/schemas/{model}"
UPDATE_COMMAND = "openingup openapi > docs/openapi.json"
ERROR_RESPONSE = {
    "description": "Any error, in the one envelope of this API (status 400, 401, 403, 404, 405, 409 or 500).",
    "content": {"application/json": {"schema": {"$ref": REF.format(model="ErrorEnvelope")}}},
}


def _add_model(schemas: dict[str, Any], model: type[BaseModel]) -> None:
    schema = model.model_json_schema(ref_template=REF)
    schemas.update(schema.pop("$defs", {}))
    schemas[model.__name__] = schema


def complete(schema: dict[str, Any]) -> dict[str, Any]:
    """What ninja's generator leaves out: the error envelope on every operation, and the models of
    request bodies that endpoints read themselves (JSON or multipart)."""
    from openingup.api.dcat_schemas import DistributionCreate
    from openingup.api.schemas import ErrorEnvelope

    doc: dict[str, Any] = json.loads(json.dumps(schema))
    schemas = doc.setdefault("components", {}).setdefault("schemas", {})
    for model in (ErrorEnvelope, DistributionCreate):
        _add_model(schemas, model)
    for operations in doc["paths"].values():
        for operation in operations.values():
            operation["responses"].setdefault("default", copy.deepcopy(ERROR_RESPONSE))
    return doc


def document() -> dict[str, Any]:
    """The OpenAPI 3.1 document of /api/v1/, exactly as served (Django must be set up)."""
    from openingup.api.app import api

    return json.loads(json.dumps(api.get_openapi_schema()))


def render() -> str:
    """The document as committed: two-space indentation, sorted keys, a final newline."""
    return json.dumps(document(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "openingup.settings")
    import django

    django.setup()
    sys.stdout.write(render())


if __name__ == "__main__":
    main()
