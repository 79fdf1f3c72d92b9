"""A CKAN site through its Action API: ``package_search`` paged with ``rows`` and ``start``.

Packages are mapped with the same reading of CKAN's dictionaries (ckanext-dcat's scheming names) that
our own CKAN-compatible write API uses (:mod:`openingup.api.ckan.catalogue_input`). A dataset's URI is
the package's ``uri`` (ckanext-dcat), else ``<site>/dataset/<name>``; its identifier the package's
``identifier``, else its CKAN id; the CKAN organisation becomes its publisher.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode, urlsplit, urlunsplit

from openingup.api.ckan.catalogue_input import dataset_data, licence_uri, resource_data
from openingup.api.ckan.ckan_shapes import lang
from openingup.exchange.dcat.fields import DATASET, DISTRIBUTION, Prop
from openingup.harvest.harvesters.base import Gathering, HarvestError, Item, Page, register
from openingup.vocabularies.registry import vocabulary

SEARCH = "/api/3/action/package_search"
_IRI = re.compile(r"^(https?://\S+|mailto:\S+|tel:\S+)$")


def _language(code: str) -> str:
    """The EU language IRI for a two-letter code such as ``ca`` ('' when unknown)."""
    short = code.strip().lower()
    found = next((c for c in vocabulary("language") if c.extra.get("iso_639_1") == short), None)
    return found.uri if found else ""


def _keep_iris(record: dict[str, Any], table: tuple[Prop, ...], where: str, warnings: list[str]) -> None:
    """Leave out text where an IRI belongs (CKAN fields are free text), each with a warning."""
    for prop in table:
        if prop.kind not in ("iri", "iri_list") or prop.name not in record:
            continue
        values = record[prop.name] if prop.kind == "iri_list" else [record[prop.name]]
        kept = []
        for value in values if isinstance(values, list) else [values]:
            text = str(value or "").strip()
            if prop.name == "language" and text and not _IRI.match(text):
                text = _language(text) or text
            if _IRI.match(text):
                kept.append(text)
            elif text:
                shown = f"{where}{prop.predicate}: {text[:80]!r}"
                warnings.append(f"{shown} is text where an IRI is expected; left out")
        if prop.kind == "iri_list":
            record[prop.name] = kept
        elif kept:
            record[prop.name] = kept[0]
        else:
            del record[prop.name]


def site_and_search(url: str) -> tuple[str, str]:
    """The CKAN site's base URL and its package_search URL, from either of them (or ``…/api/3``)."""
    parts = urlsplit(url.strip())
    path = parts.path.rstrip("/")
    for tail in (SEARCH, "/api/3/action", "/api/3", "/api"):
        if path.endswith(tail):
            path = path[: -len(tail)]
            break
    site = urlunsplit((parts.scheme, parts.netloc, path, "", ""))
    return site, site + SEARCH


def _extras(package: dict[str, Any]) -> dict[str, Any]:
    extras = package.get("extras")
    if not isinstance(extras, list):
        return {}
    return {e["key"]: e.get("value") for e in extras if isinstance(e, dict) and isinstance(e.get("key"), str)}


def _untagged(data: dict[str, Any], package: dict[str, Any]) -> None:
    """Plain CKAN texts have no language of their own: keep them untagged, not in our site's language."""
    for ours, translated in (
        ("title", "title_translated"),
        ("description", "notes_translated"),
        ("keywords", "tags_translated"),
    ):
        texts = data.get(ours)
        if isinstance(texts, dict) and translated not in package and lang() in texts:
            texts[""] = texts.pop(lang())


def _publisher(package: dict[str, Any], site: str) -> dict[str, Any] | None:
    given = package.get("publisher")
    if isinstance(given, list) and given and isinstance(given[0], dict):
        given = given[0]
    if isinstance(given, dict) and given.get("name"):
        return {"uri": str(given.get("uri") or ""), "name": {"": str(given["name"])}}
    org = package.get("organization")
    if isinstance(org, dict) and (org.get("title") or org.get("name")):
        return {
            "uri": f"{site}/organization/{org.get('name') or org.get('id')}",
            "name": {"": str(org.get("title") or org["name"])},
        }
    return None


