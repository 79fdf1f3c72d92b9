"""Photos citizens add to a report: checked, re-encoded without their metadata, and stored.

:func:`read_photo` takes the uploaded bytes, refuses what is not a photo, too large a file, or too many
pixels (an image bomb: a small file that would decode to gigabytes), reads the GPS position from the
EXIF data, and re-encodes the pixels as a fresh JPEG, so that every other piece of EXIF, XMP or
comment (camera serial, time, owner name) is gone. :func:`store_photo` keeps the result in the file
storage under an unguessable name; :func:`open_photo` reads it back for the public photo URL;
:func:`remove_unused` deletes the photos of forms never sent (``openingup photos clean``, daily).
"""

from __future__ import annotations

import io
import math
import re
import secrets
import warnings
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import IO, Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps, UnidentifiedImageError

from openingup import config

FOLDER = "reports/photos"
FORMATS = ("JPEG", "PNG", "WEBP", "GIF")
LONGEST_SIDE = 2048  # stored photos are scaled down to this: enough to see a pothole, small to serve
NAME = re.compile(r"^[A-Za-z0-9_-]{22}\.jpg$")
_GPS_IFD = 0x8825


class PhotoError(ValueError):
    """The upload cannot be used as a photo; the message says why, for the person who sent it."""


@dataclass(frozen=True)
class Photo:
    jpeg: bytes
    width: int
    height: int
    lat: float | None = None
    long: float | None = None


def max_bytes() -> int:
    return config.get_int("OPENINGUP_REPORT_PHOTO_MAX_MB") * 1024 * 1024


def max_pixels() -> int:
    return config.get_int("OPENINGUP_REPORT_PHOTO_MAX_PIXELS")


def _degrees(value: Any, ref: Any) -> float | None:
    """EXIF degrees, minutes, seconds (three rationals) and N/S/E/W as signed decimal degrees."""
    try:
        d, m, s = (float(part) for part in value)
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    result = d + m / 60 + s / 3600
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    if str(ref).strip().upper() in ("S", "W"):
        result = -result
    return result if math.isfinite(result) else None


def gps_position(image: Image.Image) -> tuple[float, float] | None:
    """The (lat, long) the camera wrote into the EXIF GPS tags, or None when absent or unusable."""
    try:
        gps = image.getexif().get_ifd(_GPS_IFD)
    except Exception:  # broken EXIF blocks are common; a photo without a position is still a photo
        return None
    lat = _degrees(gps.get(2), gps.get(1)) if gps.get(2) else None
    long = _degrees(gps.get(4), gps.get(3)) if gps.get(4) else None
    if lat is None or long is None or not (-90 <= lat <= 90 and -180 <= long <= 180):
        return None
    if lat == 0 and long == 0:  # cameras without a fix write zeros
        return None
    return round(lat, 7), round(long, 7)


def read_photo(data: IO[bytes] | bytes, *, size: int | None = None) -> Photo:
    """Check and clean one uploaded photo; raises :class:`PhotoError` naming the problem."""
    raw = data if isinstance(data, bytes) else None
    limit = max_bytes()
    length = len(raw) if raw is not None else size
    if length is not None and length > limit:
        raise PhotoError(
            _("The photo is %(size)s MB; photos may be at most %(limit)s MB.")
            % {"size": f"{length / 1048576:.1f}", "limit": limit // 1048576}
        )
    if raw is None:
        raw = data.read(limit + 1)  # type: ignore[union-attr]
        if len(raw) > limit:
            raise PhotoError(
                _("The photo is larger than %(limit)s MB, the most a photo may be.")
                % {"limit": limit // 1048576}
            )
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(raw), formats=FORMATS)
            pixels = image.width * image.height
            if pixels > max_pixels():
                raise PhotoError(
                    _("The image is %(width)s × %(height)s pixels; at most %(limit)s pixels are accepted.")
                    % {"width": image.width, "height": image.height, "limit": f"{max_pixels():,}"}
                )
            position = gps_position(image)
            image.load()
            clean = ImageOps.exif_transpose(image).convert("RGB")
    except PhotoError:
        raise
    except (UnidentifiedImageError, Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
        if isinstance(exc, UnidentifiedImageError):
            raise PhotoError(_("The file is not a photo: use a JPEG, PNG, WebP or GIF image.")) from None
        raise PhotoError(
            _("The image has far more pixels than the %(limit)s pixels that are accepted.")
            % {"limit": f"{max_pixels():,}"}
        ) from None
    except (OSError, SyntaxError, ValueError) as exc:
        raise PhotoError(_("The photo could not be read: %(reason)s") % {"reason": exc}) from None
    clean.thumbnail((LONGEST_SIDE, LONGEST_SIDE))
    out = io.BytesIO()
    clean.save(out, "JPEG", quality=85, optimize=True)  # no exif=, icc_profile= or xmp=: nothing copied
    lat, long = position if position else (None, None)
    return Photo(jpeg=out.getvalue(), width=clean.width, height=clean.height, lat=lat, long=long)


def store_photo(photo: Photo) -> str:
    """Save the cleaned photo under a new unguessable name; returns the name (``….jpg``)."""
    name = f"{secrets.token_urlsafe(16)}.jpg"
    default_storage.save(f"{FOLDER}/{name}", ContentFile(photo.jpeg))
    return name


def is_photo_name(name: str) -> bool:
    return bool(NAME.match(name or ""))


def remove_unused(*, older_than: timedelta = timedelta(days=1), now: datetime | None = None) -> int:
    """Delete stored photos that no request uses and that are older than ``older_than``: those of forms
    that were never sent. Returns how many were deleted."""
    from openingup.reports.models import ServiceRequest

    cutoff = (now or timezone.now()) - older_than
    used = {
        url.rsplit("/", 1)[-1]
        for url in ServiceRequest.objects.filter(media_url__contains="/report/photos/").values_list(
            "media_url", flat=True
        )
    }
    removed = 0
    _folders, names = default_storage.listdir(FOLDER) if default_storage.exists(FOLDER) else ([], [])
    for name in names:
        path = f"{FOLDER}/{name}"
        if is_photo_name(name) and name not in used and default_storage.get_modified_time(path) < cutoff:
            default_storage.delete(path)
            removed += 1
    return removed


def open_photo(name: str) -> IO[bytes]:
    """The stored photo ``name``; FileNotFoundError when there is none (or the name is not one of ours)."""
    if not is_photo_name(name) or not default_storage.exists(f"{FOLDER}/{name}"):
        raise FileNotFoundError(name)
    return default_storage.open(f"{FOLDER}/{name}", "rb")  # type: ignore[no-any-return]
