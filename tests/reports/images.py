"""Test images made on the spot: a JPEG with EXIF GPS and camera data, and a PNG bomb."""

from __future__ import annotations

import io
import struct
import zlib

from PIL import Image

SECRETS = (b"SecretCam", b"Jane Doe")


def jpeg_with_gps(
    lat: tuple[float, float, float], long: tuple[float, float, float], *, size=(64, 48)
) -> bytes:
    """A JPEG whose EXIF says where (N/E) and which camera and owner took it."""
    image = Image.new("RGB", size, "red")
    exif = Image.Exif()
    exif[0x010F] = "SecretCam"  # Make
    exif[0x013B] = "Jane Doe"  # Artist
    exif[0x8825] = {1: "N", 2: lat, 3: "E", 4: long}
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif.tobytes())
    return out.getvalue()


def png(size=(32, 32)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, "blue").save(out, "PNG")
    return out.getvalue()


def _chunk(kind: bytes, data: bytes) -> bytes:
    return (
        struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
    )


def png_bomb(width: int = 100_000, height: int = 100_000) -> bytes:
    """A tiny PNG claiming 10 gigapixels: decoding it would need tens of gigabytes."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _chunk(b"IHDR", header)
        + _chunk(b"IDAT", zlib.compress(b"\x00" * 1024))
        + _chunk(b"IEND", b"")
    )
