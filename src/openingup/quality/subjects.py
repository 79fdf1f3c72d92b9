"""What the indicators read about a dataset, gathered from the catalogue, the link checks and SHACL."""

from __future__ import annotations

from collections.abc import Iterable

from openingup.catalogue.models import Dataset, Distribution
from openingup.quality.indicators import LinkStatus, Subject
from openingup.quality.models import LinkCheck


def urls_of(distributions: Iterable[Distribution]) -> list[str]:
    """The access and download URLs of the distributions, each once, in order."""
    seen: dict[str, None] = {}
    for distribution in distributions:
        for url in [*(distribution.access_url or []), *(distribution.download_url or [])]:
            if isinstance(url, str) and url:
                seen.setdefault(url, None)
    return list(seen)


def link_statuses(urls: Iterable[str]) -> dict[str, LinkStatus]:
    """The link checker's last result for each of the URLs that has been checked."""
    wanted = list(urls)
    found: dict[str, LinkStatus] = {}
    for start in range(0, len(wanted), 500):
        rows = LinkCheck.objects.filter(url__in=wanted[start : start + 500])
        for row in rows.values("url", "status_code", "ok", "error"):
            found[row["url"]] = LinkStatus(row["status_code"], row["ok"], row["error"])
    return found


def dcat_ap_violations(dataset: Dataset) -> list[str]:
    """The violations of the platform's DCAT-AP 3 shapes, in plain words (empty when it conforms)."""
    from openingup.catalogue.rdf import dataset_graph
    from openingup.exchange.shacl import validate

    report = validate(dataset_graph(dataset), profile="dcat-ap-3")
    return [problem.in_plain_words() for problem in report.violations]


def subject_for(dataset: Dataset) -> Subject:
    distributions = list(dataset.distributions.order_by("position", "created_at"))
    return Subject(
        dataset=dataset,
        distributions=distributions,
        links=link_statuses(urls_of(distributions)),
        violations=dcat_ap_violations(dataset),
    )
