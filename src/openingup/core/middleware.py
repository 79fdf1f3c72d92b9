"""Refuse request bodies larger than the upload limit before anything is read or stored.

Without this, Django would stream a huge upload to a temporary file first and only then let the service
refuse it. The answer is 413 with a message naming the limit: the API's error envelope under
``/api/``, a plain page elsewhere.
"""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

# Room for the form fields and multipart framing around the file itself.
OVERHEAD_BYTES = 1024 * 1024


def _size(n: int) -> str:
    return f"{n / (1024 * 1024):g} MB" if n >= 1024 * 1024 else f"{n:,} bytes"


class RequestSizeLimitMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0
        limit = settings.MAX_UPLOAD_BYTES + OVERHEAD_BYTES
        if length > limit:
            message = (
                f"The request is {length:,} bytes; files may be at most {_size(settings.MAX_UPLOAD_BYTES)}."
            )
            if request.path.startswith("/api/"):
                from openingup.api.errors import error_response
                from openingup.core.errors import FieldProblem

                return error_response(413, message, [FieldProblem("file", "too large")])
            return HttpResponse(message, status=413, content_type="text/plain; charset=utf-8")
        return self.get_response(request)
