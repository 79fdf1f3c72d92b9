"""Open311 GeoReport v2 routes (namespace ``open311``), each in ``.xml`` and ``.json``."""

from django.urls import re_path

from openingup.api.open311 import views

app_name = "open311"

FMT = r"\.(?P<fmt>xml|json)$"

urlpatterns = [
    re_path(rf"^discovery{FMT}", views.discovery, name="discovery"),
    re_path(rf"^services{FMT}", views.service_list, name="services"),
    re_path(rf"^services/(?P<code>[^/]+?){FMT}", views.service_definition, name="service"),
    re_path(rf"^requests{FMT}", views.requests, name="requests"),
    re_path(rf"^requests/(?P<request_id>[^/]+?){FMT}", views.request_detail, name="request"),
    re_path(rf"^tokens/(?P<token>[^/]+?){FMT}", views.token, name="token"),
    re_path(rf"^servicerequestupdates{FMT}", views.updates, name="updates"),
]