def package_record(package: dict[str, Any], site: str, warnings: list[str]) -> dict[str, Any]:
    """Our dataset record (with distributions and publisher) from a CKAN package dictionary.

    Values that cannot stand where they are (text for an IRI, a resource without a usable URL) are left
    out, each with a line in ``warnings``."""
    extras = _extras(package)
    data = dataset_data(package)
    _untagged(data, package)
    if not data.get("title") and package.get("name"):
        data["title"] = {"": str(package["name"])}
    name = package.get("name") or package.get("id")
    data["uri"] = str(package.get("uri") or extras.get("uri") or f"{site}/dataset/{name}")
    identifier = (
        package.get("identifier") or extras.get("identifier") or extras.get("guid") or package.get("id")
    )
    if identifier and not data.get("identifier"):
        data["identifier"] = [str(identifier)]
    if not data.get("landing_page"):
        data["landing_page"] = [f"{site}/dataset/{name}"]
    publisher = _publisher(package, site)
    if publisher:
        data["publisher"] = publisher
    licence = licence_uri(package.get("license_id"))
    if not licence.startswith(("http://", "https://")):
        url = package.get("license_url")
        licence = url if isinstance(url, str) and url.startswith(("http://", "https://")) else ""
    distributions = []
    for resource in package.get("resources") or []:
        if not isinstance(resource, dict):
            continue
        dist = resource_data(resource)
        _untagged(dist, resource)
        if licence and not dist.get("licence"):
            dist["licence"] = licence
        if resource.get("id"):
            dist["uri"] = f"{site}/dataset/{name}/resource/{resource['id']}"
        where = f"resource {resource.get('id') or resource.get('name') or ''}: "
        _keep_iris(dist, DISTRIBUTION, where, warnings)
        if not dist.get("access_url"):
            warnings.append(f"{where}left out: it has no usable URL")
            continue
        distributions.append(dist)
    _keep_iris(data, DATASET, "", warnings)
    data["distributions"] = distributions
    return data


def _item(package: Any, site: str, url: str) -> Item:
    if not isinstance(package, dict) or not (package.get("id") or package.get("name")):
        return Item(
            remote_id=f"(package without id) {str(package)[:100]}",
            problem="the package has no id",
            remote_url=url,
        )
    remote_id = str(package.get("id") or package.get("name"))
    shown = f"{site}/api/3/action/package_show?{urlencode({'id': remote_id})}"
    warnings: list[str] = []
    try:
        record = package_record(package, site, warnings)
    except Exception as exc:  # one unreadable package must not stop the others; the reason is kept
        return Item(remote_id=remote_id, problem=f"the package could not be read: {exc}", remote_url=shown)
    return Item(remote_id=remote_id, record=record, remote_url=shown, warnings=warnings)


def search_page(gathering: Gathering, search: str, start: int) -> tuple[list[Any], int]:
    url = f"{search}?{urlencode({'rows': gathering.page_size, 'start': start, 'sort': 'id asc'})}"
    fetched = gathering.fetcher.get(url, accept="application/json")
    try:
        answer = json.loads(fetched.content)
    except ValueError as exc:
        raise HarvestError(f"{url} did not answer with JSON, so it is not a CKAN Action API: {exc}") from exc
    if not isinstance(answer, dict) or answer.get("success") is not True:
        error = answer.get("error") if isinstance(answer, dict) else None
        raise HarvestError(f"{url}: the CKAN API answered with an error: {json.dumps(error)[:300]}")
    result = answer.get("result") or {}
    results, count = result.get("results"), result.get("count")
    if not isinstance(results, list) or not isinstance(count, int):
        raise HarvestError(f"{url}: the answer has no result.results list and result.count number")
    return results, count


class CkanHarvester:
    type = "ckan"
    label = "CKAN Action API"

    def pages(self, gathering: Gathering) -> Iterator[Page]:
        site, search = site_and_search(gathering.url)
        start = 0
        seen: set[str] = set()
        while True:
            packages, count = search_page(gathering, search, start)
            url = f"{search}?rows={gathering.page_size}&start={start}"
            items = [_item(p, site, url) for p in packages]
            new = {i.remote_id for i in items} - seen
            if items and not new:
                gathering.stop_paging(
                    f"the page at start={start} repeats earlier packages only; paging stopped there"
                )
                return
            seen |= new
            yield Page(url, items, count)
            start += len(packages)
            if not packages or start >= count:
                return


register(CkanHarvester())
