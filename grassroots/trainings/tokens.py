"""Check-in tokens: what a venue's screen shows as a QR code, and the tap's ticket (issue #12).

A **token** is signed (Django `signing`, its own salt) over the session, the venue and
the 30-second window it was issued in, so the screen shows a new one every 30 s. It is
accepted for `TOKEN_MAX_AGE` seconds after its window began (45 s): the code on the
screen works while it is shown and a little after, a photo of it a minute later does
not. The token carries its session and venue, so one shown for another session or
venue is told apart from a forged one.

A **ticket** is what the confirmation page embeds once the token has been checked: it
binds the user, the session and the venue for `TICKET_MAX_AGE` seconds, so the tap
after reading the page still works although the token itself may have expired.

Times come from `core.clock` (tests move it); nothing here touches the database.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core import signing

from grassroots.core import clock

WINDOW = 30  # seconds: one token per window
TOKEN_MAX_AGE = 45  # seconds after the window began
TICKET_MAX_AGE = 180  # seconds to read the confirmation page and tap
TOKEN_SALT = "grassroots.trainings.checkin.token"  # noqa: S105 - a salt, not a secret
TICKET_SALT = "grassroots.trainings.checkin.ticket"
SEP = "~"  # not in the URL-safe base64 alphabet of the signature, nor a path separator


class TokenError(Exception):
    """Why a token or ticket is refused: `code` is one of the constants below."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


FORGED = "forged"
EXPIRED = "expired"
WRONG_SESSION = "wrong_session"
WRONG_VENUE = "wrong_venue"
WRONG_USER = "wrong_user"


@dataclass(frozen=True)
class Token:
    session_id: int
    venue_id: int
    window: int

    @property
    def issued_at(self) -> float:
        return float(self.window * WINDOW)


def _signer(salt: str) -> signing.Signer:
    return signing.Signer(salt=salt, sep=SEP)


def window_of(at: dt.datetime | None = None) -> int:
    return int((at or clock.now()).timestamp()) // WINDOW


def seconds_left(at: dt.datetime | None = None) -> int:
    """Seconds until the current window ends (when the screen should show a new code)."""
    stamp = (at or clock.now()).timestamp()
    return max(1, int(WINDOW - stamp % WINDOW) + 1)


def issue(session_id: int, venue_id: int, at: dt.datetime | None = None) -> str:
    """The token of this session and venue for the window `at` (now) falls in."""
    return _signer(TOKEN_SALT).sign(f"{session_id}.{venue_id}.{window_of(at)}")


def read(token: str, session_id: int, venue_id: int, at: dt.datetime | None = None) -> Token:
    """The token, checked for this session and venue at `at` (now); TokenError otherwise."""
    try:
        value = _signer(TOKEN_SALT).unsign(token)
        s, v, w = (int(part) for part in value.split("."))
    except (signing.BadSignature, ValueError):
        raise TokenError(FORGED) from None
    found = Token(session_id=s, venue_id=v, window=w)
    if s != session_id:
        raise TokenError(WRONG_SESSION)
    if v != venue_id:
        raise TokenError(WRONG_VENUE)
    age = (at or clock.now()).timestamp() - found.issued_at
    if age > TOKEN_MAX_AGE or age < -WINDOW:  # far in the future: not ours either
        raise TokenError(EXPIRED)
    return found


def ticket(user_id: int, session_id: int, venue_id: int, at: dt.datetime | None = None) -> str:
    """A signed ticket for one tap of this user at this session and venue."""
    stamp = int((at or clock.now()).timestamp())
    return signing.dumps([user_id, session_id, venue_id, stamp], salt=TICKET_SALT, compress=False)


def read_ticket(
    value: str, user_id: int, session_id: int, venue_id: int, at: dt.datetime | None = None
) -> None:
    """Check a ticket for this user, session and venue at `at` (now); TokenError otherwise."""
    try:
        u, s, v, stamp = signing.loads(value, salt=TICKET_SALT)
        u, s, v, stamp = int(u), int(s), int(v), int(stamp)
    except (signing.BadSignature, ValueError, TypeError):
        raise TokenError(FORGED) from None
    if s != session_id:
        raise TokenError(WRONG_SESSION)
    if v != venue_id:
        raise TokenError(WRONG_VENUE)
    if u != user_id:
        raise TokenError(WRONG_USER)
    if (at or clock.now()).timestamp() - stamp > TICKET_MAX_AGE:
        raise TokenError(EXPIRED)
