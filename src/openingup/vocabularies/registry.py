"""Read-only access to the controlled vocabularies shipped in ``data/<name>.json``.

The files are written by ``scripts/derive_vocabularies.py`` from the EU Publications Office
authority tables, the data.europa.eu extensions and the IANA media type registry. Every concept
has a label in each of :data:`LANGUAGES`.
"""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from types import MappingProxyType
from typing import Any

LANGUAGES = ("en", "nl", "fr", "de", "da", "sv", "nb")
NAMES = (
    "data-theme",
    "file-type",
    "media-type",
    "language",
    "licence",
    "frequency",
    "access-right",
    "planned-availability",
    "distribution-status",
    "hvd-category",
    "publisher-type",
)
# Written by the project, not derived from the reference files (no official file is available here).
PROJECT_WRITTEN = ("publisher-type",)
MEDIA_TYPE_BASE = "https://www.iana.org/assignments/media-types/"
_CORE_KEYS = {"code", "uri", "labels"}
_LANGUAGE_ALIASES = {"no": "nb", "nn": "nb"}


def normalise(uri: str) -> str:
    """The key URIs are compared by: no http(s) scheme, no trailing slash, case-folded."""
    key = uri.strip()
    for prefix in ("https://", "http://"):
        if key[: len(prefix)].lower() == prefix:
            key = key[len(prefix) :]
            break
    return key.rstrip("/").casefold()


def _language(lang: str) -> str:
    primary = lang.replace("_", "-").split("-", 1)[0].lower()
    return _LANGUAGE_ALIASES.get(primary, primary)


