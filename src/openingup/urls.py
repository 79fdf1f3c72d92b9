"""URL map: each shell mounts its own routes."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include("openingup.api.urls")),
    path("", include("openingup.api.ckan.urls")),
    path("open311/v2/", include("openingup.api.open311.urls")),
    path("", include("openingup.web.urls")),
]

handler404 = "openingup.web.views.common.page_not_found"
handler403 = "openingup.web.views.common.permission_denied"
