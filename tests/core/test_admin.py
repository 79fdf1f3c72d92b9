"""The Django admin lists every registered model for an administrator."""

import pytest


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/admin/",
        "/admin/organisations/organisation/",
        "/admin/organisations/membership/",
        "/admin/organisations/apitoken/",
        "/admin/catalogue/dataset/",
        "/admin/catalogue/change/",
        "/admin/core/job/",
        "/admin/core/periodicrun/",
        "/admin/datastore/table/",
    ],
)
def test_admin_pages_answer(admin_client, url: str) -> None:  # type: ignore[no-untyped-def]
    assert admin_client.get(url).status_code == 200
