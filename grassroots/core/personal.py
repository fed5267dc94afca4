"""Personal data at rest: encrypted, looked up by keyed hash, shown masked.

Values are sealed with AES-GCM under `settings.FIELD_KEY`; a copied database
file shows neither ID numbers nor phone numbers. Exact lookup (is this phone
already registered?) uses an HMAC of the normalised value, which cannot be
reversed without the key. Masks are stored beside the ciphertext so that list
pages never decrypt.

`seal` and `assign` seal one value; `Sealer` seals many (imports, the demo) with
the same ciphertext format, lookup hash and mask, fetching the keys once.
`clean_phone` and `clean_id_number` check and normalise the values before sealing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import unicodedata
from collections.abc import Iterable, Iterator, Sequence
from functools import lru_cache
from typing import Any

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from stdnum.cn import ric

PREFIX = "g1:"
PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}\d{7,8})$")


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


# Characters kept visible at each end of a masked value, by kind.
_KEPT = {"phone": (3, 4), "id_number": (6, 4)}


def _mask(kind: str, clean: str) -> str:
    """The mask of a value already normalised."""
    head, tail = _KEPT[kind]
    if len(clean) >= head + tail:
        return clean[:head] + "*" * (len(clean) - head - tail) + clean[-tail:]
    return "*" * len(clean)


def mask_phone(value: str) -> str:
    return _mask("phone", normalize(value))


def mask_id_number(value: str) -> str:
    return _mask("id_number", normalize(value))


def clean_phone(value: str) -> str:
    """Normalise a mobile or landline number; '' stays ''. Raises ValidationError."""
    value = normalize(value).replace("+86", "", 1) if value else ""
    if value and not PHONE_RE.match(value):
        raise ValidationError(_("%(value)s is not a valid phone number") % {"value": value})
    return value


def clean_id_number(value: str) -> str:
    """Normalise a resident ID number and check its checksum; '' stays ''."""
    value = normalize(value) if value else ""
    if value and not ric.is_valid(value):
        raise ValidationError(
            _("%(value)s is not a valid resident ID number") % {"value": mask_id_number(value)}
        )
    return value


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


class Sealer:
    """`seal` for many values: one AES-GCM object and HMAC key, one normalisation per value.

    Gives exactly what `seal` gives (same ciphertext format, lookup hash and mask)
    as a `(ciphertext, lookup hash, mask)` tuple, the column order bulk writers use.
    Values from `clean_phone`/`clean_id_number` are already normalised: plain ASCII
    digits and letters skip NFKC and the regex (they cannot change); anything else
    goes through `normalize`.

    The lookup hash is HMAC-SHA256 (RFC 2104) from the key's inner and outer pads
    hashed once: `hmac.digest` sets the key up again for every value, which was
    two thirds of the cost of sealing a roster's phone numbers.
    """

    def __init__(self) -> None:
        self.aead, self.lookup_key = _keys(settings.FIELD_KEY)
        block = self.lookup_key.ljust(64, b"\0")  # the key (32 bytes) fits SHA-256's block
        self.inner = hashlib.sha256(bytes(b ^ 0x36 for b in block))
        self.outer = hashlib.sha256(bytes(b ^ 0x5C for b in block))

    def _digest(self, raw: bytes) -> str:
        inner = self.inner.copy()
        inner.update(raw)
        outer = self.outer.copy()
        outer.update(inner.digest())
        return outer.hexdigest()[:40]

    def __call__(self, kind: str, value: str) -> tuple[str, str, str]:
        return self._seal(kind, value, os.urandom(12))

    def _seal(self, kind: str, value: str, nonce: bytes) -> tuple[str, str, str]:
        if not value:
            return "", "", ""
        clean = value.upper() if value.isascii() and value.isalnum() else normalize(value)
        if not clean:
            return "", "", ""
        raw = clean.encode()
        cipher = PREFIX + base64.b64encode(nonce + self.aead.encrypt(nonce, raw, None)).decode()
        return cipher, self._digest(raw), _mask(kind, clean)

    def many(self, kind: str, values: Iterable[str]) -> list[tuple[str, str, str]]:
        """Seal each value; equal values are sealed once (same ciphertext reused)."""
        return list(self.each(kind, list(values)))

    def each(self, kind: str, values: Sequence[str]) -> Iterator[tuple[str, str, str]]:
        """Seal the values one by one as they are asked for, equal values once.

        Lazily, so that a COPY consuming them seals each row while the server is
        still writing the rows sent before it (two cores, not one after the other).
        The nonces come from one read of the system's random source for the column.
        """
        nonces = os.urandom(12 * len(values))
        sealed: dict[str, tuple[str, str, str]] = {}
        empty = ("", "", "")
        for i, value in enumerate(values):
            if not value:
                yield empty
                continue
            done = sealed.get(value)
            if done is None:
                done = sealed[value] = self._seal(kind, value, nonces[12 * i : 12 * i + 12])
            yield done
