"""Tracking codes: made for a new case, and read back as a resident types or speaks them."""

from __future__ import annotations

import re
import secrets

# Crockford's base32 without I, L, O, U: nothing to misread over the phone.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_LENGTH = 10  # 50 bits: unguessable by trying, short enough to read aloud


def new_tracking_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def clean_code(value: str | None) -> str:
    """A tracking code as typed or spoken (spaces, dashes, lower case) in its stored form;
    '' if not one (anything outside letters and digits: it also goes into a URL)."""
    code = re.sub(r"[\s-]", "", value or "").upper()
    return code if re.fullmatch(r"[0-9A-Z]{1,16}", code) else ""
