"""Personal data at rest: encrypted, looked up by keyed hash, shown masked.

Values are sealed with AES-GCM under `settings.FIELD_KEY`; a copied database
file shows neither ID numbers nor phone numbers. Exact lookup (is this phone
already registered?) uses an HMAC of the normalised value, which cannot be
reversed without the key. Masks are stored beside the ciphertext so that list
pages never decrypt.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

PREFIX = "g1:"


@lru_cache(maxsize=4)
def _keys(field_key: str) -> tuple[AESGCM, bytes]:
    raw = base64.urlsafe_b64decode(field_key.encode() + b"=" * (-len(field_key) % 4))
    if len(raw) < 32:
        raw = hashlib.sha256(raw).digest()
    enc = hmac.new(raw, b"grassroots/encrypt", hashlib.sha256).digest()
    look = hmac.new(raw, b"grassroots/lookup", hashlib.sha256).digest()
    return AESGCM(enc), look


def encrypt(value: str) -> str:
    if value == "":
        return ""
    aead, _ = _keys(settings.FIELD_KEY)
    nonce = os.urandom(12)
    sealed = aead.encrypt(nonce, value.encode(), None)
    return PREFIX + base64.b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    if not token:
        return ""
    if not token.startswith(PREFIX):
        raise ValueError("not a sealed value")
    aead, _ = _keys(settings.FIELD_KEY)
    blob = base64.b64decode(token[len(PREFIX) :])
    return aead.decrypt(blob[:12], blob[12:], None).decode()


def lookup_hash(value: str) -> str:
    """Keyed hash of a normalised value, for exact-match lookups."""
    if not value:
        return ""
    _, key = _keys(settings.FIELD_KEY)
    return hmac.new(key, normalize(value).encode(), hashlib.sha256).hexdigest()[:40]


def normalize(value: str) -> str:
    """Full-width to half-width, no spaces or dashes, upper-case X in IDs."""
    value = unicodedata.normalize("NFKC", value or "")
    return re.sub(r"[\s\-]", "", value).upper()


def mask_phone(value: str) -> str:
    value = normalize(value)
    if len(value) >= 7:
        return value[:3] + "*" * (len(value) - 7) + value[-4:]
    return "*" * len(value)


def mask_id_number(value: str) -> str:
    value = normalize(value)
    if len(value) >= 10:
        return value[:6] + "*" * (len(value) - 10) + value[-4:]
    return "*" * len(value)


MASKERS = {"phone": mask_phone, "id_number": mask_id_number}


class SealedField(models.TextField):
    """Stores ciphertext; Python code only ever sees the sealed token.

    Decryption is explicit (`decrypt`, via the reveal service), never implicit on
    load, so no template or serializer can leak a value by accident.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("blank", True)
        kwargs.setdefault("default", "")
        kwargs.setdefault("editable", False)
        super().__init__(*args, **kwargs)


def seal(kind: str, value: str) -> dict[str, str]:
    """Column values for one personal field: {"": cipher, "_hash": ..., "_masked": ...}."""
    clean = normalize(value)
    return {
        "": encrypt(clean),
        "_hash": lookup_hash(clean),
        "_masked": MASKERS[kind](clean) if clean else "",
    }


def assign(obj: models.Model, field: str, kind: str, value: str) -> None:
    """Set `field`, `field_hash` and `field_masked` on obj from a plain value."""
    for suffix, column_value in seal(kind, value).items():
        setattr(obj, field + suffix, column_value)
