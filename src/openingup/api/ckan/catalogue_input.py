"""CKAN's package and resource dictionaries (with ckanext-dcat's scheming names) back into our DCAT-AP
fields, leniently as CKAN is: keys we do not store (``extras``, ``author``, ``metadata_modified``, …) are
ignored; values we cannot read become Validation Errors named by the CKAN field the client sent.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from openingup.api.ckan.actions import ValidationError
from openingup.api.ckan.ckan_shapes import CKAN_FIELD, DATASET_PLAIN, DISTRIBUTION_PLAIN, lang
from openingup.catalogue.services import SHA256
from openingup.core.errors import InvalidInput
from openingup.exchange.dcat.fields import DATASET, DISTRIBUTION
from openingup.vocabularies.registry import file_type_for_extension, media_type_uri, vocabulary

_LISTS = {p.name for p in (*DATASET, *DISTRIBUTION) if p.kind in ("iri_list", "text_list")}
_VOCABULARY = {
    "themes": "data-theme",
    "language": "language",
    "frequency": "frequency",
    "access_rights": "access-right",
    "hvd_categories": "hvd-category",
    "licence": "licence",
    "availability": "planned-availability",
    "status": "distribution-status",
}
_HEX = re.compile(r"^[0-9a-fA-F]+$")
# What package_update clears when the client leaves it out (title is required; dates are kept).
DATASET_MAPPED = (
    "description",
    "keywords",
    "themes",
    "landing_page",
    "identifier",
    "other_identifiers",
    "contact_points",
    "temporal",
    "spatial",
    "provenance",
    "version_notes",
    *[k for k in DATASET_PLAIN if k not in ("issued", "modified")],
)


@contextmanager
def ckan_errors(prefix: str = "") -> Iterator[None]:
    """The services' InvalidInput as CKAN's Validation Error, keyed by the CKAN field names."""
    try:
        yield
    except InvalidInput as exc:
        errors: dict[str, list[str]] = {}
        for problem in exc.problems:
            head, _, rest = problem.field.partition(".")
            name = "resources" if head == "distributions" else prefix + CKAN_FIELD.get(head, head)
            errors.setdefault(name, []).append(f"{rest + ': ' if rest else ''}{problem.problem}")
        raise ValidationError(errors or {"message": [exc.message]}) from None


def _json(value: Any) -> Any:
    if isinstance(value, str) and value.strip()[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except (ValueError, RecursionError):
            return value
    return value


def _texts(params: dict[str, Any], plain: str, translated: str) -> dict[str, str] | None:
    """A multilingual text from ``<name>_translated`` (a dict) and/or ``<name>`` (the default language)."""
    out: dict[str, str] = {}
    many = _json(params.get(translated))
    if isinstance(many, dict):
        out.update({str(k): str(v) for k, v in many.items() if isinstance(v, str | int | float) and v != ""})
    one = params.get(plain)
    if isinstance(one, dict):
        out.update({str(k): str(v) for k, v in one.items() if v})
    elif isinstance(one, str | int | float) and not isinstance(one, bool) and one != "":
        out.setdefault(lang(), str(one))
    if plain not in params and translated not in params:
        return None
    return out


def _uri(field: str, value: Any) -> Any:
    if not isinstance(value, str) or value.startswith(("http://", "https://")) or field not in _VOCABULARY:
        return value
    found = vocabulary(_VOCABULARY[field]).by_code(value.strip().upper())
    return found.uri if found else value


def _plain(ours: str, value: Any) -> Any:
    value = _json(value)
    if ours in _LISTS:
        if value in (None, ""):
            return []
        items = value if isinstance(value, list) else [value]
        return [_uri(ours, v) for v in items]
    return _uri(ours, value)


def _tags(params: dict[str, Any]) -> dict[str, list[str]] | None:
    out: dict[str, list[str]] = {}
    given = False
    tags = _json(params.get("tags"))
    if "tags" in params:
        given = True
        for tag in tags if isinstance(tags, list) else []:
            name = tag.get("name") if isinstance(tag, dict) else tag
            if isinstance(name, str) and name.strip():
                out.setdefault(lang(), []).append(name.strip())
    if isinstance(params.get("tag_string"), str):
        given = True
        out.setdefault(lang(), []).extend(t.strip() for t in params["tag_string"].split(",") if t.strip())
    translated = _json(params.get("tags_translated"))
    if isinstance(translated, dict):
        given = True
        for code, words in translated.items():
            if isinstance(words, list):
                out[str(code)] = [str(w) for w in words if str(w).strip()]
    return out if given else None


def _themes(params: dict[str, Any]) -> list[str] | None:
    if "groups" not in params and "theme" not in params:
        return None
    out: list[str] = []
    groups = _json(params.get("groups"))
    for group in groups if isinstance(groups, list) else []:
        name = group.get("name") or group.get("id") if isinstance(group, dict) else group
        if isinstance(name, str):
            out.append(_uri("themes", name))
    out += _plain("themes", params.get("theme"))
    return list(dict.fromkeys(out))


def _dicts(value: Any) -> list[dict[str, Any]]:
    value = _json(value)
    if isinstance(value, dict):
        value = [value]
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _mail(value: Any) -> str:
    text = str(value or "").strip()
    return text if not text or text.startswith("mailto:") else f"mailto:{text}"


def dataset_data(params: dict[str, Any]) -> dict[str, Any]:
    """Our dataset fields from a CKAN package dictionary: only those the client sent."""
    data: dict[str, Any] = {}
    for ours, plain, translated in (
        ("title", "title", "title_translated"),
        ("description", "notes", "notes_translated"),
    ):
        texts = _texts(params, plain, translated)
        if texts is not None:
            data[ours] = texts
    keywords = _tags(params)
    if keywords is not None:
        data["keywords"] = keywords
    themes = _themes(params)
    if themes is not None:
        data["themes"] = themes
    for ours, theirs in DATASET_PLAIN.items():
        if theirs in params and ours != "themes":
            data[ours] = _plain(ours, params[theirs])
    if "url" in params:
        data["landing_page"] = [params["url"]] if params["url"] else []
    if "identifier" in params:
        data["identifier"] = [str(params["identifier"])] if params["identifier"] else []
    if "alternate_identifier" in params:
        names = _json(params["alternate_identifier"])
        data["other_identifiers"] = [
            {"notation": str(n)} for n in (names if isinstance(names, list) else [names]) if n
        ]
    if "contact" in params:
        data["contact_points"] = [
            {
                k: v
                for k, v in {
                    "fn": _texts(c, "name", "name_translated") or {},
                    "email": _mail(c.get("email")),
                    "url": c.get("url") or "",
                }.items()
                if v
            }
            for c in _dicts(params["contact"])
        ]
    if "temporal_coverage" in params:
        data["temporal"] = [
            {k: str(t[k]) for k in ("start", "end") if t.get(k)} for t in _dicts(params["temporal_coverage"])
        ]
    if "spatial_coverage" in params:
        data["spatial"] = [
            {
                k: v
                for k, v in {
                    "label": _texts(s, "text", "text_translated") or {},
                    "geometry": s.get("geom") or "",
                    "bbox": s.get("bbox") or "",
                    "centroid": s.get("centroid") or "",
                }.items()
                if v
            }
            for s in _dicts(params["spatial_coverage"])
        ]
    if "provenance" in params:
        texts = _texts({"p": _json(params["provenance"])}, "p", "-")
        data["provenance"] = [{"label": texts}] if texts else []
    if "version_notes" in params:
        data["version_notes"] = _texts({"v": _json(params["version_notes"])}, "v", "-") or {}
    return data


def licence_uri(value: Any) -> str:
    return str(_uri("licence", str(value).strip())) if value not in (None, "") else ""


def resource_data(params: dict[str, Any]) -> dict[str, Any]:
    """Our distribution fields from a CKAN resource dictionary."""
    data: dict[str, Any] = {}
    for ours, plain, translated in (
        ("title", "name", "name_translated"),
        ("description", "description", "description_translated"),
    ):
        texts = _texts(params, plain, translated)
        if texts is not None:
            data[ours] = texts
    url = params.get("url")
    if isinstance(url, str) and url.strip():
        data["access_url"] = [params.get("access_url") or url.strip()]
        data["download_url"] = [params.get("download_url") or url.strip()]
    fmt = params.get("format")
    if isinstance(fmt, str) and fmt.strip():
        found = vocabulary("file-type").by_code(fmt.strip().upper()) or file_type_for_extension(fmt.strip())
        data["format"] = fmt if fmt.startswith(("http://", "https://")) else found.uri if found else ""
        if not data["format"]:
            del data["format"]
    mimetype = params.get("mimetype")
    if isinstance(mimetype, str) and "/" in mimetype:
        data["media_type"] = mimetype if mimetype.startswith("http") else media_type_uri(mimetype)
    size = params.get("size")
    if isinstance(size, int) and not isinstance(size, bool) and size >= 0:
        data["byte_size"] = size
    digest = params.get("hash")
    if isinstance(digest, str) and _HEX.match(digest):
        data["checksum"] = {"algorithm": SHA256, "value": digest.lower()}
    for ours, theirs in DISTRIBUTION_PLAIN.items():
        if theirs in params:
            data[ours] = _plain(ours, params[theirs])
    if "licence" in data:
        data["licence"] = licence_uri(data["licence"])
    return data
