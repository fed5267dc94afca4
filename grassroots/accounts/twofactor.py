"""Two-factor login (issue #14, decision 0020): a TOTP device and ten one-time recovery codes.

django-otp keeps the devices (`TOTPDevice`, `StaticDevice`); this module is the one place
that changes them, each change audited. A user has two-factor login once their TOTP device
is confirmed with a current code; the login flow (`twofactor_views`) then asks for a code
after the password, and an administrator (`core.roles.ADMIN_ROLES`, superusers) without a
device is sent to enrolment first when `settings.ADMIN_2FA` is `required`.
"""

from __future__ import annotations

from base64 import b32encode
from typing import Any

import segno
from axes.utils import reset as axes_reset
from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from grassroots.accounts.models import RoleAssignment, User
from grassroots.accounts.services import require_managed
from grassroots.core import audit
from grassroots.core.actors import Actor
from grassroots.core.audit import Action, Result
from grassroots.core.roles import ADMIN_ROLES, Cap
from grassroots.core.scoping import scope_for

RECOVERY_CODES = 10
DEVICE_NAME = "authenticator"
RECOVERY_NAME = "recovery"


def has_two_factor(user: Any) -> bool:
    """Whether the user signs in with a second factor (a confirmed TOTP device)."""
    return TOTPDevice.objects.filter(user=user, confirmed=True).exists()


def is_administrator(user: Any) -> bool:
    if user.is_superuser:
        return True
    roles = RoleAssignment.objects.filter(user=user, active=True, role__in=ADMIN_ROLES)
    return roles.exists()


def must_enrol(user: Any) -> bool:
    """Whether the user may not sign in before enrolling a second factor."""
    return not has_two_factor(user) and must_enrol_without(user)


def recovery_left(user: Any) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def pending_device(user: User) -> TOTPDevice:
    """The unconfirmed device being enrolled (a new secret each time enrolment starts over)."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)
    return device


def qr_data_uri(device: TOTPDevice) -> str:
    """The device's `otpauth://` address as an SVG QR code in a data URI (CSP allows data:)."""
    return segno.make(device.config_url, error="m").svg_data_uri(scale=5, border=2)


def secret_text(device: TOTPDevice) -> str:
    """The secret in base32, in groups of four, for typing into an authenticator by hand."""
    secret = b32encode(device.bin_key).decode().rstrip("=")
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def _clean(code: str) -> str:
    return "".join(str(code or "").split()).lower()[:20]


def verify(user: Any, code: str) -> Any:
    """The confirmed device that accepts `code` (a TOTP code or an unused recovery code)."""
    code = _clean(code)
    if not code:
        return None
    totp = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if totp is not None and code.isdigit() and totp.verify_token(code):
        return totp
    for device in StaticDevice.objects.filter(user=user, confirmed=True):
        if device.verify_token(code):  # a recovery code is used up here
            return device
    return None


def _new_recovery_codes(user: User) -> list[str]:
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=RECOVERY_NAME, confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=c) for c in codes)
    return codes


@transaction.atomic
def two_factor_enrol(*, actor: User, device: TOTPDevice, code: str) -> list[str]:
    """Confirm the pending device with a current code; returns the recovery codes (shown once)."""
    if device.user_id != actor.pk or device.confirmed:
        raise PermissionDenied
    if not device.verify_token(_clean(code)):
        raise ValidationError(_("That code is not right. Type the code your app shows now."))
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    TOTPDevice.objects.filter(user=actor).exclude(pk=device.pk).delete()
    codes = _new_recovery_codes(actor)
    audit.record(actor=actor, action=Action.ACCOUNTS_TWO_FACTOR_ENROLLED, obj=actor)
    return codes


@transaction.atomic
def recovery_codes_renew(*, actor: User, code: str) -> list[str]:
    """Ten new recovery codes (the old ones stop working); needs a current code."""
    if not has_two_factor(actor) or verify(actor, code) is None:
        raise ValidationError(_("That code is not right. Type the code your app shows now."))
    codes = _new_recovery_codes(actor)
    audit.record(actor=actor, action=Action.ACCOUNTS_RECOVERY_CODES_ISSUED, obj=actor)
    return codes


@transaction.atomic
def two_factor_disable(*, actor: User, code: str) -> None:
    """Turn two-factor login off (needs a current code); refused when it is required."""
    if must_enrol_without(actor):
        raise ValidationError(_("Two-factor login is required for your account."))
    if verify(actor, code) is None:
        raise ValidationError(_("That code is not right. Type the code your app shows now."))
    TOTPDevice.objects.filter(user=actor).delete()
    StaticDevice.objects.filter(user=actor).delete()
    audit.record(actor=actor, action=Action.ACCOUNTS_TWO_FACTOR_DISABLED, obj=actor)


def must_enrol_without(user: Any) -> bool:
    """Whether the user would be required to enrol if they had no device."""
    if getattr(user, "two_factor_required", False):
        return True
    return settings.ADMIN_2FA == "required" and is_administrator(user)


def second_factor_passed(user: Any) -> None:
    audit.record(actor=user, action=Action.ACCOUNTS_SECOND_FACTOR_PASSED, obj=user)


def second_factor_failed(user: Any) -> None:
    audit.record(
        actor=None,
        action=Action.ACCOUNTS_SECOND_FACTOR_FAILED,
        obj=user,
        data={"username": user.username},
        result=Result.FAILED,
    )


# --- the security administrator's part (Cap.SECURE_ACCOUNTS; a town administrator in town)


def secures(actor: Actor) -> bool:
    scope = scope_for(actor)
    if actor is None or scope.everything or scope.can(Cap.SECURE_ACCOUNTS):
        return True
    return scope.can(Cap.MANAGE_ACCOUNTS) and bool(scope.town_paths)


def _require_secures(actor: Actor, user: User) -> None:
    if not secures(actor):
        raise PermissionDenied(_("Only a security administrator can do this."))
    require_managed(actor, user, cap=Cap.SECURE_ACCOUNTS)


@transaction.atomic
def two_factor_require(*, actor: Actor, user: User, required: bool) -> User:
    """Require (or stop requiring) two-factor login of one account."""
    _require_secures(actor, user)
    if user.two_factor_required != required:
        user.two_factor_required = required
        user.save(update_fields=["two_factor_required"])
        audit.record(
            actor=actor,
            action=Action.ACCOUNTS_TWO_FACTOR_REQUIRED,
            obj=user,
            data={"required": required},
        )
    return user


@transaction.atomic
def two_factor_reset(*, actor: Actor, user: User) -> None:
    """Remove the devices of someone who lost their phone and recovery codes (they enrol again)."""
    _require_secures(actor, user)
    if not has_two_factor(user):
        return
    TOTPDevice.objects.filter(user=user).delete()
    StaticDevice.objects.filter(user=user).delete()
    audit.record(
        actor=actor, action=Action.ACCOUNTS_TWO_FACTOR_DISABLED, obj=user, data={"reset": True}
    )


@transaction.atomic
def account_unlock(*, actor: Actor, user: User) -> None:
    """Lift a lock-out (django-axes) on the account."""
    _require_secures(actor, user)
    axes_reset(username=user.username)
    audit.record(actor=actor, action=Action.ACCOUNTS_USER_UNLOCKED, obj=user)
