"""JSON as this API writes it, in ninja's responses and in the plain Django views alike."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest
from ninja.renderers import JSONRenderer
from ninja.responses import NinjaJSONEncoder

CONTENT_TYPE = "application/json; charset=utf-8"


def dumps(data: Any) -> str:
    """JSON with ``<``, ``>`` and ``&`` escaped as ``\\u003c`` …, so text such as ``<script>`` stored in a
    title can never be read as markup, whatever a browser sniffs (the values decode unchanged)."""
    text = json.dumps(data, cls=NinjaJSONEncoder, ensure_ascii=False)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


class SafeJSONRenderer(JSONRenderer):
    def render(self, request: HttpRequest, data: Any, *, response_status: int) -> Any:
        return dumps(data)
