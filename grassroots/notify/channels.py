"""Senders for each outgoing channel. Each raises `DeliveryError` on failure.

Payload formats follow the group-robot documentation of WeChat Work (企业微信,
`{"msgtype": "markdown", "markdown": {"content": ...}}`) and DingTalk (钉钉,
`{"msgtype": "markdown", "markdown": {"title": ..., "text": ...}}`, optional
HMAC-SHA256 signature over "timestamp\\nsecret" appended to the URL). A robot's
message is the title and an absolute link only (decision 0016). E-mail goes through
Django's backend (SMTP when GRASSROOTS_SMTP_HOST is set), SMS through the backend
`settings.NOTIFY_SMS_BACKEND` names (notify.sms for Aliyun and Tencent Cloud).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import logging
import re
import smtplib
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, Protocol

from django.conf import settings
from django.core.mail import send_mail
from django.utils.module_loading import import_string

from grassroots.core import clock, personal

log = logging.getLogger(__name__)

DEFAULT_WEBHOOK_HOSTS = ("qyapi.weixin.qq.com", "oapi.dingtalk.com")
TIMEOUT_SECONDS = 5


class DeliveryError(Exception):
    """A message could not be sent; `code` is the provider's error code when it gave one."""

    def __init__(self, message: str, *, code: str = "") -> None:
        super().__init__(message)
        self.code = code


def allowed_webhook_hosts() -> tuple[str, ...]:
    # Webhook targets are an SSRF risk: only the robots' official hosts unless
    # the deployment (or a test with a local server) widens the list.
    return tuple(getattr(settings, "NOTIFY_WEBHOOK_HOSTS", DEFAULT_WEBHOOK_HOSTS))


def check_webhook_url(url: str) -> None:
    parts = urllib.parse.urlsplit(url)
    if parts.scheme not in ("http", "https") or parts.hostname not in allowed_webhook_hosts():
        raise DeliveryError(f"webhook host not allowed: {parts.hostname}", code="host_not_allowed")


def message_text(title: str, body: str, url: str) -> str:
    lines = [title]
    if body:
        lines.append(body)
    if url:
        lines.append(absolute_url(url))
    return "\n".join(lines)


# Where the site answers, for links sent outside it (settings.SITE_URL, from GRASSROOTS_SITE_URL).
DEFAULT_SITE_URL = "http://127.0.0.1:8000"


def absolute_url(url: str) -> str:
    """`/cases/1/` -> `https://town.example.cn/cases/1/`: every link that leaves the site."""
    base = getattr(settings, "SITE_URL", "") or DEFAULT_SITE_URL
    return base.rstrip("/") + url if url.startswith("/") else url


# Numbers a resident may type into a case's title: mobile, landline, resident ID.
_PERSONAL_NUMBER = re.compile(r"(?<![0-9])(?:\d{17}[0-9Xx]|1[3-9]\d{9}|0\d{2,3}-?\d{7,8})(?![0-9])")


def group_safe(text: str, hidden: Iterable[str] = ()) -> str:
    """Text for a group chat: the `hidden` values (names) and any phone or ID number masked."""
    for value in sorted({v.strip() for v in hidden if v and v.strip()}, key=len, reverse=True):
        text = text.replace(value, value[0] + "*" * (len(value) - 1))

    def mask(found: re.Match[str]) -> str:
        value = found.group(0)
        return personal.mask_id_number(value) if len(value) == 18 else personal.mask_phone(value)

    return _PERSONAL_NUMBER.sub(mask, text)


# A robot posts into a group chat that others read: it carries the title and the
# link, never the body (the resident's words, which may hold their name and phone).
def wecom_payload(title: str, url: str, hidden: Iterable[str] = ()) -> dict[str, Any]:
    content = f"**{group_safe(title, hidden)}**"
    if url:
        content += f"\n[{absolute_url(url)}]({absolute_url(url)})"
    return {"msgtype": "markdown", "markdown": {"content": content}}


def dingtalk_payload(title: str, url: str, hidden: Iterable[str] = ()) -> dict[str, Any]:
    title = group_safe(title, hidden)
    text = f"#### {title}"
    if url:
        text += f"\n\n[{absolute_url(url)}]({absolute_url(url)})"
    return {"msgtype": "markdown", "markdown": {"title": title, "text": text}}


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int | None = None) -> str:
    if not secret:
        return url
    if timestamp_ms is None:
        timestamp_ms = int(clock.now().timestamp() * 1000)
    to_sign = f"{timestamp_ms}\n{secret}".encode()
    digest = hmac.new(secret.encode(), to_sign, hashlib.sha256).digest()
    sign = urllib.parse.quote_plus(base64.b64encode(digest).decode())
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}timestamp={timestamp_ms}&sign={sign}"


