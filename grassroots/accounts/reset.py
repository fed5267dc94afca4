"""A forgotten password, reset through a 6-digit code sent to the account's e-mail or phone.

`reset_code_request` answers the same whether or not the account exists (the page says
"if the account exists, a code was sent"), and so does `reset_code_confirm` for a wrong code
and an unknown account. A code is valid `CODE_MINUTES`, used once, tried at most
`MAX_ATTEMPTS` times; only its keyed hash is stored. Requests are rate-limited per address
and per account (`core.ratelimit`). E-mail goes through Django's mail; a phone code is
handed to notify's SMS channel through `Event.RESET_CODE_REQUESTED` (accounts is below
notify and may not import it).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.models import ResetCode, User
from grassroots.core import audit, clock, ratelimit
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit

CODE_MINUTES = 10
MAX_ATTEMPTS = 5
# Requests: per source address and per account, each an hour's window.
REQUESTS_PER_ADDRESS = 10
REQUESTS_PER_ACCOUNT = 3
CONFIRMS_PER_ADDRESS = 20
WINDOW = 3600


class TooManyRequests(Exception):
    """The caller is over a rate limit (the page says so, without naming the account)."""


def _digest(user_id: int, code: str) -> str:
    message = f"{user_id}:{code}".encode()
    return hmac.new(settings.SECRET_KEY.encode(), message, hashlib.sha256).hexdigest()


def _find(login: str) -> User | None:
    login = login.strip()
    if not login:
        return None
    return User.objects.filter(username__iexact=login, is_active=True).first()


def _send(user: User, code: str) -> str:
    """Send the code; the channel used ("email" or "sms"), or "" when the account has none."""
    if user.email:
        send_mail(
            _("Your password reset code"),
            _("Your code is %(code)s. It is valid for %(minutes)s minutes.")
            % {"code": code, "minutes": CODE_MINUTES},
            None,
            [user.email],
        )
        return "email"
    if user.phone:
        emit(Event.RESET_CODE_REQUESTED, sealed_phone=user.phone, code=code, minutes=CODE_MINUTES)
        return "sms"
    return ""


@transaction.atomic
def reset_code_request(*, login: str, address: str) -> None:
    """Send a code to the account named `login`, if there is one with an e-mail or phone."""
    if not ratelimit.hit("reset-request", address, limit=REQUESTS_PER_ADDRESS, window=WINDOW):
        raise TooManyRequests
    user = _find(login)
    if user is None:
        return
    if not ratelimit.hit(
        "reset-request-user", str(user.pk), limit=REQUESTS_PER_ACCOUNT, window=WINDOW
    ):
        return  # silently: saying so would tell that the account exists
    code = f"{secrets.randbelow(1_000_000):06d}"
    now = clock.now()
    ResetCode.objects.filter(user=user, used_at__isnull=True).update(used_at=now)
    channel = _send(user, code)
    if not channel:
        return
    ResetCode.objects.create(
        user=user,
        code_hash=_digest(user.pk, code),
        created_at=now,
        expires_at=now + dt.timedelta(minutes=CODE_MINUTES),
    )
    audit.record(
        actor=None, action=Action.ACCOUNTS_RESET_CODE_SENT, obj=user, data={"channel": channel}
    )


def _valid_code(user: User, code: str) -> ResetCode | None:
    now = clock.now()
    row = (
        ResetCode.objects.select_for_update()
        .filter(user=user, used_at__isnull=True, expires_at__gt=now)
        .order_by("-created_at")
        .first()
    )
    if row is None or row.attempts >= MAX_ATTEMPTS:
        return None
    if not hmac.compare_digest(row.code_hash, _digest(user.pk, code.strip())):
        row.attempts += 1
        row.save(update_fields=["attempts"])
        return None
    return row


def reset_code_confirm(*, login: str, code: str, password: str, address: str) -> bool:
    """Set a new password with a valid code; False for a wrong code or an unknown account."""
    if not ratelimit.hit("reset-confirm", address, limit=CONFIRMS_PER_ADDRESS, window=WINDOW):
        raise TooManyRequests
    user = _find(login)
    # Checked before the account is looked at, so a weak password says nothing about it.
    validate_password(password, user or User(username=login.strip()))
    if user is None:
        return False
    # The attempt counter commits even when the code is wrong (no rollback of the count).
    with transaction.atomic():
        row = _valid_code(user, code)
    if row is None:
        return False
    with transaction.atomic():
        row.used_at = clock.now()
        row.save(update_fields=["used_at"])
        user.set_password(password)
        user.must_change_password = False
        user.save(update_fields=["password", "must_change_password"])
        audit.record(actor=user, action=Action.ACCOUNTS_PASSWORD_RESET_BY_CODE, obj=user)
    return True