def _sort_key(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


@dataclass(frozen=True)
class Concept:
    uri: str
    code: str
    labels: Mapping[str, str] = field(compare=False)
    extra: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def label(self, lang: str) -> str:
        """The label in ``lang`` (``nl``, ``nl-BE``, ``no`` ...), else in English, else the code."""
        return self.labels.get(_language(lang)) or self.labels.get("en") or self.code


@dataclass(frozen=True)
class Vocabulary:
    name: str
    scheme: str
    concepts: tuple[Concept, ...]
    namespace: str = ""
    deprecated: tuple[str, ...] = ()
    unlabelled: frozenset[str] = frozenset()
    _by_uri: dict[str, Concept] = field(init=False, repr=False, compare=False)
    _by_code: dict[str, Concept] = field(init=False, repr=False, compare=False)
    _by_alias: dict[str, Concept] = field(init=False, repr=False, compare=False)
    _deprecated: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_deprecated", frozenset(normalise(uri) for uri in self.deprecated))
        object.__setattr__(self, "_by_uri", {normalise(c.uri): c for c in self.concepts})
        object.__setattr__(self, "_by_code", {c.code.casefold(): c for c in self.concepts})
        aliases = {
            normalise(alias): c
            for c in self.concepts
            for key in ("exact_match", "aliases")
            for alias in c.extra.get(key, ())
        }
        object.__setattr__(self, "_by_alias", aliases)

    def get(self, uri: str) -> Concept | None:
        """The concept with this URI; http/https, a trailing slash and case do not matter."""
        return self._by_uri.get(normalise(uri))

    def __contains__(self, uri: object) -> bool:
        """Whether ``uri`` is a current URI of the official table (labelled here or not)."""
        if not isinstance(uri, str):
            return False
        return self.get(uri) is not None or self._unlabelled_code(uri) in self.unlabelled

    def _unlabelled_code(self, uri: str) -> str | None:
        namespace = normalise(self.namespace)
        key = normalise(uri)
        if not self.unlabelled or not namespace or not key.startswith(namespace + "/"):
            return None
        return key[len(namespace) + 1 :].upper()

    def __iter__(self) -> Iterator[Concept]:
        return iter(self.concepts)

    def __len__(self) -> int:
        return len(self.concepts)

    def by_code(self, code: str) -> Concept | None:
        """The concept with this code (``CSV``, ``CC_BY_4_0``, ``text/csv`` ...), any case."""
        return self._by_code.get(code.strip().casefold())

    def resolve(self, uri: str) -> Concept | None:
        """Like :meth:`get`, also following equivalent and legacy URIs (skos:exactMatch,
        owl:sameAs, DCAT-AP 2 availability URIs), e.g. a creativecommons.org licence URI."""
        return self.get(uri) or self._by_alias.get(normalise(uri))

    def is_deprecated(self, uri: str) -> bool:
        """Whether ``uri`` is a deprecated concept of the table (not offered any more)."""
        return normalise(uri) in self._deprecated

    def choices(self, lang: str) -> list[tuple[str, str]]:
        """``(uri, label)`` pairs sorted by label, for form selects."""
        pairs = [(c.uri, c.label(lang)) for c in self.concepts]
        return sorted(pairs, key=lambda pair: (_sort_key(pair[1]), pair[0]))


def _concept(item: Mapping[str, Any]) -> Concept:
    extra = {key: value for key, value in item.items() if key not in _CORE_KEYS}
    return Concept(
        uri=item["uri"],
        code=item["code"],
        labels=MappingProxyType(dict(item["labels"])),
        extra=MappingProxyType(extra),
    )


@cache
def vocabulary(name: str) -> Vocabulary:
    """The vocabulary called ``name`` (one of :func:`names`), loaded once."""
    if name not in NAMES:
        raise KeyError(f"unknown vocabulary {name!r}; the vocabularies are: {', '.join(NAMES)}")
    path = resources.files("openingup.vocabularies").joinpath("data", f"{name}.json")
    data = json.loads(path.read_text(encoding="utf-8"))
    return Vocabulary(
        name=data["name"],
        scheme=data["scheme"],
        concepts=tuple(_concept(item) for item in data["concepts"]),
        namespace=data.get("namespace", ""),
        deprecated=tuple(data.get("deprecated", ())),
        unlabelled=frozenset(data.get("unlabelled", ())),
    )


def names() -> tuple[str, ...]:
    return NAMES


@cache
def _all_concepts() -> dict[str, Concept]:
    return {normalise(c.uri): c for name in NAMES for c in vocabulary(name)}


def concept(uri: str) -> Concept | None:
    """The concept with this URI in any vocabulary."""
    return _all_concepts().get(normalise(uri))


def label(uri: str, lang: str) -> str | None:
    """The label of the concept with this URI in any vocabulary, None if there is none."""
    found = concept(uri)
    return found.label(lang) if found else None


def _media_type_key(media_type: str) -> str:
    value = media_type.split(";", 1)[0].strip()
    if "/media-types/" in value:
        value = value.split("/media-types/", 1)[1]
    return value.rstrip("/").lower()


@cache
def _file_types_by_media_type() -> dict[str, Concept]:
    index: dict[str, Concept] = {}
    for key in ("other_media_types", "media_types"):  # registered types win
        index.update({value.lower(): c for c in vocabulary("file-type") for value in c.extra.get(key, ())})
    return index


@cache
def _file_types_by_extension() -> dict[str, Concept]:
    return {ext.lower(): c for c in vocabulary("file-type") for ext in c.extra.get("extensions", ())}


def file_type_for_media_type(media_type: str) -> Concept | None:
    """The file type (EU file-type concept) of a media type such as ``text/csv; charset=utf-8``
    or ``https://www.iana.org/assignments/media-types/text/csv``."""
    return _file_types_by_media_type().get(_media_type_key(media_type))


def media_type_for_file_type(uri: str) -> str | None:
    """The (first) IANA media type, as ``type/subtype``, of a file-type URI or code."""
    file_types = vocabulary("file-type")
    found = file_types.get(uri) or file_types.by_code(uri)
    media_types = found.extra.get("media_types", ()) if found else ()
    return media_types[0] if media_types else None


def media_type_uri(media_type: str) -> str:
    """The IANA URI DCAT-AP 3 uses for a media type (as IANA spells it when registered)."""
    key = _media_type_key(media_type)
    found = vocabulary("media-type").by_code(key)
    return found.uri if found else MEDIA_TYPE_BASE + key


def file_type_for_extension(ext: str) -> Concept | None:
    """The file type of an extension (``csv``, ``.CSV``, ``tar.gz``) or a file name
    (``data.tar.gz``): the longest known suffix wins."""
    name = ext.strip().replace("\\", "/").rsplit("/", 1)[-1].lower()
    parts = name.split(".")
    index = _file_types_by_extension()
    for start in range(len(parts)):
        found = index.get(".".join(parts[start:]))
        if found:
            return found
    return None