def post_json(url: str, payload: dict[str, Any]) -> None:
    """POST a robot message; both robots answer HTTP 200 with {"errcode": 0} on success."""
    check_webhook_url(url)
    data = json.dumps(payload, ensure_ascii=False).encode()
    request = urllib.request.Request(  # noqa: S310 - scheme checked above
        url, data=data, headers={"Content-Type": "application/json; charset=utf-8"}
    )
    try:
        with urllib.request.urlopen(request, timeout=TIMEOUT_SECONDS) as response:  # noqa: S310
            raw = response.read(65536)
    except urllib.error.HTTPError as exc:
        raise DeliveryError(f"HTTP {exc.code}", code=f"HTTP{exc.code}") from exc
    except (urllib.error.URLError, OSError) as exc:
        raise DeliveryError(f"connection failed: {exc}", code="connection") from exc
    try:
        answer = json.loads(raw or b"{}")
    except ValueError as exc:
        raise DeliveryError("answer is not JSON", code="bad_answer") from exc
    if isinstance(answer, dict) and answer.get("errcode", 0) != 0:
        raise DeliveryError(
            f"errcode {answer.get('errcode')}: {answer.get('errmsg', '')}",
            code=str(answer.get("errcode")),
        )


def send_wecom(url: str, title: str, link: str, hidden: Iterable[str] = ()) -> None:
    post_json(url, wecom_payload(title, link, hidden))


def send_dingtalk(url: str, secret: str, title: str, link: str, hidden: Iterable[str] = ()) -> None:
    post_json(dingtalk_signed_url(url, secret), dingtalk_payload(title, link, hidden))


def send_email(address: str, title: str, body: str, link: str) -> None:
    if not address:
        raise DeliveryError("no email address", code="no_address")
    try:
        send_mail(
            subject=title,
            message=message_text("", body, link).strip() or title,
            from_email=settings.DEFAULT_FROM_EMAIL,
            recipient_list=[address],
        )
    except smtplib.SMTPException as exc:  # the server answered, and said no
        raise DeliveryError(f"email failed: {exc}", code="smtp") from exc
    except OSError as exc:  # refused, unreachable, timed out
        raise DeliveryError(f"email failed: {exc}", code="connection") from exc
    except Exception as exc:  # a backend may raise anything else
        raise DeliveryError(f"email failed: {exc}", code="smtp") from exc


# --- SMS -------------------------------------------------------------------


@dataclass(frozen=True)
class SmsMessage:
    """One SMS: the plain text (for the log) and what a provider's template is filled with.

    `params` holds the notice's parameters as strings plus `title` and `url` (absolute).
    """

    kind: str
    text: str
    params: dict[str, str] = field(default_factory=dict)
    # A one-time code: whoever reads the log must not be able to use it.
    secret: bool = False


class SmsBackend(Protocol):
    def send(self, phone: str, message: SmsMessage) -> None: ...


class LogSmsBackend:
    """Default: writes the message to the log (phone masked), sends nothing."""

    def send(self, phone: str, message: SmsMessage) -> None:
        text = f"[{message.kind}: withheld]" if message.secret else message.text
        log.warning("SMS to %s: %s", personal.mask_phone(phone), text)


outbox: list[tuple[str, str]] = []


class LocmemSmsBackend:
    """For tests: keeps messages in `channels.outbox`, like Django's locmem email backend."""

    def send(self, phone: str, message: SmsMessage) -> None:
        outbox.append((phone, message.text))


def sms_backend() -> SmsBackend:
    path = getattr(settings, "NOTIFY_SMS_BACKEND", "grassroots.notify.channels.LogSmsBackend")
    return import_string(path)()


def sms_message(kind: str, title: str, link: str, params: dict[str, Any] | None) -> SmsMessage:
    values = {k: str(v) for k, v in (params or {}).items() if v is not None}
    values.update(title=title, url=absolute_url(link) if link else "")
    return SmsMessage(kind=kind, text=message_text(title, "", link), params=values)


def send_sms(sealed_phone: str, message: SmsMessage) -> None:
    """Send to a phone kept sealed at rest: it is decrypted here, at send time, and nowhere else."""
    phone = personal.decrypt(sealed_phone) if sealed_phone else ""
    if not phone:
        raise DeliveryError("no phone number", code="no_phone")
    try:
        sms_backend().send(phone, message)
    except DeliveryError:
        raise
    except Exception as exc:  # a gateway adapter may raise anything
        raise DeliveryError(f"sms failed: {exc}") from exc
