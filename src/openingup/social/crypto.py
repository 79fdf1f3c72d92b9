"""Channel credentials, encrypted at rest with Fernet (AES-128-CBC + HMAC-SHA256).

The key is ``OPENINGUP_SOCIAL_KEY`` when set (a Fernet key, or any passphrase), else derived from
Django's ``SECRET_KEY``; both go through HKDF-SHA256 with a fixed context, so the secret key itself is
never the encryption key. Rotating the key makes stored credentials unreadable: :func:`decrypt` then
raises :class:`CredentialsUnreadable` naming the fix, never returns garbage.
"""

from __future__ import annotations

import base64
import json
from typing import Any

from cryptography.fernet import Fernet, InvalidToken
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from django.conf import settings

from openingup import config

_CONTEXT = b"openingup.social.credentials.v1"


class CredentialsUnreadable(ValueError):
    """The stored credentials cannot be decrypted with the current key."""


def _fernet() -> Fernet:
    secret = config.get("OPENINGUP_SOCIAL_KEY") or settings.SECRET_KEY
    derived = HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=_CONTEXT).derive(secret.encode())
    return Fernet(base64.urlsafe_b64encode(derived))


def encrypt(credentials: dict[str, Any]) -> str:
    """The credentials as a Fernet token (text); an empty dict gives an empty string."""
    if not credentials:
        return ""
    payload = json.dumps(credentials, sort_keys=True, separators=(",", ":")).encode()
    return _fernet().encrypt(payload).decode("ascii")


def decrypt(token: str) -> dict[str, Any]:
    """The credentials stored as ``token``; an empty token gives an empty dict."""
    if not token:
        return {}
    try:
        value = json.loads(_fernet().decrypt(token.encode("ascii")))
    except (InvalidToken, ValueError) as exc:
        raise CredentialsUnreadable(
            "the channel's credentials cannot be decrypted with the current key (was OPENINGUP_SOCIAL_KEY "
            "or the secret key changed?); enter the token again"
        ) from exc
    if not isinstance(value, dict):
        raise CredentialsUnreadable("the channel's stored credentials are not an object")
    return value
