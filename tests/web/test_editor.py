"""Editor pages: who may create, edit, publish and archive datasets, and how bad input is shown."""

from __future__ import annotations

import re
from typing import Any

import pytest

from openingup.catalogue.models import Change, Dataset, Distribution
from openingup.exchange.dcat.namespaces import HVD_LEGISLATION
from openingup.organisations import services as organisations
from openingup.organisations.models import Organisation
from tests.web.conftest import ANNUAL, CC_BY, CSV, ENVIRONMENT

pytestmark = pytest.mark.django_db

ADDRESSES = "http://data.europa.eu/bna/c_ac64a52d"
DUTCH = "http://publications.europa.eu/resource/authority/language/NLD"


def form(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "publisher": "example",
        "title_en": "Street lights",
        "title_nl": "Straatverlichting",
        "description_en": "Every street light with its lamp type.",
        "keywords_en": "lights, streets , , lights",
        "themes": [ENVIRONMENT],
        "licence": CC_BY,
        "frequency": ANNUAL,
        "languages": [DUTCH],
        "contact_name": "Data desk",
        "contact_email": "data@example.org",
        "temporal_start": "2021-01-01",
        "temporal_end": "2023",
        "landing_page": "https://example.org/lights",
    }
    data.update(overrides)
    return data


def text(response: Any) -> str:
    return response.content.decode()


@pytest.mark.parametrize(
    "url",
    [
        "/datasets/new/",
        "/datasets/{slug}/edit/",
        "/datasets/{slug}/distributions/new/",
        "/datasets/{slug}/delete/",
    ],
)
def test_anonymous_people_are_sent_to_log_in(client: Any, dataset: Dataset, url: str) -> None:
    response = client.get(url.format(slug=dataset.slug))

    assert response.status_code == 302
    assert response["Location"].startswith("/login/?next=")


@pytest.mark.parametrize(
    "url",
    [
        "/datasets/new/",
        "/datasets/{slug}/edit/",
        "/datasets/{slug}/distributions/new/",
        "/datasets/{slug}/delete/",
    ],
)
def test_viewers_and_strangers_may_not_edit(
    client: Any, viewer: Any, user: Any, dataset: Dataset, url: str
) -> None:
    for person in (viewer, user):
        client.force_login(person)
        response = client.get(url.format(slug=dataset.slug))
        assert response.status_code == 403
        assert "Not allowed" in text(response)


@pytest.mark.parametrize("action", ["publish", "archive"])
def test_only_editors_publish_and_archive(client: Any, viewer: Any, draft: Dataset, action: str) -> None:
    assert client.post(f"/datasets/{draft.slug}/{action}/").status_code == 302  # to the login page
    client.force_login(viewer)
    assert client.post(f"/datasets/{draft.slug}/{action}/").status_code == 403
    assert Dataset.objects.get(pk=draft.pk).status == "draft"


def test_editors_of_another_organisation_may_not_edit(
    client: Any, admin_user_: Any, dataset: Dataset
) -> None:
    other = organisations.create_organisation(actor=admin_user_, name={"en": "Other town"}, slug="other")
    person = organisations.create_user(username="otto", password="correct-horse-battery-staple")
    organisations.add_member(actor=admin_user_, organisation=other, user=person, role="editor")
    client.force_login(person)

    assert client.get(f"/datasets/{dataset.slug}/edit/").status_code == 403
    assert client.post(f"/datasets/{dataset.slug}/edit/", form(publisher="other")).status_code == 403
    assert 'value="other"' in text(client.get("/datasets/new/"))
    assert 'value="example"' not in text(client.get("/datasets/new/"))


def test_the_create_form_offers_every_language_and_the_vocabularies(editor_client: Any) -> None:
    page = text(editor_client.get("/datasets/new/"))

    for code in ("en", "nl", "fr", "de", "da", "sv", "nb"):
        assert f'name="title_{code}"' in page and f'name="description_{code}"' in page
    assert page.index('name="title_nl"') < page.index("<summary>") < page.index('name="title_fr"')
    assert ">Environment</label>" in page
    assert ">Creative Commons Attribution 4.0 International</option>" in page
    assert 'name="hvd_categories"' in page and ">Addresses</option>" in page


def test_an_editor_creates_a_draft(editor_client: Any, editor: Any) -> None:
    response = editor_client.post("/datasets/new/", form(hvd_categories=[ADDRESSES]))

    dataset = Dataset.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/datasets/{dataset.slug}/distributions/new/?licence=" + CC_BY.replace(
        ":", "%3A"
    ).replace("/", "%2F")
    assert dataset.status == "draft" and dataset.publisher.slug == "example"
    assert dataset.title == {"en": "Street lights", "nl": "Straatverlichting"}
    assert dataset.keywords == {"en": ["lights", "streets"]}
    assert dataset.themes == [ENVIRONMENT] and dataset.language == [DUTCH] and dataset.frequency == ANNUAL
    assert dataset.contact_points == [{"email": "mailto:data@example.org", "fn": {"": "Data desk"}}]
    assert dataset.temporal == [{"end": "2023", "start": "2021-01-01"}]
    assert dataset.landing_page == ["https://example.org/lights"]
    assert dataset.hvd_categories == [ADDRESSES] and dataset.applicable_legislation == [HVD_LEGISLATION]
    assert Change.objects.get(resource_id=dataset.pk).actor == editor
    follow = text(editor_client.get(response["Location"]))
    assert f'<option value="{CC_BY}" selected>' in follow


