"""Saved searches: saving (signed in only), the list, deleting (only one's own), and the Atom feeds of
new matches (published datasets only, newest first, public by the saved search's id)."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from typing import Any

import pytest

from openingup.catalogue.models import Dataset
from openingup.core.errors import InvalidInput, PermissionDenied
from openingup.organisations.models import Organisation
from openingup.search import services as search_services
from openingup.search.models import SavedSearch
from tests.web.conftest import make_dataset

ATOM = "{http://www.w3.org/2005/Atom}"


def _touch(dataset: Dataset, when: str) -> None:
    Dataset.objects.filter(pk=dataset.pk).update(modified=when)


@pytest.fixture
def trees(organisation: Organisation) -> dict[str, Dataset]:
    found = {
        "old": make_dataset(organisation, "Old trees"),
        "new": make_dataset(organisation, "New trees"),
        "draft": make_dataset(organisation, "Draft trees", publish=False),
        "bikes": make_dataset(organisation, "Bicycle parking", keywords={"en": ["bicycles"]}),
    }
    _touch(found["old"], "2020-01-01")
    _touch(found["new"], "2024-06-01")
    _touch(found["draft"], "2025-01-01")
    search_services.reindex()
    return found


def _feed(response: Any) -> ET.Element:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content)


def _entry_titles(root: ET.Element) -> list[str]:
    return [e.findtext(f"{ATOM}title") or "" for e in root.findall(f"{ATOM}entry")]


@pytest.mark.django_db
def test_a_signed_in_person_saves_the_search(editor_client: Any, editor: Any) -> None:
    response = editor_client.post(
        "/search/saved/new/", {"name": "Trees", "query": "q=trees&cursor=abc&format=json&sort=modified"}
    )

    assert response.status_code == 302 and response["Location"] == "/search/saved/"
    saved = SavedSearch.objects.get(user=editor)
    assert saved.name == "Trees" and saved.query == "q=trees&sort=modified"


@pytest.mark.django_db
def test_saving_is_refused_anonymously(client: Any) -> None:
    response = client.post("/search/saved/new/", {"name": "Trees", "query": "q=trees"})

    assert response.status_code == 302 and "/login" in response["Location"]
    assert not SavedSearch.objects.exists()
    with pytest.raises(PermissionDenied):
        search_services.save_search(actor=None, name="Trees", query="q=trees")


@pytest.mark.django_db
def test_a_name_is_required_short_and_there_is_a_limit(editor: Any, editor_client: Any) -> None:
    with pytest.raises(InvalidInput):
        search_services.save_search(actor=editor, name="  ", query="q=x")
    with pytest.raises(InvalidInput):
        search_services.save_search(actor=editor, name="x" * 201, query="q=x")
    for n in range(search_services.MAX_SAVED):
        search_services.save_search(actor=editor, name=f"s{n}", query="q=x")
    with pytest.raises(InvalidInput):
        search_services.save_search(actor=editor, name="one more", query="q=x")

    response = editor_client.post("/search/saved/new/", {"name": "one more", "query": "q=x"}, follow=True)
    assert "was not saved" in response.content.decode()
    assert SavedSearch.objects.filter(user=editor).count() == search_services.MAX_SAVED


@pytest.mark.django_db
def test_the_search_page_offers_saving_to_signed_in_people_only(client: Any, editor: Any, trees: Any) -> None:
    page = client.get("/search/", {"q": "trees"}).content.decode()
    assert "Save this search" not in page
    assert 'href="/search/feed.atom?q=trees"' in page

    client.force_login(editor)
    page = client.get("/search/", {"q": "trees"}).content.decode()
    assert 'action="/search/saved/new/"' in page and "csrfmiddlewaretoken" in page
    assert 'name="query" value="q=trees"' in page


@pytest.mark.django_db
def test_the_list_shows_only_ones_own_saved_searches(editor_client: Any, editor: Any, viewer: Any) -> None:
    mine = search_services.save_search(actor=editor, name="My trees", query="q=trees")
    search_services.save_search(actor=viewer, name="Vera's bikes", query="q=bikes")

    page = editor_client.get("/search/saved/").content.decode()

    assert "My trees" in page and 'href="/search/?q=trees"' in page
    assert f'href="/search/saved/{mine.pk}.atom"' in page
    assert f'action="/search/saved/{mine.pk}/delete/"' in page
    assert "Vera" not in page


@pytest.mark.django_db
def test_the_list_needs_signing_in(client: Any) -> None:
    response = client.get("/search/saved/")

    assert response.status_code == 302 and "/login" in response["Location"]


@pytest.mark.django_db
def test_deleting_only_ones_own(editor_client: Any, editor: Any, viewer: Any) -> None:
    mine = search_services.save_search(actor=editor, name="Mine", query="q=trees")
    theirs = search_services.save_search(actor=viewer, name="Theirs", query="q=trees")

    assert editor_client.post(f"/search/saved/{theirs.pk}/delete/").status_code == 404
    assert SavedSearch.objects.filter(pk=theirs.pk).exists()
    with pytest.raises(PermissionDenied):
        search_services.delete_saved_search(actor=editor, saved=theirs)

    response = editor_client.post(f"/search/saved/{mine.pk}/delete/")
    assert response.status_code == 302
    assert not SavedSearch.objects.filter(pk=mine.pk).exists()


@pytest.mark.django_db
def test_the_saved_feed_is_atom_newest_first_without_drafts(client: Any, editor: Any, trees: Any) -> None:
    saved = search_services.save_search(actor=editor, name="Trees feed", query="q=trees")

    root = _feed(client.get(f"/search/saved/{saved.pk}.atom"))  # anonymous: public by its id

    assert root.tag == f"{ATOM}feed"
    assert root.findtext(f"{ATOM}title") == "Trees feed"
    assert root.findtext(f"{ATOM}id") and root.findtext(f"{ATOM}updated")
    assert root.findtext(f"{ATOM}author/{ATOM}name")
    self_links = [link.get("href") for link in root.findall(f"{ATOM}link") if link.get("rel") == "self"]
    assert self_links == [f"http://testserver/search/saved/{saved.pk}.atom"]
    assert _entry_titles(root) == ["New trees", "Old trees"]
    entry = root.findall(f"{ATOM}entry")[0]
    assert entry.findtext(f"{ATOM}id") == f"urn:uuid:{trees['new'].pk}"
    assert entry.findtext(f"{ATOM}updated")
    assert entry.find(f"{ATOM}link").get("href") == "http://testserver/datasets/new-trees/"  # type: ignore[union-attr]
    assert "new trees" in (entry.findtext(f"{ATOM}summary") or "")


@pytest.mark.django_db
def test_the_feed_shows_no_drafts_even_to_their_editor(editor_client: Any, editor: Any, trees: Any) -> None:
    saved = search_services.save_search(actor=editor, name="Trees", query="q=trees")

    titles = _entry_titles(_feed(editor_client.get(f"/search/saved/{saved.pk}.atom")))

    assert "Draft trees" not in titles


@pytest.mark.django_db
def test_a_new_matching_dataset_appears_in_the_feed(
    client: Any, editor: Any, organisation: Organisation, trees: Any
) -> None:
    saved = search_services.save_search(actor=editor, name="Trees", query="q=trees")
    fresh = make_dataset(organisation, "Fresh trees")
    _touch(fresh, "2026-01-01")
    search_services.reindex()

    titles = _entry_titles(_feed(client.get(f"/search/saved/{saved.pk}.atom")))

    assert titles == ["Fresh trees", "New trees", "Old trees"]


@pytest.mark.django_db
def test_the_feed_of_the_current_query(client: Any, trees: Any) -> None:
    root = _feed(client.get("/search/feed.atom", {"q": "trees", "cursor": "ignored"}))

    assert _entry_titles(root) == ["New trees", "Old trees"]
    assert root.findtext(f"{ATOM}title") == "Search: trees"
    assert _entry_titles(_feed(client.get("/search/feed.atom", {"q": "bicycles"}))) == ["Bicycle parking"]


@pytest.mark.django_db
def test_unknown_saved_searches_are_404(client: Any, editor_client: Any) -> None:
    assert client.get(f"/search/saved/{uuid.uuid4()}.atom").status_code == 404
    assert editor_client.post(f"/search/saved/{uuid.uuid4()}/delete/").status_code == 404
    assert client.get("/search/saved/not-a-uuid.atom").status_code == 404


@pytest.mark.django_db
def test_a_feed_of_a_bad_query_is_404(client: Any) -> None:
    assert client.get("/search/feed.atom", {"start": "yesterday"}).status_code == 404


@pytest.mark.django_db(transaction=True)
def test_saved_search_pages_have_no_accessibility_violations(
    browser: Any, live_server: Any, client: Any, django_user_model: Any
) -> None:
    from openingup.search import services as search_services
    from tests.browser import AXE_IMPACTS, axe_violations, format_violations

    person = django_user_model.objects.create_user("saver", password="x" * 12)
    search_services.save_search(actor=person, name="Trees near me", query="q=tree")
    client.force_login(person)
    browser.get(live_server.url + "/")
    browser.add_cookie({"name": "sessionid", "value": client.cookies["sessionid"].value, "path": "/"})
    for path in ("/search/?q=tree", "/search/saved/"):
        violations = axe_violations(browser, live_server.url + path, impacts=AXE_IMPACTS)
        assert violations == [], format_violations(violations)
    assert "Trees near me" in browser.page_source
