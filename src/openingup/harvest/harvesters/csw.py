"""OGC CSW 2.0.2: GetRecords (KVP) paged with ``startPosition``/``maxRecords``, ISO 19139 records.

Records come as ``gmd:MD_Metadata`` (mapped by :mod:`.iso19139`); servers that answer with DCAT
(GeoNetwork's ``rdf:RDF`` records) are read with the DCAT-AP parser instead. XML is parsed by
defusedxml: no DTDs, entities or external references. Paging follows ``nextRecord`` and stops (the
gathering incomplete) when it does not move forward or a page brings no record not seen before.
"""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit
from xml.etree.ElementTree import Element, tostring

from defusedxml import DefusedXmlException
from defusedxml.ElementTree import fromstring

from openingup.harvest.harvesters.base import Gathering, HarvestError, Item, Page, register
from openingup.harvest.harvesters.dcat import items_from
from openingup.harvest.harvesters.iso19139 import ROOTS, NotADataset, dataset_record

CSW = "http://www.opengis.net/cat/csw/2.0.2"
OWS = "http://www.opengis.net/ows"
RDF = "{http://www.w3.org/1999/02/22-rdf-syntax-ns#}RDF"
GMD = "http://www.isotc211.org/2005/gmd"
_OURS = {
    "service",
    "version",
    "request",
    "typenames",
    "resulttype",
    "elementsetname",
    "outputschema",
    "startposition",
    "maxrecords",
}


def records_url(url: str, start: int, size: int) -> str:
    """The GetRecords request for one page, keeping any other parameters of the source URL."""
    parts = urlsplit(url.strip())
    kept = [(k, v) for k, v in parse_qsl(parts.query) if k.lower() not in _OURS]
    query = [
        *kept,
        ("service", "CSW"),
        ("version", "2.0.2"),
        ("request", "GetRecords"),
        ("typeNames", "csw:Record"),
        ("resultType", "results"),
        ("elementSetName", "full"),
        ("outputSchema", GMD),
        ("startPosition", str(start)),
        ("maxRecords", str(size)),
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def record_by_id_url(url: str, identifier: str) -> str:
    parts = urlsplit(url.strip())
    query = [
        ("service", "CSW"),
        ("version", "2.0.2"),
        ("request", "GetRecordById"),
        ("id", identifier),
        ("outputSchema", GMD),
        ("elementSetName", "full"),
    ]
    return urlunsplit((parts.scheme, parts.netloc, parts.path, urlencode(query), ""))


def parse_xml(data: bytes, url: str) -> Element:
    try:
        return fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise HarvestError(
            f"{url}: XML refused: document type declarations and entities are not accepted"
        ) from exc
    except Exception as exc:
        raise HarvestError(f"{url}: the answer is not well-formed XML: {exc}") from exc


def _results(root: Element, url: str) -> Element:
    if root.tag == f"{{{OWS}}}ExceptionReport":
        texts = [t.text.strip() for t in root.iter(f"{{{OWS}}}ExceptionText") if t.text]
        raise HarvestError(
            f"{url}: the CSW server answered with an exception: {'; '.join(texts) or 'no text'}"
        )
    results = root.find(f"{{{CSW}}}SearchResults")
    if root.tag != f"{{{CSW}}}GetRecordsResponse" or results is None:
        raise HarvestError(
            f"{url}: the answer is not a CSW 2.0.2 GetRecordsResponse (root element {root.tag})"
        )
    return results


def _number(results: Element, name: str) -> int | None:
    value = results.get(name, "")
    return int(value) if value.strip().isdigit() else None


def page_items(results: Element, source: str, url: str) -> list[Item]:
    items: list[Item] = []
    for position, child in enumerate(results):
        if child.tag in ROOTS:
            try:
                file_id, record = dataset_record(child)
            except NotADataset as exc:
                items.append(
                    Item(
                        remote_id=_file_id(child) or f"(record {position})", problem=str(exc), remote_url=url
                    )
                )
                continue
            if not file_id:
                items.append(
                    Item(
                        remote_id=f"(record without fileIdentifier {position})",
                        remote_url=url,
                        problem="the record has no gmd:fileIdentifier, so it could not be recognised again",
                    )
                )
                continue
            record["uri"] = next(
                (i for i in record.get("identifier", []) if i.startswith(("http://", "https://"))), ""
            ) or record_by_id_url(source, file_id)
            items.append(Item(remote_id=file_id, record=record, remote_url=record_by_id_url(source, file_id)))
        elif child.tag == RDF:
            found, _, _ = items_from(tostring(child), "rdf", url)
            items.extend(found)
        else:
            items.append(
                Item(
                    remote_id=f"({child.tag.rsplit('}', 1)[-1]} {position})",
                    remote_url=url,
                    problem=f"{child.tag} records are not read; ask for outputSchema {GMD}",
                )
            )
    return items


def _file_id(element: Element) -> str:
    found = element.find(f"{{{GMD}}}fileIdentifier")
    return "".join(found.itertext()).strip() if found is not None else ""


class CswHarvester:
    type = "csw"
    label = "CSW 2.0.2 with ISO 19139 records (GeoDCAT-AP mapping)"

    def pages(self, gathering: Gathering) -> Iterator[Page]:
        start = 1
        seen: set[str] = set()
        while True:
            url = records_url(gathering.url, start, gathering.page_size)
            fetched = gathering.fetcher.get(url, accept="application/xml")
            results = _results(parse_xml(fetched.content, url), url)
            items = page_items(results, gathering.url, url)
            new = {i.remote_id for i in items} - seen
            if start > 1 and items and not new:
                gathering.stop_paging(
                    f"the page at startPosition={start} repeats earlier records only; paging stopped there"
                )
                return
            seen |= new
            matched = _number(results, "numberOfRecordsMatched")
            yield Page(url, items, matched)
            following = _number(results, "nextRecord")
            if not following or not len(results) or (matched is not None and following > matched):
                return
            if following <= start:
                gathering.stop_paging(
                    f"nextRecord={following} of the page at startPosition={start} does not move forward; "
                    "paging stopped there"
                )
                return
            start = following


register(CswHarvester())