def test_an_editor_edits_and_the_licence_reaches_the_distributions(
    editor_client: Any, dataset: Dataset
) -> None:
    page = text(editor_client.get(f"/datasets/{dataset.slug}/edit/"))
    assert 'value="Trees in the city"' in page and f'<option value="{CC_BY}" selected>' in page

    cc0 = "http://publications.europa.eu/resource/authority/licence/CC0"
    response = editor_client.post(
        f"/datasets/{dataset.slug}/edit/", form(title_en="Trees, counted", licence=cc0)
    )

    assert response.status_code == 302
    dataset.refresh_from_db()
    assert dataset.title["en"] == "Trees, counted" and dataset.slug == "trees-in-the-city"
    assert dataset.distributions.get().licence == cc0
    history = text(editor_client.get(f"/datasets/{dataset.slug}/edit/"))
    assert "updated" in history and "title" in history


def test_choosing_hvd_categories_makes_distributions_cite_the_regulation(
    editor_client: Any, dataset: Dataset
) -> None:
    editor_client.post(f"/datasets/{dataset.slug}/edit/", form(hvd_categories=[ADDRESSES]))

    dataset.refresh_from_db()
    assert dataset.applicable_legislation == [HVD_LEGISLATION]
    assert dataset.distributions.get().applicable_legislation == [HVD_LEGISLATION]

    editor_client.post(
        f"/datasets/{dataset.slug}/distributions/new/", {"access_url": "https://example.org/api"}
    )
    assert all(d.applicable_legislation == [HVD_LEGISLATION] for d in dataset.distributions.all())

    editor_client.post(f"/datasets/{dataset.slug}/edit/", form(hvd_categories=[]))
    dataset.refresh_from_db()
    assert dataset.applicable_legislation == [] and dataset.hvd_categories == []
    assert all(d.applicable_legislation == [] for d in dataset.distributions.all())


def test_publish_then_archive(editor_client: Any, draft: Dataset) -> None:
    page = text(editor_client.get(f"/datasets/{draft.slug}/edit/"))
    assert "meets DCAT-AP 3 and can be published" in page

    response = editor_client.post(f"/datasets/{draft.slug}/publish/")
    assert response.status_code == 302 and response["Location"] == f"/datasets/{draft.slug}/"
    assert Dataset.objects.get(pk=draft.pk).status == "published"
    assert "The dataset is published." in text(editor_client.get(response["Location"]))

    editor_client.post(f"/datasets/{draft.slug}/archive/")
    assert Dataset.objects.get(pk=draft.pk).status == "archived"


def test_publication_problems_are_shown_before_publishing(editor_client: Any) -> None:
    editor_client.post("/datasets/new/", form(description_en=""))
    dataset = Dataset.objects.get()

    page = text(editor_client.get(f"/datasets/{dataset.slug}/edit/"))
    assert "Before this dataset can be published" in page
    assert "description" in page.split("Before this dataset can be published")[1].split("</section>")[0]

    response = editor_client.post(f"/datasets/{dataset.slug}/publish/", follow=True)
    assert "The dataset was not published" in text(response)
    assert Dataset.objects.get().status == "draft"


def test_a_publish_link_needs_a_post(editor_client: Any, draft: Dataset) -> None:
    assert editor_client.get(f"/datasets/{draft.slug}/publish/").status_code == 405


def test_an_editor_deletes_a_dataset(editor_client: Any, dataset: Dataset) -> None:
    assert "cannot be undone" in text(editor_client.get(f"/datasets/{dataset.slug}/delete/"))

    response = editor_client.post(f"/datasets/{dataset.slug}/delete/")

    assert response.status_code == 302 and not Dataset.objects.exists()


def test_a_title_of_100000_characters_is_refused_next_to_the_field(editor_client: Any) -> None:
    response = editor_client.post("/datasets/new/", form(title_en="x" * 100_000))

    page = text(response)
    assert response.status_code == 200
    assert not Dataset.objects.exists()
    assert "There is a problem" in page
    assert 'href="#id_title_en"' in page
    error = re.search(r'<div class="field-error" id="id_title_en_error">(.*?)</div>', page, re.S)
    assert error and "100,000 characters long; the limit is 1,000" in error.group(1)
    assert re.search(
        r'<input[^>]*aria-invalid="true"[^>]*name="title_en"|<input[^>]*name="title_en"[^>]*aria-invalid="true"',
        page,
    )


