"""The visitor counter: each visitor once a day, counted by a beacon, never while rendering.

Why a first-party random cookie and not IP + user agent: a whole village often shares
one carrier address, so IP + UA would merge neighbours into one visitor, and an IP
address is personal data we would rather not process at all. The cookie holds 128
random bits and nothing else; what we store is a keyed hash of it *and the day*
(`visitor_key`), so a stored row cannot be followed from one day to the next, nor
matched to the cookie without the server's key. A visitor who refuses cookies is
counted on each visit: the counter is an indicator, not a census.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings

COOKIE = "gr_visitor"
COOKIE_AGE = 365 * 24 * 3600
VISITORS = "visitors"


def new_visitor_id() -> str:
    return secrets.token_urlsafe(16)


def valid_visitor_id(value: str | None) -> bool:
    return (
        bool(value)
        and 16 <= len(value or "") <= 32
        and (value or "").replace("-", "").replace("_", "").isalnum()
    )


def visitor_key(visitor_id: str, day: dt.date) -> str:
    """A day-bound keyed hash of the cookie: unlinkable across days, useless without the key."""
    message = f"{day.isoformat()}:{visitor_id}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()[:40]
