"""Another city's Open311 GeoReport v2 endpoint: its service requests harvested into the back office.

The source URL is the endpoint's base (``https://city.example/open311/v2``), its discovery document
(``…/discovery.json`` or ``.xml``), or any of its resources (``…/requests.xml?jurisdiction_id=x``);
a query such as ``jurisdiction_id`` is kept and sent with every call. The format is the one the URL
names, else the one discovery offers (JSON preferred), else JSON when ``services.json`` answers and
XML otherwise. Everything goes through the harvest's fetcher, so through the safe HTTP client; XML is
read without DTDs or entities (:mod:`openingup.exchange.open311`).

Requests are read for the last ``OPENINGUP_OPEN311_HARVEST_DAYS`` days in windows of at most 90
days (``start_date``/``end_date``), each paged with ``page``/``page_size``. A server that ignores
``page`` (it answers the first page again) and may have cut its answer at its cap gets the window
split in halves until every half fits. Requests older than the span are left alone, never withdrawn.

Each request becomes one HarvestRecord and one ServiceRequest (see
:mod:`openingup.reports.services.harvested`): unchanged ones (same content hash) are skipped, changed
ones updated — a new remote status is kept as a status change. Tolerated variants: ``requests`` or
``service_requests`` roots, a lone ``request``, JSON wrapped in an object, codes written as numbers
with leading zeros, FixMyStreet's extended states and ``<recipient>`` lists, dates with ``Z``, a
space or no zone. Error documents (``<errors>``, ``[{"code", "description"}]``) fail the job with
their description.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any
from urllib.parse import parse_qsl, quote, urlencode, urlsplit, urlunsplit

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator
from django.db import transaction
from django.utils import timezone

from openingup import config
from openingup.exchange import open311 as wire
from openingup.harvest.fetching import Fetcher, FetchError
from openingup.harvest.harvesters.base import Gathering, HarvestError, Item, Page, register
from openingup.harvest.models import HarvestJob, HarvestRecord, HarvestSource

WINDOW = timedelta(days=90)  # GeoReport v2's longest start_date … end_date span
SMALLEST_WINDOW = timedelta(hours=1)  # splitting a window stops here
MAX_TEXT = 4000
ACCEPT = {"json": "application/json", "xml": "text/xml, application/xml"}
RESOURCES = ("discovery", "services", "requests", "tokens", "servicerequestupdates")
PAGING = {"page", "page_size", "start_date", "end_date", "service_request_id", "status"}


class Open311Error(HarvestError):
    """The endpoint answered with an Open311 error document; the message carries its descriptions."""


# ------------------------------------------------------------------------------------------ the address


@dataclass
class Endpoint:
    base: str  # the endpoint's base URL, no trailing slash
    format: str = ""  # "json", "xml", or "" while unknown
    query: dict[str, str] = field(default_factory=dict)  # kept from the source URL (jurisdiction_id …)
    discovery: str = ""  # the discovery document to read first, when the URL named one


def endpoint(url: str) -> Endpoint:
    """The endpoint a source URL stands for (base, format, query, discovery); HarvestError if it is not
    an http(s) URL."""
    parts = urlsplit(url.strip())
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise HarvestError(f"{url!r} is not an http(s) URL of an Open311 endpoint")
    query = {k: v for k, v in parse_qsl(parts.query) if k not in PAGING}
    segments = [s for s in parts.path.split("/")]
    while segments and segments[-1] == "":
        segments.pop()
    fmt, discovery = "", ""
    for position in range(len(segments) - 1, max(-1, len(segments) - 3), -1):
        name, _, ext = segments[position].partition(".")
        if name in RESOURCES:
            fmt = ext if ext in ACCEPT and name != "discovery" else ""  # discovery's own is no hint
            if name == "discovery":
                discovery = urlunsplit((parts.scheme, parts.netloc, "/".join(segments), "", ""))
            segments = segments[:position]
            break
    base = urlunsplit((parts.scheme, parts.netloc, "/".join(segments), "", ""))
    return Endpoint(base=base, format=fmt, query=query, discovery=discovery)


# ------------------------------------------------------------------------------------------- reading


def _error_text(errors: Any) -> str | None:
    """The descriptions of an Open311 error document ('code description; …'), None if it is not one."""
    if isinstance(errors, dict):
        for key in ("errors", "error"):
            if key in errors and len(errors) <= 2:
                return _error_text(errors[key]) or str(errors[key])[:500]
        if set(errors) >= {"code", "description"} and "service_request_id" not in errors:
            return f"{errors.get('code')} {errors.get('description')}".strip()
        return None
    if isinstance(errors, list) and errors:
        texts = [_error_text(e) for e in errors if isinstance(e, dict)]
        if len(texts) == len(errors) and all(texts):
            return "; ".join(t for t in texts if t)[:1000]
    return None


def read(payload: bytes, content_type: str = "") -> tuple[str, Any]:
    """``(root, document)`` of a GeoReport v2 payload in either format (XML when it starts with ``<``
    or says so, JSON otherwise; JSON's root is ``""``). Open311Error for an error document,
    HarvestError for what is neither well-formed XML nor JSON."""
    text = payload.lstrip(b"\xef\xbb\xbf \t\r\n")
    try:
        if text.startswith(b"<") or ("xml" in content_type and not text.startswith((b"[", b"{"))):
            root, document = wire.parse_xml(text)
        else:
            root, document = "", wire.parse_json(text)
    except (wire.Open311ParseError, UnicodeDecodeError) as exc:
        raise HarvestError(f"the answer is neither GeoReport v2 XML nor JSON: {exc}") from exc
    if root in ("errors", "error"):
        message = _error_text(document) if root == "errors" else str(document).strip()
        raise Open311Error(f"the endpoint answered with an error: {message or document}")
    message = _error_text(document) if root == "" else None
    if message:
        raise Open311Error(f"the endpoint answered with an error: {message}")
    return root, document


def as_list(root: str, document: Any, item: str, *plurals: str) -> list[dict[str, Any]]:
    """The records of a list document, whatever wrapper the server used (a lone record included)."""
    if root == item and isinstance(document, dict):
        return [document]
    if isinstance(document, dict):
        for key in (*plurals, item):
            if key in document:
                return as_list("", document[key], item, *plurals)
        return [document] if document else []
    if isinstance(document, list):
        return [d for d in document if isinstance(d, dict)]
    if document in ("", None):  # an empty <service_requests/> reads as its empty text
        return []
    raise HarvestError(f"expected a list of {item} records, found {str(document)[:100]!r}")


def text(value: Any, limit: int = 500) -> str:
    """A field as text: lists (FixMyStreet's ``<recipient>`` elements) joined, ``None`` empty."""
    if value is None:
        return ""
    if isinstance(value, dict):
        value = [v for v in value.values()]
    if isinstance(value, list):
        flat: list[str] = []
        for v in value:
            flat.extend(v if isinstance(v, list) else [v])
        return ", ".join(text(v, limit) for v in flat if text(v, limit))[:limit]
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()[:limit]


def moment(value: Any) -> datetime | None:
    """An ISO 8601 date and time (``Z``, a space for ``T``, no zone: the site's zone; a date alone:
    its midnight); None when empty or unreadable."""
    raw = text(value)
    if not raw:
        return None
    try:
        parsed = datetime.fromisoformat(raw.replace("Z", "+00:00").replace("z", "+00:00"))
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = timezone.make_aware(parsed)
    return parsed


def number(value: Any) -> float | None:
    try:
        found = float(text(value).replace(",", "."))
    except ValueError:
        return None
    return found if math.isfinite(found) else None


_URL = URLValidator(schemes=["http", "https"])


def link(value: Any) -> str:
    raw = text(value, 2000)
    if not raw or len(raw) > 1000:
        return ""
    try:
        _URL(raw)
    except ValidationError:
        return ""
    return raw


def service_record(raw: dict[str, Any]) -> dict[str, Any]:
    """A remote service as plain values (code, name, description, group, keywords, type)."""
    group = raw.get("group") or raw.get("groups") or ""
    keywords = text(raw.get("keywords"), 2000)
    return {
        "code": text(raw.get("service_code"), 300),
        "name": text(raw.get("service_name"), 200),
        "description": text(raw.get("description"), 2000),
        "group": text(group, 100),
        "keywords": [k.strip() for k in keywords.split(",") if k.strip()],
        "type": text(raw.get("type"), 20).lower(),
    }


def request_record(raw: dict[str, Any], warnings: list[str]) -> dict[str, Any]:
    """One remote request as the plain values kept (and hashed): our field names, ISO dates, numbers;
    what cannot stand is left out with a line in ``warnings``. Personal data a server may add
    (FixMyStreet's ``requestor_name``) and unknown fields are not kept."""
    record: dict[str, Any] = {
        "service_request_id": text(raw.get("service_request_id"), 200),
        "status": text(raw.get("status"), 60),
        "status_notes": text(raw.get("status_notes"), MAX_TEXT),
        "service_code": text(raw.get("service_code"), 300),
        "service_name": text(raw.get("service_name"), 200),
        "description": text(raw.get("description"), MAX_TEXT),
        "agency_responsible": text(raw.get("agency_responsible"), 300),
        "service_notice": text(raw.get("service_notice"), MAX_TEXT),
        "address_string": text(raw.get("address") or raw.get("address_string"), 500),
        "address_id": text(raw.get("address_id"), 100),
        "zipcode": text(raw.get("zipcode"), 20),
        "media_url": link(raw.get("media_url")),
    }
    if text(raw.get("media_url"), 2000) and not record["media_url"]:
        warnings.append(f"media_url {text(raw.get('media_url'), 80)!r} is not an http(s) URL; left out")
    for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
        found = moment(raw.get(name))
        if found is None and text(raw.get(name)):
            warnings.append(f"{name} {text(raw.get(name), 40)!r} is not an ISO 8601 date; left out")
        record[name] = found.isoformat() if found else None
    lat, long = number(raw.get("lat")), number(raw.get("long"))
    if lat is not None and long is not None and -90 <= lat <= 90 and -180 <= long <= 180:
        record["lat"], record["long"] = lat, long
    else:
        record["lat"] = record["long"] = None
        if text(raw.get("lat")) or text(raw.get("long")):
            warnings.append(f"lat/long {text(raw.get('lat'))!r}, {text(raw.get('long'))!r} left out")
    return record


def filed(payload: bytes, content_type: str = "") -> list[dict[str, Any]]:
    """The answer to a POST requests (service_request_id or token, service_notice, account_id)."""
    root, document = read(payload, content_type)
    return as_list(root, document, "request", "service_requests", "requests")


# -------------------------------------------------------------------------------------------- client


class Client:
    """GeoReport v2 calls on one endpoint, through a harvest :class:`Fetcher` (the safe HTTP client)."""

    def __init__(self, fetcher: Fetcher, where: Endpoint) -> None:
        self.fetcher = fetcher
        self.endpoint = where

    def url(self, resource: str, **params: Any) -> str:
        fmt = self.endpoint.format or "json"
        query = {**self.endpoint.query, **{k: v for k, v in params.items() if v not in (None, "")}}
        tail = f"?{urlencode(query)}" if query else ""
        return f"{self.endpoint.base}/{resource}.{fmt}{tail}"

    def get(self, url: str) -> tuple[str, Any]:
        fetched = self.fetcher.get(url, accept=ACCEPT.get(self.endpoint.format or "json", "*/*"))
        try:
            return read(fetched.content, fetched.content_type)
        except HarvestError as exc:
            raise type(exc)(f"{url}: {exc}") from exc

    def resolve(self) -> None:
        """Settle the format (and the base, from discovery) before the first call."""
        if self.endpoint.discovery:
            self.discover(self.endpoint.discovery)
        if self.endpoint.format:
            return
        try:
            self.endpoint.format = "json"
            self.services()
        except (FetchError, HarvestError) as json_problem:
            if isinstance(json_problem, Open311Error):
                raise
            self.endpoint.format = "xml"
            try:
                self.services()
            except (FetchError, HarvestError) as xml_problem:
                raise HarvestError(
                    f"{self.endpoint.base} answers neither services.json ({json_problem}) nor "
                    f"services.xml ({xml_problem})"
                ) from xml_problem

    def discover(self, url: str) -> dict[str, Any]:
        """Read the discovery document and take its production endpoint's URL and best format."""
        fetched = self.fetcher.get(url, accept="application/json, text/xml")
        _, document = read(fetched.content, fetched.content_type)
        if not isinstance(document, dict):
            raise HarvestError(f"{url}: the discovery document is not a record")
        endpoints = as_list("", document.get("endpoints") or [], "endpoint", "endpoints")
        chosen = [e for e in endpoints if text(e.get("type")).lower() == "production"] or endpoints
        chosen = [e for e in chosen if "v2" in text(e.get("specification")).lower()] or chosen
        if not chosen or not text(chosen[0].get("url"), 2000):
            raise HarvestError(f"{url}: the discovery document names no endpoint URL")
        found = endpoint(text(chosen[0].get("url"), 2000))
        formats = text(chosen[0].get("formats"), 500).lower()
        self.endpoint.base = found.base
        self.endpoint.query = {**found.query, **self.endpoint.query}
        if not self.endpoint.format:
            self.endpoint.format = found.format or ("json" if "json" in formats or not formats else "xml")
        return document

    def services(self) -> list[dict[str, Any]]:
        root, document = self.get(self.url("services"))
        return as_list(root, document, "service", "services")

    def service_definition(self, code: str) -> dict[str, Any]:
        _, document = self.get(self.url(f"services/{quote(code, safe='')}"))
        if not isinstance(document, dict):
            raise HarvestError(f"the definition of service {code!r} is not a record")
        return document

    def requests(self, **params: Any) -> tuple[str, list[dict[str, Any]]]:
        url = self.url("requests", **params)
        root, document = self.get(url)
        return url, as_list(root, document, "request", "service_requests", "requests")

    def request(self, request_id: str) -> dict[str, Any] | None:
        root, document = self.get(self.url(f"requests/{quote(request_id, safe='')}"))
        found = as_list(root, document, "request", "service_requests", "requests")
        return found[0] if found else None

    def token(self, token: str) -> list[dict[str, Any]]:
        root, document = self.get(self.url(f"tokens/{quote(token, safe='')}"))
        return as_list(root, document, "request", "service_requests", "requests")

    def updates(self, **params: Any) -> list[dict[str, Any]]:
        """FixMyStreet's ``servicerequestupdates`` (an extension some servers offer)."""
        root, document = self.get(self.url("servicerequestupdates", **params))
        return as_list(root, document, "request_update", "service_requests_updates")


# ----------------------------------------------------------------------------------------- harvester


def _iso(moment_: datetime) -> str:
    return moment_.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def windows(end: datetime, days: int) -> list[tuple[datetime, datetime]]:
    """The span of the last ``days`` days before ``end`` in windows of at most 90 days, oldest first."""
    start = end - timedelta(days=max(1, days))
    found = []
    while start < end:
        found.append((start, min(start + WINDOW, end)))
        start += WINDOW
    return found


class Open311Harvester:
    type = "open311"
    label = "Open311 GeoReport v2 endpoint (service requests)"
    withdraws = False  # a request outside the span read is older, not gone
    needs_organisation = True  # the services made for the remote ones belong to it

    def may_add(self, actor: Any) -> bool:
        """Only who may manage report services: the source makes services and requests."""
        from openingup.reports import permissions

        return permissions.can_manage_services(actor)

    def pages(self, gathering: Gathering) -> Iterator[Page]:
        client = Client(gathering.fetcher, endpoint(gathering.url))
        client.resolve()
        try:
            services = {s["code"]: s for s in map(service_record, client.services()) if s["code"]}
        except (FetchError, HarvestError) as exc:
            gathering.warnings.append(f"the service list could not be read ({exc}); names come from requests")
            services = {}
        seen: set[str] = set()
        days = config.get_int("OPENINGUP_OPEN311_HARVEST_DAYS")
        for start, end in windows(timezone.now(), days):
            yield from self._window(gathering, client, services, seen, start, end)

    def _window(
        self,
        gathering: Gathering,
        client: Client,
        services: dict[str, dict[str, Any]],
        seen: set[str],
        start: datetime,
        end: datetime,
    ) -> Iterator[Page]:
        number, in_window = 1, set[str]()
        size = gathering.page_size
        while True:
            gathering.fetcher.check_deadline()
            params = {"start_date": _iso(start), "end_date": _iso(end), "page_size": size}
            if number > 1:
                params["page"] = number
            url, raws = client.requests(**params)
            items = [self._item(raw, client, services) for raw in raws]
            ids = {i.remote_id for i in items}
            if not items:
                return
            if number > 1 and not ids - in_window:  # the server ignores `page`: page 1 again
                if len(items) >= size and end - start > SMALLEST_WINDOW:
                    middle = start + (end - start) / 2
                    yield from self._window(gathering, client, services, seen, start, middle)
                    yield from self._window(gathering, client, services, seen, middle, end)
                elif len(items) >= size:
                    gathering.stop_paging(
                        f"{url}: the server ignores paging and its answer for one hour may be cut short"
                    )
                return
            in_window |= ids
            fresh = [i for i in items if i.remote_id not in seen]
            seen |= {i.remote_id for i in fresh}
            if fresh:
                yield Page(url, fresh)
            if len(items) < size:
                return
            number += 1

    def _item(self, raw: dict[str, Any], client: Client, services: dict[str, dict[str, Any]]) -> Item:
        warnings: list[str] = []
        record = request_record(raw, warnings)
        remote_id = record["service_request_id"]
        if not remote_id:
            shown = text(raw, 100)
            return Item(
                remote_id=f"(request without id) {shown}", problem="the request has no service_request_id"
            )
        remote_url = client.url(f"requests/{quote(remote_id, safe='')}")
        code = record["service_code"] or record["service_name"]
        if not code:
            return Item(remote_id, problem="the request names no service_code", remote_url=remote_url)
        service = services.get(code) or {"code": code, "name": record["service_name"] or code}
        record["service"] = {**service, "code": code}
        return Item(remote_id, record=record, remote_url=remote_url, warnings=warnings)

    def process(self, source: HarvestSource, job: HarvestJob, item: Item, known: Any = None) -> Any:
        """The pipeline's per-item step for this kind of source: the request into the back office.
        ``known`` is the pipeline's per-page lookups and record writes, when it gives them."""
        from openingup.harvest.records import ACTIVE, Outcome, content_hash, keep
        from openingup.reports.models import ServiceRequest
        from openingup.reports.services import harvested

        remote_id = item.remote_id[:200]
        if known is not None:
            existing = known.records.get(item.remote_id[:500])
        else:
            existing = HarvestRecord.objects.filter(source=source, remote_id=item.remote_id[:500]).first()
        page = () if known is None else (known,)  # records written at the page's end
        digest = content_hash(item.record) if item.record is not None else ""
        if (
            item.record is not None
            and existing is not None
            and existing.content_hash == digest
            and existing.status in ACTIVE
            and ServiceRequest.objects.filter(harvest_source=source, remote_id=remote_id).exists()
        ):
            return Outcome(HarvestRecord.Status.UNCHANGED)
        problem = item.problem or ("" if item.record is not None else "no record")
        if not problem and source.organisation is None:
            problem = "the source has no organisation, which the services of harvested requests need"
        if problem:
            outcome = Outcome(HarvestRecord.Status.FAILED, problem)
            keep(source, job, item, outcome, "", *page)
            return outcome
        record = dict(item.record or {})
        warnings = list(item.warnings)
        status, warning = harvested.local_status(record["status"])
        if warning:
            warnings.append(warning)
        given = record.pop("service")
        prefix = "o311-" + hashlib.sha256(str(source.pk).encode()).hexdigest()[:6]
        with transaction.atomic():
            service = harvested.harvested_service(
                prefix=prefix,
                organisation=source.organisation,  # type: ignore[arg-type]
                remote=harvested.RemoteService(
                    code=given["code"],
                    name=given.get("name", ""),
                    description=given.get("description", ""),
                    group=given.get("group", ""),
                    keywords=tuple(given.get("keywords", ())),
                    type=given.get("type", ""),
                ),
            )
            values = {k: v for k, v in record.items() if k in harvested.FIELDS}
            for name in ("requested_datetime", "updated_datetime", "expected_datetime"):
                values[name] = datetime.fromisoformat(values[name]) if values.get(name) else None
            if values["requested_datetime"] is None:
                warnings.append("the request has no requested_datetime; its updated_datetime or now is used")
                del values["requested_datetime"]
            _, created = harvested.keep_harvested_request(
                source_id=source.pk,
                remote_id=remote_id,
                remote_url=item.remote_url[:2000],
                service=service,
                status=status,
                values=values,
            )
            outcome = Outcome(
                HarvestRecord.Status.CREATED if created else HarvestRecord.Status.UPDATED, warnings=warnings
            )
            keep(source, job, item, outcome, digest, *page)
        return outcome


register(Open311Harvester())
