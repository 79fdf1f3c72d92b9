"""The back office's classifier page: administrators and editors only, translated, train now."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.core.models import Job
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from openingup.reports.classify import services
from openingup.reports.classify.models import ClassifierModel

PAGE = "/reports/classifier/"


@pytest.fixture
def trained(db: None, django_capture_on_commit_callbacks: Any) -> ClassifierModel:
    with django_capture_on_commit_callbacks(execute=True):
        return services.train_classifier(actor=None)


def test_only_administrators_and_editors_see_it(
    client: Any, user: Any, admin_user_: Any, municipality: Organisation
) -> None:
    assert client.get(PAGE).status_code == 302
    client.force_login(user)
    assert client.get(PAGE).status_code == 403
    assert client.get("/reports/classifier.json").status_code == 403
    assert client.post(f"{PAGE}train/").status_code == 403
    assert not Job.objects.exists()
    organisations.add_member(actor=admin_user_, organisation=municipality, user=user, role="editor")
    assert client.get(PAGE).status_code == 200


def test_the_active_model_with_its_table_and_heat_map(
    client: Any, admin_user_: Any, trained: ClassifierModel
) -> None:
    client.force_login(admin_user_)
    html = client.get(PAGE).content.decode()
    report = trained.metrics["evaluation"]
    assert "<h1>Report classifier</h1>" in html and "Precision and recall per category" in html
    assert f"{report['accuracy']:.3f}" in html
    assert html.count("<rect ") == len(report["labels"]) ** 2 and 'role="img"' in html
    data = client.get("/reports/classifier.json").json()
    assert data["model"]["id"] == trained.pk and data["model"]["evaluation"] == report


def test_train_now_follows_the_job_and_shows_the_new_model(client: Any, admin_user_: Any) -> None:
    from openingup.core import tasks

    client.force_login(admin_user_)
    assert "No model has been trained yet" in client.get(PAGE).content.decode()
    response = client.post(f"{PAGE}train/")
    job = Job.objects.get(name="reports.train_classifier")
    assert response.status_code == 302 and response["Location"] == f"{PAGE}?job={job.pk}"
    waiting = client.get(response["Location"]).content.decode()
    assert "web/job.js" in waiting and f"/jobs/{job.pk}.json" in waiting and "Train now" not in waiting
    tasks.run_job(str(job.pk))
    done = client.get(response["Location"]).content.decode()
    assert "Train now" in done and "Confusion matrix" in done and "Make active" not in done


def test_an_earlier_version_can_be_made_active_again(
    client: Any, admin_user_: Any, trained: ClassifierModel, django_capture_on_commit_callbacks: Any
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        services.train_classifier(actor=None)
    client.force_login(admin_user_)
    assert "Make active" in client.get(PAGE).content.decode()
    response = client.post(f"{PAGE}{trained.pk}/activate/")
    trained.refresh_from_db()
    assert response.status_code == 302 and trained.active
    assert client.post(f"{PAGE}999999/activate/").status_code == 404


def test_page_speaks_dutch(client: Any, admin_user_: Any, trained: ClassifierModel) -> None:
    client.force_login(admin_user_)
    html = client.get(PAGE, headers={"accept-language": "nl"}).content.decode()
    assert "Meldingenclassificatie" in html and "Nu trainen" in html and "Verwarringsmatrix" in html


@pytest.mark.django_db(transaction=True)
def test_the_page_has_no_serious_accessibility_violations(
    browser: Any, live_server: Any, admin_user_: Any
) -> None:
    from tests.browser import axe_violations, format_violations
    from tests.web.test_accessibility import log_in

    services.train_classifier(actor=None)
    log_in(browser, live_server.url, admin_user_.username)
    violations = axe_violations(browser, f"{live_server.url}{PAGE}")
    assert violations == [], format_violations(violations)
