"""Report photos: the GPS position is read, every other piece of metadata is gone, bombs are refused."""

from __future__ import annotations

import io
from collections.abc import Iterator
from typing import Any

import pytest
from django.utils import translation
from PIL import Image

from openingup.reports import photos
from tests.reports.images import SECRETS, jpeg_with_gps, png, png_bomb


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """The reasons are translated; these tests read them in English whatever ran before."""
    with translation.override("en"):
        yield


def test_the_gps_position_is_read_and_the_rest_of_exif_is_stripped() -> None:
    original = jpeg_with_gps((52.0, 17.0, 24.0), (4.0, 28.0, 48.0))
    assert all(secret in original for secret in SECRETS)

    photo = photos.read_photo(original)

    assert (photo.lat, photo.long) == (52.29, 4.48)
    assert not any(secret in photo.jpeg for secret in SECRETS)
    cleaned = Image.open(io.BytesIO(photo.jpeg))
    assert cleaned.format == "JPEG" and dict(cleaned.getexif()) == {}
    assert (photo.width, photo.height) == (64, 48)


def test_a_photo_without_gps_has_no_position() -> None:
    photo = photos.read_photo(png())

    assert photo.lat is None and photo.long is None
    assert Image.open(io.BytesIO(photo.jpeg)).format == "JPEG"


def test_large_photos_are_scaled_down() -> None:
    photo = photos.read_photo(png((4000, 1000)))

    assert (photo.width, photo.height) == (photos.LONGEST_SIDE, 512)


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (png_bomb(8000, 8000), "8000 × 8000 pixels; at most 40,000,000 pixels are accepted"),
        (png_bomb(), "far more pixels than the 40,000,000 pixels that are accepted"),
        (b"%PDF-1.4 not a photo", "The file is not a photo"),
        (png()[:60], "could not be read"),
    ],
)
def test_bad_uploads_are_refused_with_the_reason(data: bytes, expected: str) -> None:
    with pytest.raises(photos.PhotoError, match=expected.replace("(", r"\(")):
        photos.read_photo(data)


def test_too_large_a_file_is_refused_before_it_is_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENINGUP_REPORT_PHOTO_MAX_MB", "1")

    with pytest.raises(photos.PhotoError, match=r"1\.5 MB; photos may be at most 1 MB"):
        photos.read_photo(b"\xff" * (1024 * 1024 * 3 // 2))


def test_stored_photos_are_read_back_by_name_only(media_root: Any) -> None:
    name = photos.store_photo(photos.read_photo(png()))

    assert photos.is_photo_name(name)
    assert photos.open_photo(name).read()[:2] == b"\xff\xd8"
    for bad in ("../secret_key", "x.jpg", name.replace(".jpg", ".png")):
        with pytest.raises(FileNotFoundError):
            photos.open_photo(bad)


def test_photos_of_forms_never_sent_are_removed(litter: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    from datetime import timedelta

    from django.utils import timezone

    from openingup.reports import services

    used = photos.store_photo(photos.read_photo(png()))
    unused = photos.store_photo(photos.read_photo(png()))
    filing = services.Filing(
        service_code="litter",
        location=services.Location(lat=52.29, long=4.48),
        media_url=f"https://city.example/report/photos/{used}",
        attributes={"size": "small"},
    )
    services.file_request(actor=None, filing=filing)

    assert photos.remove_unused() == 0  # the unused one is still young: a form may be on its way
    assert photos.remove_unused(now=timezone.now() + timedelta(days=2)) == 1
    photos.open_photo(used)
    with pytest.raises(FileNotFoundError):
        photos.open_photo(unused)


def test_the_reason_is_given_in_the_visitor_language() -> None:
    with translation.override("nl"), pytest.raises(photos.PhotoError, match="Het bestand is geen foto"):
        photos.read_photo(b"not a photo at all")
