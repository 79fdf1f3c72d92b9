"""The account page: a person's organisations and roles, and their API tokens (shown once, revocable)."""

from __future__ import annotations

import re
from typing import Any

import pytest

from openingup.organisations import services as organisations
from openingup.organisations.models import ApiToken, Organisation

pytestmark = pytest.mark.django_db


def text(response: Any) -> str:
    return response.content.decode()


def test_anonymous_people_are_sent_to_log_in(client: Any) -> None:
    for response in (client.get("/account/"), client.post("/account/tokens/new/", {"name": "x"})):
        assert response.status_code == 302 and response["Location"].startswith("/login/?next=")
    assert not ApiToken.objects.exists()


def test_the_page_lists_organisations_and_roles(
    editor_client: Any, editor: Any, department: Organisation, admin_user_: Any
) -> None:
    organisations.add_member(actor=admin_user_, organisation=department, user=editor, role="viewer")

    page = text(editor_client.get("/account/"))

    assert "You are logged in as eddie." in page
    assert re.search(r'href="/organisations/example/">City of Example</a></th>\s*<td>Editor</td>', page)
    assert re.search(r'href="/organisations/parks/">Parks department</a></th>\s*<td>Viewer</td>', page)
    assert "You are an administrator" not in page
    assert 'href="/account/" aria-current="page"' in page
    assert "You have no API tokens." in page


def test_a_person_without_organisations_is_told_so(user_client: Any) -> None:
    page = text(user_client.get("/account/"))

    assert "You are not a member of any organisation." in page
    assert 'href="/imports/new/"' not in page  # the Import link is for editors


def test_administrators_are_told_what_they_may_do(client: Any, admin_user_: Any) -> None:
    client.force_login(admin_user_)

    assert "You are an administrator" in text(client.get("/account/"))


def test_a_new_token_is_shown_once_and_works(editor_client: Any, editor: Any) -> None:
    response = editor_client.post("/account/tokens/new/", {"name": "  Harvester  "})

    page = text(response)
    token = ApiToken.objects.get()
    secret = re.search(r'id="token-secret"[^>]*value="(ou_[^"]+)"', page)
    assert response.status_code == 200 and secret is not None
    assert "This is the only time the token is shown." in page
    assert "no-store" in response["Cache-Control"]
    assert token.name == "Harvester" and token.user == editor and secret.group(1).startswith(token.prefix)
    listing = text(editor_client.get("/account/"))
    assert secret.group(1) not in listing
    assert '<th scope="row">Harvester</th>' in listing and f"<code>{token.prefix}…</code>" in listing
    assert "<td>Never</td>" in listing and "<td>Active</td>" in listing
    assert organisations.authenticate_token(secret.group(1)) == editor
    assert "<td>Never</td>" not in text(editor_client.get("/account/"))  # now it shows when


def test_a_token_needs_a_name(editor_client: Any) -> None:
    response = editor_client.post("/account/tokens/new/", {"name": "   "})

    page = text(response)
    assert response.status_code == 200 and not ApiToken.objects.exists()
    assert "There is a problem" in page and 'href="#id_name"' in page
    assert 'id="id_name_error"' in page and "Give the token a name." in page
    assert 'aria-invalid="true"' in page


def test_a_token_is_revoked_with_a_post(editor_client: Any, editor: Any) -> None:
    token, secret = organisations.create_token(actor=editor, user=editor, name="Old script")
    assert editor_client.get(f"/account/tokens/{token.pk}/revoke/").status_code == 405

    response = editor_client.post(f"/account/tokens/{token.pk}/revoke/")

    token.refresh_from_db()
    assert response.status_code == 302 and response["Location"] == "/account/"
    assert token.revoked_at is not None and organisations.authenticate_token(secret) is None
    page = text(editor_client.get("/account/"))
    assert "was revoked: it no longer works." in page and "Revoked" in page
    assert f"/account/tokens/{token.pk}/revoke/" not in page  # nothing left to revoke


def test_nobody_revokes_someone_elses_token(editor_client: Any, viewer: Any) -> None:
    token, _secret = organisations.create_token(actor=viewer, user=viewer, name="Vera's")

    response = editor_client.post(f"/account/tokens/{token.pk}/revoke/")

    token.refresh_from_db()
    assert response.status_code == 404 and token.revoked_at is None
    assert "Vera&#x27;s" not in text(editor_client.get("/account/"))


def test_the_navigation_links_to_the_account_when_logged_in(client: Any, user: Any) -> None:
    assert 'href="/account/"' not in text(client.get("/"))
    client.force_login(user)
    assert 'href="/account/"' in text(client.get("/"))


def test_the_account_page_speaks_dutch(editor_client: Any) -> None:
    page = text(editor_client.get("/account/", headers={"accept-language": "nl"}))

    assert "<h1>Uw account</h1>" in page and "<td>Redacteur</td>" in page and "Een token aanmaken" in page
