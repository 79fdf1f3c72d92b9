"""Background work of the catalogue, run through :mod:`openingup.core.tasks`.

Imports run as the person who started them (``actor_id``; none for system work such as the CLI):
datasets whose publisher that person may not edit for are reported as failed.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings

from openingup.core.tasks import Progress, task

IMPORTS_FOLDER = "imports"


def imports_folder() -> Path:
    """Where uploaded files wait for their import job: ``MEDIA_ROOT/imports``."""
    return Path(settings.MEDIA_ROOT) / IMPORTS_FOLDER


def _actor(actor_id: Any) -> Any:
    """The person an import runs as; None for system work. A vanished account stops the import."""
    if actor_id is None:
        return None
    from django.contrib.auth import get_user_model

    from openingup.core.errors import PermissionDenied

    person = get_user_model().objects.filter(pk=actor_id, is_active=True).first()
    if person is None:
        raise PermissionDenied("the account that started this import no longer exists or is inactive")
    return person


def _import(progress: Progress, data: bytes, fmt: str, organisation: str, actor_id: Any) -> dict[str, Any]:
    from openingup.catalogue.importer import import_rdf
    from openingup.organisations.models import Organisation

    actor = _actor(actor_id)
    progress.update(40, "importing")
    org = Organisation.objects.filter(slug=organisation).first() if organisation else None
    report = import_rdf(actor=actor, data=data, fmt=fmt, organisation=org)
    progress.update(100, report.in_plain_words().splitlines()[0])
    return report.as_dict()


@task("catalogue.import_url")
def import_url(
    progress: Progress, *, url: str, organisation: str = "", fmt: str = "", actor_id: Any = None
) -> dict[str, Any]:
    """Fetch a DCAT-AP document through the safe HTTP client and import it; the report is the result."""
    from openingup.core.http import fetch
    from openingup.exchange.dcat.parser import guess_format

    _actor(actor_id)  # before fetching anything
    progress.update(5, f"fetching {url}")
    fetched = fetch(url, accept="text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8")
    fmt = fmt or guess_format(fetched.content, fetched.url, fetched.content_type)
    return _import(progress, fetched.content, fmt, organisation, actor_id)


@task("catalogue.import_file")
def import_file(
    progress: Progress,
    *,
    path: str,
    organisation: str = "",
    fmt: str = "",
    filename: str = "",
    actor_id: Any = None,
) -> dict[str, Any]:
    """Import a DCAT-AP file waiting in :func:`imports_folder`, then delete it, whatever the outcome.

    ``path`` must lie in that folder (anything else is refused and left alone); ``filename`` is the file's
    original name, which helps to recognise its format."""
    from openingup.exchange.dcat.parser import guess_format

    folder = imports_folder().resolve()
    file = Path(path).resolve()
    if file.parent != folder:
        raise ValueError("only files in the imports folder can be imported")
    try:
        progress.update(5, f"reading {filename or file.name}")
        data = file.read_bytes()
        fmt = fmt or guess_format(data, filename or file.name)
        return _import(progress, data, fmt, organisation, actor_id)
    finally:
        file.unlink(missing_ok=True)
