"""DCAT-AP-SE 3.0.1 (DIGG): where it differs from DCAT-AP 3.0.1.

DIGG publishes no SHACL; its RDForms bundle (``dcat-ap-se-3.0.1-bundle.json``) gives cardinalities
and value lists:

* ``dct:format`` is a media type written as text (``"text/csv"``), as in DIGG's examples - the
  distribution's media type, else the one of its EU file type;
* licences are Creative Commons URIs (``http://creativecommons.org/licenses/by/4.0/``) - EU licence
  concepts are written as their Creative Commons equivalent (``skos:exactMatch`` in the licence
  vocabulary) where there is one;
* a contact point is a ``vcard:Organization`` or ``vcard:Individual`` (one ``rdf:type``) - the
  platform's contact points are organisational;
* the update frequency is one of the 22 EU frequencies DCAT-AP-SE lists - any other (five-yearly,
  say) is written as ``OTHER``, the EU concept for "a frequency not covered by the others".

DCAT-AP-SE asks for CC0 on the catalogue's own metadata; the licence the publisher chose is kept,
never replaced.
"""

from __future__ import annotations

from openingup.exchange.dcat.fields import P
from openingup.exchange.dcat.profiles.base import Profile, Record, map_iris, typed

CREATIVE_COMMONS = "http://creativecommons.org/"
FREQUENCY = "http://publications.europa.eu/resource/authority/frequency/"
# The EU frequencies DCAT-AP-SE 3.0.1 offers (its RDForms bundle, dcat:dcterms:accrualPeriodicity_da).
SE_FREQUENCIES = frozenset(
    [
        "CONT",
        "UPDATE_CONT",
        "DAILY_2",
        "DAILY",
        "WEEKLY_3",
        "WEEKLY_2",
        "WEEKLY",
        "MONTHLY_3",
        "BIWEEKLY",
        "MONTHLY_2",
        "MONTHLY",
        "BIMONTHLY",
        "QUARTERLY",
        "ANNUAL_3",
        "ANNUAL_2",
        "ANNUAL",
        "BIENNIAL",
        "TRIENNIAL",
        "IRREG",
        "OTHER",
        "UNKNOWN",
        "NEVER",
    ]
)


def frequency(iri: str) -> str:
    if not iri.startswith(FREQUENCY) or iri[len(FREQUENCY) :] in SE_FREQUENCIES:
        return iri
    return FREQUENCY + "OTHER"


def licence(iri: str) -> str:
    from openingup.vocabularies.registry import vocabulary

    concept = vocabulary("licence").get(iri)
    matches = concept.extra.get("exact_match", ()) if concept is not None else ()
    return next((m for m in matches if m.startswith(CREATIVE_COMMONS)), iri)


def _media_type(iri: str) -> str | None:
    from openingup.vocabularies.registry import MEDIA_TYPE_BASE, media_type_for_file_type

    if iri.startswith(MEDIA_TYPE_BASE):
        return iri[len(MEDIA_TYPE_BASE) :]
    return media_type_for_file_type(iri)


def format_as_media_type(kind: str, record: Record) -> Record:
    """``dct:format`` as ``type/subtype`` text; a format without a known media type is left out."""
    value = record.get("format")
    if not value or kind not in ("distribution", "data_service"):
        return record
    if kind == "distribution":
        text = _media_type(record.get("media_type") or "") or _media_type(value)
        return {**record, "format": text or None}
    return {**record, "format": sorted({t for t in map(_media_type, value) if t})}


PROFILE = Profile(
    code="se",
    title="DCAT-AP-SE 3.0.1",
    uri="https://docs.dataportal.se/dcat/en/",
    rows={
        "distribution": (P("format", "dct:format", "text"),),
        "data_service": (P("format", "dct:format", "text_list"),),
    },
    prepare=(
        format_as_media_type,
        map_iris(("licence",), licence),
        map_iris(("frequency",), frequency),
    ),
    describe=(typed({"vcard:Kind": "vcard:Organization"}, replace=True),),
    notes=(
        "dct:format as a media type text (text/csv)",
        "licences as Creative Commons URIs where the EU licence has one",
        "contact points typed vcard:Organization",
        "frequencies DCAT-AP-SE does not list written as OTHER",
    ),
)
