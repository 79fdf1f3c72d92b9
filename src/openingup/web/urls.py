"""The web shell's routes; mounted at the site root with the namespace ``web``."""

from django.contrib.auth import views as auth_views
from django.urls import path, re_path

from openingup.web.views import (
    account,
    api_keys,
    classifier,
    data_service_editor,
    data_services,
    datastore,
    distributions,
    editor,
    feeds,
    harvest,
    imports,
    public,
    saved_searches,
    search,
    social,
    twins,
)
from openingup.web.views.quality import dashboard as quality_dashboard
from openingup.web.views.quality import datasets as quality_datasets
from openingup.web.views.readiness import benchmark as readiness_benchmark
from openingup.web.views.readiness import consolidate as readiness_consolidate
from openingup.web.views.readiness import index as readiness_index
from openingup.web.views.readiness import questionnaire as readiness_questionnaire
from openingup.web.views.readiness import result as readiness_result
from openingup.web.views.reports import canned_replies as report_replies
from openingup.web.views.reports import form as report_form
from openingup.web.views.reports import lookups as report_lookups
from openingup.web.views.reports import office as report_office
from openingup.web.views.reports import office_categories as report_categories
from openingup.web.views.reports import office_request as report_office_request
from openingup.web.views.reports import office_rules as report_rules
from openingup.web.views.reports import pages as report_pages
from openingup.web.views.reports import satisfaction as report_satisfaction
from openingup.web.views.social import announcements as social_announcements
from openingup.web.views.social import archive as social_archive
from openingup.web.views.social import calendar as social_calendar
from openingup.web.views.social import conversation as social_conversation
from openingup.web.views.social import dashboard as social_dashboard
from openingup.web.views.social import feed as social_feed
from openingup.web.views.social import inbox as social_inbox
from openingup.web.views.social import library as social_library
from openingup.web.views.social import publishing as social_publishing

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
    path("account/api-keys/", api_keys.key_list, name="api-keys"),
    path("account/api-keys/new/", api_keys.key_create, name="api-key-new"),
    path("account/api-keys/<uuid:pk>/revoke/", api_keys.key_revoke, name="api-key-revoke"),
    path("imports/new/", imports.import_new, name="import-new"),
    path("jobs/<uuid:pk>/", imports.job_detail, name="job"),
    path("jobs/<uuid:pk>.json", imports.job_json, name="job-json"),
    path("harvest/", harvest.source_list, name="harvest-sources"),
    path("harvest/new/", harvest.source_new, name="harvest-source-new"),
    path("harvest/<uuid:pk>/", harvest.source_detail, name="harvest-source"),
    path("harvest/<uuid:pk>/run/", harvest.source_run, name="harvest-source-run"),
    path("harvest/<uuid:pk>/edit/", harvest.source_edit, name="harvest-source-edit"),
    path("harvest/<uuid:pk>/delete/", harvest.source_delete, name="harvest-source-delete"),
    path("harvest/jobs/<uuid:pk>/", harvest.job_detail, name="harvest-job"),
    path("harvest/jobs/<uuid:pk>.json", harvest.job_json, name="harvest-job-json"),
    path("social/channels/", social.channel_list, name="social-channels"),
    path("social/messages/", social.message_list, name="social-messages"),
    path("social/inbox/", social_inbox.inbox, name="social-inbox"),
    path("social/inbox/views/<int:pk>/delete/", social_inbox.view_delete, name="social-inbox-view-delete"),
    path("social/inbox/<int:pk>/", social_conversation.conversation, name="social-conversation"),
    path("social/library/", social_library.library, name="social-library"),
    path("social/library/canned/<int:pk>/delete/", social_library.canned_delete, name="social-canned-delete"),
    path("social/dashboard/", social_dashboard.dashboard, name="social-dashboard"),
    path("social/posts/new/", social_publishing.compose, name="social-compose"),
    path("social/posts/<int:pk>/", social_publishing.post, name="social-post"),
    path("social/calendar/", social_calendar.calendar, name="social-calendar"),
    path("social/archive/", social_archive.archive, name="social-archive"),
    path("social/feeds/<uuid:pk>/rss.xml", social_feed.feed, name="social-feed"),
    path("social/announcements/", social_announcements.announcements, name="social-announcements"),
    path(
        "social/announcements/<int:pk>/toggle/",
        social_announcements.toggle,
        name="social-announcement-toggle",
    ),
    path("organisations/", public.organisation_list, name="organisations"),
    path("organisations/<slug:slug>/", public.organisation_detail, name="organisation"),
    path(
        "login/",
        auth_views.LoginView.as_view(template_name="web/login.html", redirect_authenticated_user=True),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
]

