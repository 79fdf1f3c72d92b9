"""The CKAN Action API's routes (namespace ``ckan``), mounted at the site root: ``/api/3/action/<name>``
and ``/api/action/<name>`` (where ``ckanapi`` and older clients call), and ``/api/3`` → ``{"version": 3}``."""

from django.urls import path, re_path

from openingup.api.ckan import views

app_name = "ckan"

urlpatterns = [
    path("api/3/action/<str:name>", views.action, name="action"),
    path("api/action/<str:name>", views.action, name="action-unversioned"),
    re_path(r"^api/3/?$", views.api_version, name="version"),
]