def test_every_problem_shows_in_one_round(editor_client: Any) -> None:
    response = editor_client.post(
        "/datasets/new/",
        form(contact_email="not-an-address", temporal_start="yesterday", title_en="", title_nl=""),
    )

    page = text(response)
    assert not Dataset.objects.exists()
    for field in ("title_en", "contact_email", "temporal_start"):
        assert f'href="#id_{field}"' in page
        assert f'id="id_{field}_error"' in page
    assert "&#x27;yesterday&#x27; is not an ISO 8601 date" in page


@pytest.mark.parametrize("field", ["licence", "frequency", "themes"])
def test_an_unknown_vocabulary_uri_is_refused(editor_client: Any, field: str) -> None:
    value = "http://example.org/not-a-real-concept"
    response = editor_client.post("/datasets/new/", form(**{field: [value] if field == "themes" else value}))

    assert not Dataset.objects.exists()
    assert f'id="id_{field}_error"' in text(response) or f'id="id_{field}_0_error"' in text(response)


def test_service_vocabulary_problems_are_mapped_to_the_field(editor_client: Any, dataset: Dataset) -> None:
    response = editor_client.post(
        f"/datasets/{dataset.slug}/distributions/new/",
        {"access_url": "https://example.org/x.csv", "media_type": "application/not-a-type"},
    )

    page = text(response)
    assert 'id="id_media_type_error"' in page and "is not in the EU media-type vocabulary" in page
    assert dataset.distributions.count() == 1


def test_add_a_distribution_by_link(editor_client: Any, dataset: Dataset) -> None:
    response = editor_client.post(
        f"/datasets/{dataset.slug}/distributions/new/",
        {
            "title_en": "Live feed",
            "access_url": "https://example.org/trees.csv",
            "is_download": "on",
            "format": CSV,
            "licence": CC_BY,
        },
    )

    assert response.status_code == 302 and response["Location"] == f"/datasets/{dataset.slug}/#distributions"
    added = Distribution.objects.get(title={"en": "Live feed"})
    assert added.access_url == added.download_url == ["https://example.org/trees.csv"]
    assert added.media_type == "https://www.iana.org/assignments/media-types/text/csv"


def test_add_a_distribution_by_upload(editor_client: Any, dataset: Dataset) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    upload = SimpleUploadedFile("counts.csv", b"a,b\n1,2\n", content_type="text/csv")
    response = editor_client.post(
        f"/datasets/{dataset.slug}/distributions/new/", {"file": upload, "licence": CC_BY}
    )

    assert response.status_code == 302
    added = dataset.distributions.exclude(title={"en": "Trees as CSV"}).get()
    assert added.byte_size == 8 and added.format == CSV
    assert added.download_url[0].endswith(f"/distributions/{added.pk}/download/counts.csv")


def test_a_distribution_needs_a_file_or_a_link(editor_client: Any, dataset: Dataset) -> None:
    response = editor_client.post(f"/datasets/{dataset.slug}/distributions/new/", {"licence": CC_BY})

    assert "Upload a file or give an access URL." in text(response)
    assert dataset.distributions.count() == 1


def test_a_too_large_upload_is_refused_and_nothing_is_saved(
    editor_client: Any, dataset: Dataset, settings: Any, media_root: Any
) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    before = sorted(p.name for p in media_root.rglob("*") if p.is_file())
    settings.MAX_UPLOAD_BYTES = 10
    upload = SimpleUploadedFile("big.csv", b"x" * 11, content_type="text/csv")

    response = editor_client.post(f"/datasets/{dataset.slug}/distributions/new/", {"file": upload})

    page = text(response)
    assert response.status_code == 200
    assert 'id="id_file_error"' in page and "the limit is 10\xa0bytes. Nothing was saved." in page
    assert dataset.distributions.count() == 1
    assert sorted(p.name for p in media_root.rglob("*") if p.is_file()) == before


def test_edit_and_delete_a_distribution(editor_client: Any, dataset: Dataset) -> None:
    distribution = dataset.distributions.get()
    base = f"/datasets/{dataset.slug}/distributions/{distribution.pk}"
    page = text(editor_client.get(f"{base}/edit/"))
    assert "Replace the file" in page and 'name="access_url"' not in page and "trees" in page

    editor_client.post(f"{base}/edit/", {"title_en": "Trees (CSV)", "format": CSV, "licence": CC_BY})
    distribution.refresh_from_db()
    assert distribution.title == {"en": "Trees (CSV)"} and distribution.file

    assert editor_client.post(f"{base}/delete/").status_code == 302
    assert not dataset.distributions.exists()


def test_a_distribution_of_another_dataset_is_not_found(
    editor_client: Any, dataset: Dataset, draft: Dataset, organisation: Organisation
) -> None:
    other = draft.distributions.get()
    assert editor_client.get(f"/datasets/{dataset.slug}/distributions/{other.pk}/edit/").status_code == 404
