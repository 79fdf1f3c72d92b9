"""The web shell's routes; mounted at the site root with the namespace ``web``."""

from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from openingup.web.views import (
    account,
    data_service_editor,
    data_services,
    datastore,
    distributions,
    editor,
    feeds,
    imports,
    public,
    saved_searches,
    search,
    twins,
)

app_name = "web"

SLUG = r"(?P<slug>[-a-zA-Z0-9_]+)"

urlpatterns = [
    path("", public.home, name="home"),
    path("datasets/", public.dataset_list, name="datasets"),
    path("search/", search.search_page, name="search"),
    path("search/feed.atom", saved_searches.query_feed, name="search-feed"),
    path("search/saved/", saved_searches.saved_list, name="saved-searches"),
    path("search/saved/new/", saved_searches.saved_create, name="saved-search-new"),
    path("search/saved/<uuid:pk>.atom", saved_searches.saved_feed, name="saved-search-feed"),
    path("search/saved/<uuid:pk>/delete/", saved_searches.saved_delete, name="saved-search-delete"),
    path("datasets/new/", editor.dataset_create, name="dataset-new"),
    re_path(rf"^datasets/{SLUG}\.(?P<fmt>json|ttl|jsonld|rdf)$", twins.dataset_twin, name="dataset-twin"),
    re_path(rf"^datasets/{SLUG}$", public.dataset_resource, name="dataset-resource"),
    path("datasets/<slug:slug>/", public.dataset_detail, name="dataset"),
    path("datasets/<slug:slug>/edit/", editor.dataset_edit, name="dataset-edit"),
    path("datasets/<slug:slug>/publish/", editor.dataset_publish, name="dataset-publish"),
    path("datasets/<slug:slug>/archive/", editor.dataset_archive, name="dataset-archive"),
    path("datasets/<slug:slug>/delete/", editor.dataset_delete, name="dataset-delete"),
    path(
        "datasets/<slug:slug>/distributions/new/", distributions.distribution_create, name="distribution-new"
    ),
    path(
        "datasets/<slug:slug>/distributions/<uuid:pk>/edit/",
        distributions.distribution_edit,
        name="distribution-edit",
    ),
    path(
        "datasets/<slug:slug>/distributions/<uuid:pk>/delete/",
        distributions.distribution_delete,
        name="distribution-delete",
    ),
    path("distributions/<uuid:pk>", feeds.distribution_resource, name="distribution"),
    path("distributions/<uuid:pk>/download/<str:name>", feeds.download, name="download"),
    path("distributions/<uuid:pk>/data/", datastore.data_table, name="distribution-data"),
    path("distributions/<uuid:pk>/data/chart/", datastore.data_chart, name="distribution-data-chart"),
    path("distributions/<uuid:pk>/data/map/", datastore.data_map, name="distribution-data-map"),
    path(
        "distributions/<uuid:pk>/data/dictionary/",
        datastore.data_dictionary,
        name="distribution-data-dictionary",
    ),
    path("distributions/<uuid:pk>/data/quality/", datastore.data_quality, name="distribution-data-quality"),
    path("distributions/<uuid:pk>/data/status.json", datastore.data_status, name="distribution-data-status"),
    path("catalog", feeds.catalogue_resource, name="catalogue"),
    re_path(r"^catalog\.(?P<fmt>ttl|rdf|jsonld)$", feeds.catalogue_feed, name="catalogue-feed"),
    path("data-services/", data_services.data_service_list, name="data-services"),
    path("data-services/new/", data_service_editor.data_service_create, name="data-service-new"),
    re_path(
        rf"^data-services/{SLUG}\.(?P<fmt>json|ttl|jsonld|rdf)$",
        data_services.data_service_twin,
        name="data-service-twin",
    ),
    re_path(rf"^data-services/{SLUG}$", data_services.data_service_resource, name="data-service-resource"),
    path("data-services/<slug:slug>/", data_services.data_service_detail, name="data-service"),
    path("data-services/<slug:slug>/edit/", data_service_editor.data_service_edit, name="data-service-edit"),
    path(
        "data-services/<slug:slug>/delete/",
        data_service_editor.data_service_delete,
        name="data-service-delete",
    ),
    path("account/", account.account, name="account"),
    path("account/tokens/new/", account.token_create, name="token-new"),
    path("account/tokens/<uuid:pk>/revoke/", account.token_revoke, name="token-revoke"),
    path("imports/new/", imports.import_new, name="import-new"),
    path("jobs/<uuid:pk>/", imports.job_detail, name="job"),
    path("jobs/<uuid:pk>.json", imports.job_json, name="job-json"),
    path("organisations/", public.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", public.organisation_detail, name="organisation"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]
