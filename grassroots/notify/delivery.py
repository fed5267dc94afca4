"""Delivering recorded notices over each channel, with retries.

The worker runs these (notify.tasks): right after the commit that recorded a
notice, and every minute for what is due again. A delivery is claimed with a
conditional UPDATE, so two workers never send the same row, and sending happens
outside any transaction.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db.models import F

from grassroots.core import clock
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.notify import channels, messages
from grassroots.notify.models import Channel, Delivery, Notice, Preference

MAX_ATTEMPTS = 6
BACKOFF_BASE = dt.timedelta(minutes=1)
# A claimed delivery is hidden from other workers for this long; if the worker
# dies mid-send the row becomes due again after the lease and is retried.
LEASE = dt.timedelta(minutes=5)


def backoff(attempts: int) -> dt.timedelta:
    """1, 2, 4, 8, 16 minutes after the 1st, 2nd, … failed attempt."""
    return BACKOFF_BASE * (2 ** max(attempts - 1, 0))


def _send(delivery: Delivery) -> None:
    notice = delivery.notice
    hook = delivery.town_webhook
    if hook is not None:
        # A group chat reads the town's language.
        title, _body = notice.render(settings.LANGUAGE_CODE)
        hidden = hidden_values(notice)
        if delivery.channel == Channel.WECOM:
            channels.send_wecom(hook.url, title, notice.url, hidden)
        else:
            channels.send_dingtalk(hook.url, hook.secret, title, notice.url, hidden)
        return
    pref = Preference.objects.filter(user_id=notice.recipient_id).first()
    if pref is None:
        raise channels.DeliveryError("no preferences")
    send_to(pref, delivery.channel, notice)


def hidden_values(notice: Notice) -> list[str]:
    """The personal values of the notice's object (its app says which), for robots to mask."""
    if notice.object_type_id is None or not notice.object_id:
        return []
    model = notice.object_type.model_class()
    if model is None:
        return []
    # A system read: the worker sends for a notice already recorded for its recipient.
    obj = unscoped(model, why=Unscoped.SYSTEM).filter(pk=notice.object_id).first()
    return messages.personal_values(obj)


def send_to(pref: Preference, channel: str, notice: Notice) -> None:
    """Send `notice` over one of the user's own channels (raises channels.DeliveryError)."""
    title, body = notice.render(pref.language or settings.LANGUAGE_CODE)
    if channel == Channel.EMAIL:
        channels.send_email(pref.email or notice.recipient.email, title, body, notice.url)
    elif channel == Channel.WECOM:
        channels.send_wecom(pref.wecom_webhook, title, notice.url, hidden_values(notice))
    elif channel == Channel.DINGTALK:
        hook, secret = pref.dingtalk_webhook, pref.dingtalk_secret
        channels.send_dingtalk(hook, secret, title, notice.url, hidden_values(notice))
    elif channel == Channel.SMS:
        message = channels.sms_message(notice.kind, title, notice.url, notice.params)
        channels.send_sms(pref.phone, message)
    else:
        raise channels.DeliveryError(f"unknown channel {channel}")


def attempt_delivery(delivery_id: int) -> str:
    """Claim one due delivery, send it, record the outcome; returns the resulting status.

    The claim is a conditional UPDATE, so of two workers racing for a row only
    one sends; sending happens outside any transaction.
    """
    now = clock.now()
    claimed = Delivery.objects.filter(
        pk=delivery_id, status=Delivery.Status.PENDING, next_attempt_at__lte=now
    ).update(attempts=F("attempts") + 1, next_attempt_at=now + LEASE)
    if not claimed:
        return "skipped"
    delivery = Delivery.objects.select_related("notice__recipient", "town_webhook").get(
        pk=delivery_id
    )
    try:
        _send(delivery)
    except channels.DeliveryError as exc:
        failed = delivery.attempts >= MAX_ATTEMPTS
        Delivery.objects.filter(pk=delivery_id).update(
            status=Delivery.Status.FAILED if failed else Delivery.Status.PENDING,
            last_error=str(exc)[:500],
            next_attempt_at=None if failed else clock.now() + backoff(delivery.attempts),
        )
        return Delivery.Status.FAILED if failed else "retry"
    Delivery.objects.filter(pk=delivery_id).update(
        status=Delivery.Status.SENT, sent_at=clock.now(), last_error="", next_attempt_at=None
    )
    return Delivery.Status.SENT


def deliver_due(*, limit: int = 500) -> int:
    """Send every pending delivery whose time has come; returns how many were attempted."""
    due = list(
        Delivery.objects.filter(status=Delivery.Status.PENDING, next_attempt_at__lte=clock.now())
        .order_by("next_attempt_at")[:limit]
        .values_list("pk", flat=True)
    )
    return sum(attempt_delivery(pk) != "skipped" for pk in due)