# Metadata quality: a dataset's score and fixes, the publisher dashboard, the catalogue's DQV, HVD report.
urlpatterns += [
    path("datasets/<slug:slug>/quality/", quality_datasets.dataset_quality, name="quality-dataset"),
    re_path(
        rf"^datasets/{SLUG}/quality\.(?P<fmt>json|ttl|jsonld)$",
        quality_datasets.dataset_quality_twin,
        name="quality-dataset-twin",
    ),
    path("quality/", quality_dashboard.catalogue_quality, name="quality-catalogue"),
    re_path(
        r"^quality/catalogue\.(?P<fmt>json|ttl|jsonld)$",
        quality_dashboard.catalogue_quality,
        name="quality-catalogue-twin",
    ),
    path("quality/hvd/", quality_dashboard.hvd_report, name="quality-hvd"),
    re_path(r"^quality/hvd\.(?P<fmt>json)$", quality_dashboard.hvd_report, name="quality-hvd-twin"),
    path(
        "organisations/<slug:slug>/quality/",
        quality_dashboard.organisation_dashboard,
        name="quality-organisation",
    ),
    re_path(
        rf"^organisations/{SLUG}/quality\.(?P<fmt>json)$",
        quality_dashboard.organisation_dashboard,
        name="quality-organisation-twin",
    ),
]

# Citizen reports: the reporting app, tracking, following, the satisfaction question.
urlpatterns += [
    path("report/", report_form.start, name="report-start"),
    path("report/new/", report_form.new, name="report-new"),
    path("report/addresses.json", report_lookups.address_search, name="report-addresses"),
    path("report/suggest.json", report_lookups.suggestions, name="report-suggest"),
    path("report/nearby.json", report_lookups.similar, name="report-nearby"),
    path("report/photos/<str:name>", report_pages.photo, name="report-photo"),
    path("report/done/<str:token>/", report_pages.done, name="report-done"),
    path("report/track/<str:token>/", report_pages.track, name="report-track"),
    path("report/following/<str:token>/", report_pages.following, name="report-following"),
    path("report/unfollow/<str:token>/", report_pages.unfollow, name="report-unfollow"),
    path("report/satisfaction/<str:token>/", report_satisfaction.satisfaction, name="report-satisfaction"),
]

# The report classifier's back-office page: evaluation, versions, train now.
urlpatterns += [
    path("reports/classifier/", classifier.classifier_page, name="report-classifier"),
    path("reports/classifier.json", classifier.classifier_json, name="report-classifier-twin"),
    path("reports/classifier/train/", classifier.classifier_train, name="report-classifier-train"),
    path(
        "reports/classifier/<int:pk>/activate/",
        classifier.classifier_activate,
        name="report-classifier-activate",
    ),
]

