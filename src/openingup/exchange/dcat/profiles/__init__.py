"""National DCAT-AP profiles: how a record is written for DCAT-AP-NL, -NO, -DK or -SE.

``get(code)`` returns the :class:`~.base.Profile` for ``nl``, ``no``, ``dk`` or ``se``; the writers
take it as their ``profile`` argument. No profile (``None``, or ``""`` from a request) is plain
DCAT-AP 3.0.1.
"""

from __future__ import annotations

from openingup.exchange.dcat.profiles import dk, nl, no, se
from openingup.exchange.dcat.profiles.base import Profile

__all__ = ["CODES", "PROFILES", "Profile", "UnknownProfile", "from_accept_profile", "get"]

PROFILES: dict[str, Profile] = {p.code: p for p in (nl.PROFILE, no.PROFILE, dk.PROFILE, se.PROFILE)}
CODES: tuple[str, ...] = tuple(PROFILES)


class UnknownProfile(ValueError):
    """A profile code that is not one of :data:`CODES`."""


def get(code: str | None) -> Profile | None:
    """The profile called ``code``; None for plain DCAT-AP (no code or an empty one)."""
    if not code:
        return None
    try:
        return PROFILES[code.strip().lower()]
    except KeyError:
        shown = code[:40]
        raise UnknownProfile(
            f"unknown profile {shown!r}; the known profiles are {', '.join(CODES)} "
            "(leave it out for plain DCAT-AP 3.0.1)"
        ) from None


def from_accept_profile(header: str) -> Profile | None:
    """The most preferred known profile of an ``Accept-Profile`` header (W3C Content Negotiation by
    Profile: ``<uri>;q=0.9, <uri>``); None when it names none of them (plain DCAT-AP is served)."""
    by_uri = {p.uri.rstrip("/"): p for p in PROFILES.values()}
    ranked: list[tuple[float, int, Profile]] = []
    for position, part in enumerate(header.split(",")):
        uri, _, params = part.strip().partition(";")
        profile = by_uri.get(uri.strip().strip("<>").rstrip("/"))
        if profile is None:
            continue
        quality = 1.0
        for param in params.split(";"):
            name, _, value = param.strip().partition("=")
            if name.strip() == "q":
                try:
                    quality = float(value)
                except ValueError:
                    quality = 0.0
        if quality > 0:
            ranked.append((-quality, position, profile))
    return min(ranked, key=lambda r: (r[0], r[1]))[2] if ranked else None
