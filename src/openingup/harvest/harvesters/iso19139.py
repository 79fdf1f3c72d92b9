"""ISO 19139 (``gmd:MD_Metadata``, and ISO 19115-2 ``gmi:MI_Metadata``) → a DCAT-AP dataset record,
following GeoDCAT-AP's mapping for the core fields.

title, abstract → dct:title, dct:description (in the metadata language); keywords → dcat:keyword;
bounding box → dct:spatial (dcat:bbox as WKT); temporal extent → dct:temporal; citation dates
(publication or creation; revision) → dct:issued, dct:modified; the point of contact → dcat:contactPoint
and the party with role publisher → dct:publisher; online resources → distributions (dcat:accessURL);
an anchored licence → dct:license on each distribution and text constraints → dct:rights; lineage →
dct:provenance; maintenance frequency → dct:accrualPeriodicity; resource language → dct:language.
"""

from __future__ import annotations

from typing import Any
from xml.etree.ElementTree import Element

from openingup.vocabularies.registry import vocabulary

NS = {
    "gmd": "http://www.isotc211.org/2005/gmd",
    "gco": "http://www.isotc211.org/2005/gco",
    "gmx": "http://www.isotc211.org/2005/gmx",
    "gmi": "http://www.isotc211.org/2005/gmi",
    "srv": "http://www.isotc211.org/2005/srv",
    "xlink": "http://www.w3.org/1999/xlink",
}
GML = ("http://www.opengis.net/gml/3.2", "http://www.opengis.net/gml")
ROOTS = (f"{{{NS['gmd']}}}MD_Metadata", f"{{{NS['gmi']}}}MI_Metadata")
EU = "http://publications.europa.eu/resource/authority/"
# ISO 639-2/B codes that differ from the 639-2/T codes the EU language table uses.
BIBLIOGRAPHIC = {
    "fre": "fra",
    "ger": "deu",
    "dut": "nld",
    "cze": "ces",
    "gre": "ell",
    "slo": "slk",
    "rum": "ron",
    "ice": "isl",
    "wel": "cym",
    "baq": "eus",
    "alb": "sqi",
    "arm": "hye",
    "chi": "zho",
    "per": "fas",
    "mac": "mkd",
    "may": "msa",
    "bur": "mya",
    "geo": "kat",
    "tib": "bod",
}
FREQUENCY = {
    "continual": "UPDATE_CONT",
    "daily": "DAILY",
    "weekly": "WEEKLY",
    "fortnightly": "BIWEEKLY",
    "monthly": "MONTHLY",
    "quarterly": "QUARTERLY",
    "biannually": "ANNUAL_2",
    "annually": "ANNUAL",
    "asNeeded": "IRREG",
    "irregular": "IRREG",
    "notPlanned": "NEVER",
    "unknown": "UNKNOWN",
}


class NotADataset(ValueError):
    """The record describes something other than a dataset or series (a service, say)."""


def _text(element: Element | None) -> str:
    """The text of a gco:CharacterString, gmx:Anchor, gmd:URL, gco:Date… child (or of the element)."""
    if element is None:
        return ""
    for child in element:
        if child.text and child.text.strip():
            return child.text.strip()
    return (element.text or "").strip()


def _all(element: Element, path: str) -> list[Element]:
    return element.findall(path, NS)


def _one(element: Element, path: str) -> str:
    return _text(element.find(path, NS))


def _code(element: Element, path: str) -> str:
    found = element.find(path, NS)
    return (found.get("codeListValue") or found.text or "").strip() if found is not None else ""


def language(code: str) -> tuple[str, str]:
    """(EU language IRI, ISO 639-1 code) for an ISO 639-2 code such as ``fre`` or ``eng; USA``."""
    three = code.split(";")[0].strip().lower()[:3]
    concept = vocabulary("language").by_code(BIBLIOGRAPHIC.get(three, three).upper()) if three else None
    if concept is None:
        return "", ""
    return concept.uri, str(concept.extra.get("iso_639_1") or "")