# The reports back office: work queues, their map, a request's staff page, canned replies.
urlpatterns += [
    path("reports/office/", report_office.queue_page, name="report-office"),
    path("reports/office.json", report_office.queue_json, name="report-office-twin"),
    path("reports/office/map/", report_office.map_page, name="report-office-map"),
    path(
        "reports/office/requests/<int:pk>/", report_office_request.request_page, name="report-office-request"
    ),
    path(
        "reports/office/requests/<int:pk>.json",
        report_office_request.request_twin,
        name="report-office-request-twin",
    ),
    path(
        "reports/office/requests/<int:pk>/status/",
        report_office_request.status_change,
        name="report-office-status",
    ),
    path("reports/office/requests/<int:pk>/note/", report_office_request.note, name="report-office-note"),
    path(
        "reports/office/requests/<int:pk>/assign/", report_office_request.assign, name="report-office-assign"
    ),
    path(
        "reports/office/requests/<int:pk>/duplicate/",
        report_office_request.duplicate,
        name="report-office-duplicate",
    ),
    path("reports/office/requests/<int:pk>/split/", report_office_request.split, name="report-office-split"),
    path("reports/office/replies/", report_replies.reply_list, name="report-office-replies"),
    path("reports/office/replies/new/", report_replies.reply_new, name="report-office-reply-new"),
    path("reports/office/replies/<int:pk>/", report_replies.reply_edit, name="report-office-reply"),
    path(
        "reports/office/replies/<int:pk>/delete/",
        report_replies.reply_delete,
        name="report-office-reply-delete",
    ),
]

# The reports back office: routing rules (first match wins) with their test, and the categories.
urlpatterns += [
    path("reports/office/rules/", report_rules.rule_list, name="report-office-rules"),
    path("reports/office/rules.json", report_rules.rule_twin, name="report-office-rules-twin"),
    path("reports/office/rules/new/", report_rules.rule_new, name="report-office-rule-new"),
    path("reports/office/rules/test/", report_rules.rule_test, name="report-office-rule-test"),
    path("reports/office/rules/<int:pk>/", report_rules.rule_edit, name="report-office-rule"),
    path("reports/office/rules/<int:pk>/delete/", report_rules.rule_delete, name="report-office-rule-delete"),
    path("reports/office/rules/<int:pk>/move/", report_rules.rule_move, name="report-office-rule-move"),
    path("reports/office/rules/<int:pk>/active/", report_rules.rule_active, name="report-office-rule-active"),
    path("reports/office/categories/", report_categories.category_list, name="report-office-categories"),
    path(
        "reports/office/categories/<str:code>/",
        report_categories.category_page,
        name="report-office-category",
    ),
]

# Readiness: instruments, the questionnaire, consolidation, results (page, JSON, PDF), the benchmark.
urlpatterns += [
    path("readiness/", readiness_index.index, name="readiness"),
    path("readiness/instruments.json", readiness_index.instruments_json, name="readiness-instruments"),
    path("readiness/start/", readiness_index.start, name="readiness-start"),
    path("readiness/profile/", readiness_index.profile, name="readiness-profile"),
    path("readiness/benchmark/", readiness_benchmark.benchmark, name="readiness-benchmark"),
    re_path(
        r"^readiness/benchmark\.(?P<fmt>json)$",
        readiness_benchmark.benchmark,
        name="readiness-benchmark-twin",
    ),
    re_path(
        r"^readiness/benchmark/entries\.(?P<fmt>json|csv)$",
        readiness_benchmark.entries_download,
        name="readiness-benchmark-entries",
    ),
    path(
        "readiness/benchmark/import/", readiness_benchmark.import_entries, name="readiness-benchmark-import"
    ),
    path("readiness/<uuid:pk>/", readiness_questionnaire.questionnaire, name="readiness-questionnaire"),
    path("readiness/<uuid:pk>/prefill/", readiness_questionnaire.prefill, name="readiness-prefill"),
    path("readiness/<uuid:pk>/consolidate/", readiness_consolidate.consolidate, name="readiness-consolidate"),
    path("readiness/<uuid:pk>/result/", readiness_result.result_page, name="readiness-result"),
    path("readiness/<uuid:pk>/result.json", readiness_result.result_json, name="readiness-result-json"),
    path("readiness/<uuid:pk>/result.pdf", readiness_result.result_pdf, name="readiness-result-pdf"),
]
