"""schema.org ``Dataset`` for the dataset page, so search engines (Google Dataset Search) find it."""

from __future__ import annotations

from typing import Any

from openingup.web.presentation import concept_label, media_type_code, pick, pick_list


def _organisation(agent: dict[str, Any] | None, lang: str) -> dict[str, Any] | None:
    if not agent:
        return None
    out: dict[str, Any] = {"@type": "Organization", "name": str(pick(agent.get("name"), lang))}
    if agent.get("uri"):
        out["@id"] = agent["uri"]
    if agent.get("homepage"):
        out["url"] = agent["homepage"]
    return out


def _period(periods: list[dict[str, Any]]) -> str:
    for period in periods:
        start, end = period.get("start", ""), period.get("end", "")
        if start or end:
            return f"{start or '..'}/{end or '..'}"
    return ""


def _place(places: list[dict[str, Any]], lang: str) -> dict[str, Any] | None:
    for place in places:
        out: dict[str, Any] = {"@type": "Place"}
        if place.get("uri"):
            out["@id"] = place["uri"]
        if place.get("label"):
            out["name"] = str(pick(place["label"], lang))
        if len(out) > 1:
            return out
    return None


def _download(distribution: dict[str, Any], lang: str) -> dict[str, Any]:
    out: dict[str, Any] = {"@type": "DataDownload"}
    title = pick(distribution.get("title"), lang)
    if title:
        out["name"] = str(title)
    url = (distribution.get("download_url") or distribution.get("access_url") or [""])[0]
    if url:
        out["contentUrl"] = url
    if distribution.get("media_type"):
        out["encodingFormat"] = media_type_code(distribution["media_type"])
    elif distribution.get("format"):
        out["encodingFormat"] = concept_label("file-type", distribution["format"], "en")
    if distribution.get("licence"):
        out["license"] = distribution["licence"]
    if distribution.get("byte_size") is not None:
        out["contentSize"] = f"{distribution['byte_size']} B"
    return out


def dataset(record: dict[str, Any], url: str, lang: str) -> dict[str, Any]:
    """The schema.org description of a dataset record (see :func:`catalogue.records.dataset_record`)."""
    out: dict[str, Any] = {
        "@context": "https://schema.org/",
        "@type": "Dataset",
        "@id": record["uri"],
        "name": str(pick(record.get("title"), lang)),
        "url": url,
    }
    description = str(pick(record.get("description"), lang))
    # Google requires a description; the title stands in when the publisher gave none.
    out["description"] = description or out["name"]
    keywords = pick_list(record.get("keywords"), lang)
    if keywords:
        out["keywords"] = keywords
    distributions = record.get("distributions") or []
    licences = sorted({d["licence"] for d in distributions if d.get("licence")})
    if licences:
        out["license"] = licences[0] if len(licences) == 1 else licences
    for key in ("publisher", "creator"):
        agent = _organisation(
            record.get(key) or (record.get("publisher") if key == "creator" else None), lang
        )
        if agent:
            out[key] = agent
    temporal = _period(record.get("temporal") or [])
    if temporal:
        out["temporalCoverage"] = temporal
    place = _place(record.get("spatial") or [], lang)
    if place:
        out["spatialCoverage"] = place
    for key, target in (("issued", "datePublished"), ("modified", "dateModified")):
        if record.get(key):
            out[target] = record[key]
    if distributions:
        out["distribution"] = [_download(d, lang) for d in distributions]
    if record.get("landing_page"):
        out["sameAs"] = record["landing_page"][0]
    return out