def _party(party: Element, lang: str) -> tuple[dict[str, Any], str]:
    """A CI_ResponsibleParty as a contact point, and its role code."""
    org = _one(party, "gmd:organisationName")
    person = _one(party, "gmd:individualName")
    email = _one(party, "gmd:contactInfo/gmd:CI_Contact/gmd:address/gmd:CI_Address/gmd:electronicMailAddress")
    url = _one(party, "gmd:contactInfo/gmd:CI_Contact/gmd:onlineResource/gmd:CI_OnlineResource/gmd:linkage")
    phone = _one(party, "gmd:contactInfo/gmd:CI_Contact/gmd:phone/gmd:CI_Telephone/gmd:voice")
    contact: dict[str, Any] = {}
    if person or org:
        contact["fn"] = {lang: person or org}
    if org:
        contact["organisation_name"] = {lang: org}
    if email:
        contact["email"] = email if email.startswith("mailto:") else f"mailto:{email}"
    if url.startswith(("http://", "https://")):
        contact["url"] = url
    if phone:
        contact["telephone"] = "tel:" + "".join(c for c in phone if c.isdigit() or c == "+")
    return contact, _code(party, "gmd:role/gmd:CI_RoleCode")


def _bbox(box: Element) -> str:
    values = [
        _one(box, f"gmd:{side}")
        for side in ("westBoundLongitude", "eastBoundLongitude", "southBoundLatitude", "northBoundLatitude")
    ]
    try:
        w, e, s, n = (float(v) for v in values)
    except ValueError:
        return ""
    return f"POLYGON(({w} {s},{e} {s},{e} {n},{w} {n},{w} {s}))"


def _period(extent: Element) -> dict[str, str]:
    for gml in GML:
        period = extent.find(f".//{{{gml}}}TimePeriod")
        if period is not None:
            out = {}
            for key, tag in (("start", "beginPosition"), ("end", "endPosition")):
                found = period.find(f"{{{gml}}}{tag}")
                value = (found.text or "").strip() if found is not None else ""
                if value[:4].isdigit():
                    out[key] = value
            return out
    return {}


def _distributions(
    root: Element, lang: str, licence: str, rights: dict[str, Any] | None
) -> list[dict[str, Any]]:
    formats = [_one(f, "gmd:name") for f in _all(root, ".//gmd:distributionFormat/gmd:MD_Format")]
    file_type = next(
        (c.uri for n in formats if n and (c := vocabulary("file-type").by_code(n.strip().upper()))), ""
    )
    out = []
    for resource in _all(root, "gmd:distributionInfo//gmd:onLine/gmd:CI_OnlineResource"):
        url = _one(resource, "gmd:linkage")
        if not url.startswith(("http://", "https://")):
            continue
        dist: dict[str, Any] = {"access_url": [url]}
        name, description = _one(resource, "gmd:name"), _one(resource, "gmd:description")
        if name:
            dist["title"] = {lang: name}
        if description:
            dist["description"] = {lang: description}
        if _code(resource, "gmd:function/gmd:CI_OnLineFunctionCode") == "download":
            dist["download_url"] = [url]
        if file_type:
            dist["format"] = file_type
        if licence:
            dist["licence"] = licence
        if rights:
            dist["rights"] = rights
        out.append(dist)
    return out


def _constraints(ident: Element, lang: str) -> tuple[str, dict[str, Any] | None, str]:
    """(licence IRI, rights statement, access-rights IRI) from the resource constraints."""
    licence, texts, access = "", [], ""
    for constraint in _all(ident, "gmd:resourceConstraints/*"):
        for other in _all(constraint, "gmd:otherConstraints"):
            anchor = other.find("gmx:Anchor", NS)
            href = anchor.get(f"{{{NS['xlink']}}}href", "") if anchor is not None else ""
            if "INSPIRE/LimitationsOnPublicAccess/noLimitations" in href:
                access = EU + "access-right/PUBLIC"
            elif (
                href.startswith(("http://", "https://"))
                and not licence
                and "LimitationsOnPublicAccess" not in href
            ):
                licence = href
            if _text(other):
                texts.append(_text(other))
        texts += [_text(u) for u in _all(constraint, "gmd:useLimitation") if _text(u)]
    rights = {"label": {lang: "\n".join(dict.fromkeys(texts))}} if texts else None
    return licence, rights, access


