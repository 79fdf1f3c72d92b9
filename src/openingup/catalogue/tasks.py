"""Background work of the catalogue, run through :mod:`openingup.core.tasks`."""

from __future__ import annotations

from typing import Any

from openingup.core.tasks import Progress, task


@task("catalogue.import_url")
def import_url(progress: Progress, *, url: str, organisation: str = "", fmt: str = "") -> dict[str, Any]:
    """Fetch a DCAT-AP document through the safe HTTP client and import it; the report is the result."""
    from openingup.catalogue.importer import import_rdf
    from openingup.core.http import fetch
    from openingup.exchange.dcat.parser import guess_format
    from openingup.organisations.models import Organisation

    progress.update(5, f"fetching {url}")
    fetched = fetch(url, accept="text/turtle, application/rdf+xml;q=0.9, application/ld+json;q=0.8")
    progress.update(40, "importing")
    org = Organisation.objects.filter(slug=organisation).first() if organisation else None
    fmt = fmt or guess_format(fetched.content, fetched.url, fetched.content_type)
    report = import_rdf(actor=None, data=fetched.content, fmt=fmt, organisation=org)
    progress.update(100, report.in_plain_words().splitlines()[0])
    return report.as_dict()
