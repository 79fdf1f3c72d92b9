"""/api/v1/: the NinjaAPI's routes, wrapped for the error envelope, then a catch-all 404 in the envelope."""

from django.urls import URLPattern, include, path, re_path

from openingup.api.app import api
from openingup.api.errors import enveloped, not_found

_patterns, _app_name, _namespace = api.urls
_wrapped = [
    URLPattern(p.pattern, enveloped(p.callback), p.default_args, p.name) if isinstance(p, URLPattern) else p
    for p in _patterns
]

urlpatterns = [
    path("", include((_wrapped, _app_name), namespace=_namespace)),
    re_path(r"^.*$", not_found),
]