def dataset_record(root: Element) -> tuple[str, dict[str, Any]]:
    """(file identifier, dataset record) of one ISO 19139 record; NotADataset for services and the like."""
    if root.tag not in ROOTS:
        raise NotADataset(f"{root.tag} is not an ISO 19139 MD_Metadata record")
    file_id = _one(root, "gmd:fileIdentifier")
    scope = _code(root, "gmd:hierarchyLevel/gmd:MD_ScopeCode") or "dataset"
    ident = root.find("gmd:identificationInfo/gmd:MD_DataIdentification", NS)
    if ident is None:
        ident = root.find("gmd:identificationInfo/*", NS)
    if (
        scope not in ("dataset", "series", "nonGeographicDataset")
        or ident is None
        or ident.tag.endswith("SV_ServiceIdentification")
    ):
        raise NotADataset(
            f"the record describes a {scope}, not a dataset; only datasets and series are harvested"
        )
    lang_uri, lang = language(
        _code(ident, "gmd:language/gmd:LanguageCode")
        or _one(ident, "gmd:language")
        or _code(root, "gmd:language/gmd:LanguageCode")
    )
    citation = ident.find("gmd:citation/gmd:CI_Citation", NS)
    record: dict[str, Any] = {}
    if citation is not None:
        record["title"] = {lang: t} if (t := _one(citation, "gmd:title")) else {}
        dates: dict[str, str] = {}
        for date in _all(citation, "gmd:date/gmd:CI_Date"):
            dates.setdefault(_code(date, "gmd:dateType/gmd:CI_DateTypeCode"), _one(date, "gmd:date"))
        issued = dates.get("publication") or dates.get("creation")
        if issued:
            record["issued"] = issued
        if dates.get("revision"):
            record["modified"] = dates["revision"]
        codes = [_one(i, "gmd:code") for i in _all(citation, "gmd:identifier/*")]
        record["identifier"] = [c for c in codes if c] or ([file_id] if file_id else [])
    if abstract := _one(ident, "gmd:abstract"):
        record["description"] = {lang: abstract}
    words = [_text(k) for k in _all(ident, "gmd:descriptiveKeywords/gmd:MD_Keywords/gmd:keyword") if _text(k)]
    if words:
        record["keywords"] = {lang: list(dict.fromkeys(words))}
    if lang_uri:
        record["language"] = [lang_uri]
    spatial = [{"bbox": wkt} for box in _all(ident, ".//gmd:EX_GeographicBoundingBox") if (wkt := _bbox(box))]
    if spatial:
        record["spatial"] = spatial
    periods = [p for e in _all(ident, ".//gmd:temporalElement") if (p := _period(e))]
    if periods:
        record["temporal"] = periods
    parties = [_party(p, lang) for p in _all(ident, "gmd:pointOfContact/gmd:CI_ResponsibleParty")]
    contacts = [c for c, role in parties if c and role != "publisher"] or [c for c, _ in parties if c]
    if contacts:
        record["contact_points"] = contacts
    publisher = next(
        (c["organisation_name"] for c, role in parties if role == "publisher" and c.get("organisation_name")),
        None,
    )
    if publisher:
        record["publisher"] = {"name": publisher}
    frequency = FREQUENCY.get(
        _code(
            ident,
            "gmd:resourceMaintenance/gmd:MD_MaintenanceInformation/gmd:maintenanceAndUpdateFrequency/gmd:MD_MaintenanceFrequencyCode",
        )
    )
    if frequency:
        record["frequency"] = EU + "frequency/" + frequency
    lineage = _one(root, "gmd:dataQualityInfo/gmd:DQ_DataQuality/gmd:lineage/gmd:LI_Lineage/gmd:statement")
    if lineage:
        record["provenance"] = [{"label": {lang: lineage}}]
    licence, rights, access = _constraints(ident, lang)
    if access:
        record["access_rights"] = access
    record["distributions"] = _distributions(root, lang, licence, rights)
    return file_id, record
