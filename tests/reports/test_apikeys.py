"""API keys: hashed, shown once, revocable; and the `openingup apikey` command."""

from __future__ import annotations

from typing import Any

import pytest

from openingup.cli.main import main
from openingup.core.errors import InvalidInput, PermissionDenied
from openingup.reports import services
from openingup.reports.models import ApiKey


def test_key_is_stored_hashed_and_authenticates(db: None) -> None:
    key, secret = services.create_api_key(actor=None, name="FixMyStreet")
    assert secret.startswith("o311_") and secret not in str(ApiKey.objects.values().get())
    assert services.authenticate_api_key(secret) == key
    assert services.authenticate_api_key(secret[:-1]) is None
    services.revoke_api_key(actor=None, key=key)
    assert services.authenticate_api_key(secret) is None


def test_only_site_admins_create_keys(user: Any, admin_user: Any) -> None:
    with pytest.raises(PermissionDenied):
        services.create_api_key(actor=user, name="mine")
    key, _ = services.create_api_key(actor=admin_user, name="app")
    assert key.created_by == admin_user
    with pytest.raises(InvalidInput):
        services.create_api_key(actor=admin_user, name="  ")
    with pytest.raises(InvalidInput):
        services.create_api_key(actor=admin_user, name="x", scope="everything")


@pytest.mark.django_db(transaction=True)
def test_apikey_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["apikey", "create", "--name", "Partner app", "--scope", "open311"]) == 0
    secret = capsys.readouterr().out.strip().splitlines()[-1]
    key = services.authenticate_api_key(secret)
    assert key is not None and key.name == "Partner app"
    assert main(["apikey", "list"]) == 0
    listing = capsys.readouterr().out
    assert str(key.pk) in listing and "active" in listing and secret not in listing
    assert main(["apikey", "revoke", str(key.pk)]) == 0
    assert services.authenticate_api_key(secret) is None
    assert main(["apikey", "revoke", "nothing-like-this"]) == 2
