"""The one NinjaAPI of Opening Up: routers, authentication, the error envelope and the OpenAPI document."""

from __future__ import annotations

import copy
from typing import Any

from ninja import NinjaAPI
from ninja.operation import Operation

from openingup.api import errors
from openingup.api.auth import REQUIRED
from openingup.api.openapi import complete
from openingup.api.renderers import SafeJSONRenderer
from openingup.api.routes import data_services, datasets, datastore, distributions, organisations, tokens

DESCRIPTION = """\
The data catalogue of this platform as a REST API: DCAT-AP 3 datasets, their distributions, data
services and the organisations that publish them. Field names are those of DCAT-AP (title,
description, keywords, themes, contact_points …); multilingual texts are objects keyed by language code.

**Reading** needs no account: anyone sees published and archived resources; signed-in members of an
organisation also see its drafts. **Writing** needs a user: an API token (`Authorization: Bearer <token>`,
made at `POST /api/v1/tokens`) or the website's session (with the `X-CSRFToken` header). Editors of an
organisation write its datasets; administrators manage organisations.

**Lists** are pages: `?limit=` (at most 1000, default 50) and `?offset=`; follow `next` until it is null.

**Errors** always look like `{"error": {"code", "message", "details": [{"field", "problem"}]}}`.
"""


class OpeningUpAPI(NinjaAPI):
    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        """The document, built once per process and prefix (routes do not change at run time)."""
        key = (path_prefix, repr(path_params))
        cache: dict[tuple[str | None, str], Any] = self.__dict__.setdefault("_openapi_cache", {})
        if key not in cache:
            cache[key] = complete(
                super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
            )
        return copy.deepcopy(cache[key])

    def get_openapi_operation_id(self, operation: Operation) -> str:
        return operation.view_func.__name__


api = OpeningUpAPI(
    title="Opening Up API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api",
    auth=REQUIRED,
    renderer=SafeJSONRenderer(),
)
errors.install(api)
api.add_router("/organisations", organisations.router)
api.add_router("/datasets", datasets.router)
api.add_router("", distributions.router)
api.add_router("/data-services", data_services.router)
api.add_router("/tokens", tokens.router)
api.add_router("", datastore.router)
