"""Fixtures shared by the whole suite.

Tests run with the default settings (``openingup.settings``); ``.ci/run`` points ``OPENINGUP_HOME`` at a
fresh temporary folder and runs the suite once on SQLite and once on PostgreSQL (``DATABASE_URL``).

pytest-django already provides ``client``, ``admin_user``, ``admin_client``, ``django_user_model``,
``settings`` and ``live_server``; the fixtures here add what most of our tests need on top.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

import pytest

# The headless-Chromium harness: makes the ``browser`` fixture available to every test module.
pytest_plugins = ["tests.browser"]

PASSWORD = "correct-horse-battery-staple"


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark every test using the ``browser`` fixture, so ``-m "not browser"`` leaves them out."""
    for item in items:
        if "browser" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def django_db_modify_db_settings(
    django_db_modify_db_settings: None, tmp_path_factory: pytest.TempPathFactory
) -> None:
    """Make the test database behave like production when background threads use it.

    * SQLite: a file (WAL, busy timeout) as in production, not Django's default shared-cache in-memory
      database, where a write in one thread makes another fail at once with "database table is locked".
    * All: connections are closed after each unit of work. Background threads (the in-process worker, an
      embedded Celery worker, the live server) keep their own connections; with the production
      ``CONN_MAX_AGE`` they would stay open and PostgreSQL refuses to drop the test database at the end.
    """
    from django.conf import settings

    for alias, database in settings.DATABASES.items():
        database["CONN_MAX_AGE"] = 0
        if database["ENGINE"] == "django.db.backends.sqlite3":
            database["TEST"]["NAME"] = str(tmp_path_factory.mktemp("database") / f"test_{alias}.sqlite3")


@pytest.fixture(autouse=True)
def media_root(settings: Any, tmp_path: Path) -> Path:
    """Uploads of each test go to its own temporary folder, never to ``$OPENINGUP_HOME``."""
    root = tmp_path / "media"
    root.mkdir()
    settings.MEDIA_ROOT = root
    return root


@pytest.fixture(autouse=True)
def fast_password_hashing(settings: Any) -> None:
    """Creating users with the production hasher costs a third of a second each."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def user(db: None, django_user_model: Any) -> Any:
    """An ordinary signed-up person without any role; password :data:`PASSWORD`."""
    return django_user_model.objects.create_user(username="alex", email="alex@example.org", password=PASSWORD)


@pytest.fixture
def user_client(client: Any, user: Any) -> Any:
    """A test client logged in as :func:`user`."""
    client.force_login(user)
    return client


@pytest.fixture
def admin_user_(db: None, django_user_model: Any) -> Any:
    """A superuser of our own (pytest-django's ``admin_user`` also exists); password :data:`PASSWORD`."""
    return django_user_model.objects.create_superuser(
        username="site-admin", email="site-admin@example.org", password=PASSWORD
    )


@pytest.fixture(scope="session")
def reference_data() -> Path:
    """The official artefacts (``../shared/data``) named by ``OPENINGUP_REFERENCE_DATA``; skips if unset."""
    raw = os.environ.get("OPENINGUP_REFERENCE_DATA", "")
    if not raw:
        pytest.skip("OPENINGUP_REFERENCE_DATA not set")
    path = Path(raw)
    if not path.is_dir():
        pytest.fail(f"OPENINGUP_REFERENCE_DATA={raw!r} is not a folder")
    return path


@pytest.fixture(autouse=True)
def datastore_dir(settings: Any, tmp_path: Path) -> Path:
    """Each test's datastore files live in its own folder."""
    from openingup.datastore.queries import forget

    forget()
    settings.DATASTORE_DIR = tmp_path / "datastore"
    return settings.DATASTORE_DIR


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_teardown(item: Any, nextitem: Any) -> Any:
    """Background jobs a test started in the in-process worker (say, scoring after a live server's
    catalogue change) finish before the test's database is torn down."""
    from openingup.core.tasks import in_process_backend

    in_process_backend().join(timeout=60)
    yield
