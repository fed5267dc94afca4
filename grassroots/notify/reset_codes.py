"""Forgotten-password codes by SMS: accounts emits `Event.RESET_CODE_REQUESTED` (it may not
import notify), and this sends the code through notify's SMS channel after the commit."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from grassroots.notify.channels import DeliveryError, send_sms

log = logging.getLogger(__name__)


def send_reset_code(*, sealed_phone: str, code: str, minutes: int) -> None:
    body = _("Your code is %(code)s. It is valid for %(minutes)s minutes.") % {
        "code": code,
        "minutes": minutes,
    }
    try:
        send_sms(sealed_phone, _("Your password reset code"), body, "")
    except DeliveryError as exc:  # the page never says whether a code went out
        log.warning("password reset code not sent: %s", exc)
