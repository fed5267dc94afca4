"""Forgotten-password codes by SMS: accounts emits `Event.RESET_CODE_REQUESTED` (it may not
import notify), and this sends the code through notify's SMS channel after the commit."""

from __future__ import annotations

import logging

from django.utils.translation import gettext as _

from grassroots.notify.channels import DeliveryError, SmsMessage, send_sms

log = logging.getLogger(__name__)

RESET_CODE_KIND = "accounts.reset_code"


def send_reset_code(*, sealed_phone: str, code: str, minutes: int) -> None:
    body = _("Your code is %(code)s. It is valid for %(minutes)s minutes.") % {
        "code": code,
        "minutes": minutes,
    }
    try:
        # A provider sends it through the template mapped to this kind (GRASSROOTS_SMS_TEMPLATES),
        # filled with `code` and `minutes`.
        message = SmsMessage(
            kind=RESET_CODE_KIND,
            text=body,
            params={"code": code, "minutes": str(minutes)},
            secret=True,
        )
        send_sms(sealed_phone, message)
    except DeliveryError as exc:  # the page never says whether a code went out
        log.warning("password reset code not sent: %s", exc)
