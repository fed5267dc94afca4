"""Writing notices, reading them, and preferences (delivery itself: notify.delivery).

`notify()` is the one entry point every capability calls. It records notices in
the caller's transaction (so a rolled-back sweep leaves no notice behind) and
hands delivery to the worker only after commit (so a notice is never pushed for
a change that did not happen).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from typing import Any

from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from grassroots.core import audit, clock, personal, ratelimit
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.notify import channels, delivery, messages, notices
from grassroots.notify.messages import Message
from grassroots.notify.models import Channel, Delivery, Notice, Preference, TownWebhook
from grassroots.notify.tasks import deliver_task


def _user_ids(recipients: Iterable[Any]) -> list[int]:
    seen: dict[int, None] = {}
    for r in recipients:
        if r is None:
            continue
        pk = r if isinstance(r, int) else getattr(r, "pk", None)
        if pk is not None:
            seen.setdefault(int(pk), None)
    return list(seen)


def _channels_for(pref: Preference | None, kind: str) -> list[str]:
    if pref is None or any(kind == m or kind.startswith(m + ".") for m in pref.muted_kinds or []):
        return []
    wanted = []
    if pref.email_enabled:
        wanted.append(Channel.EMAIL)
    if pref.wecom_enabled and pref.wecom_webhook:
        wanted.append(Channel.WECOM)
    if pref.dingtalk_enabled and pref.dingtalk_webhook:
        wanted.append(Channel.DINGTALK)
    if pref.sms_enabled and pref.phone:
        wanted.append(Channel.SMS)
    return wanted


def notify(
    *,
    recipients: Iterable[Any],
    message: Message | str | None = None,
    params: Mapping[str, Any] | None = None,
    kind: str = "",
    title: str = "",
    body: str = "",
    url: str = "",
    key: str | None = None,
    obj: models.Model | None = None,
) -> int:
    """Record one notice per recipient and schedule its delivery; return how many were new.

    A notice says `message` (a registered `notify.messages.Message` or its key)
    with `params` (JSON data: ids, codes, names, numbers, date-times), rendered
    in each reader's language when read. `body` is data shown as it is (the
    resident's words). `title` is literal text for a notice without a message
    (tests, tools): never pass a translated sentence. With a `key`, a recipient
    who already has a notice with that key gets nothing (the unique constraint
    decides, so two racing sweeps cannot both record it).
    """
    if isinstance(message, str):
        found = messages.get(message)
        if found is None:
            raise ValueError(f"unknown notice message {message!r}")
        message = found
    if message is None and not title:
        raise ValueError("a notice needs a message (or a literal title)")
    kind = kind or (message.notice_kind if message is not None else "")
    user_ids = _user_ids(recipients)
    if key is not None and user_ids:
        already = set(
            Notice.objects.filter(key=key, recipient_id__in=user_ids).values_list(
                "recipient_id", flat=True
            )
        )
        user_ids = [u for u in user_ids if u not in already]
    if not user_ids:
        return 0
    now = clock.now()
    with transaction.atomic():
        created = _record(
            user_ids,
            kind=kind[:64],
            message=message.key if message is not None else "",
            params=messages.json_params(params),
            fallback_title=title[:200],
            body=body,
            url=url[:500],
            object_type=ContentType.objects.get_for_model(obj) if obj is not None else None,
            object_id=str(obj.pk) if obj is not None else "",
            key=key,
            created_at=now,
        )
        if not created:
            return 0
        deliveries = _deliveries(created, kind, getattr(obj, "town_id", None), now)
        Delivery.objects.bulk_create(deliveries)
        audit.record(
            actor=None,
            action=Action.NOTIFY_NOTICE_SENT,
            obj=obj,
            object_type="" if obj is not None else "notify.notice",
            object_id="" if obj is not None else created[0].pk,
            data={"kind": kind, "key": key, "recipients": [n.recipient_id for n in created]},
        )
    pending = [d.pk for d in deliveries if d.status == Delivery.Status.PENDING]
    if pending:
        transaction.on_commit(lambda: deliver_task(pending))
    return len(created)


def _record(user_ids: list[int], **fields: Any) -> list[Notice]:
    """Insert one notice per recipient; return those that were new."""
    created: list[Notice] = []
    for user_id in user_ids:
        notice = Notice(recipient_id=user_id, **fields)
        try:
            # A savepoint per row: a concurrent duplicate only skips that row.
            with transaction.atomic():
                notice.save(force_insert=True)
        except IntegrityError:
            if fields["key"] is None:
                raise
            continue
        created.append(notice)
    return created


def _deliveries(
    created: list[Notice], kind: str, town_id: int | None, now: dt.datetime
) -> list[Delivery]:
    """The in-app copy (sent at once), each channel a recipient chose, the town's robots."""
    prefs = {
        p.user_id: p
        for p in Preference.objects.filter(user_id__in=[n.recipient_id for n in created])
    }
    deliveries: list[Delivery] = []
    for notice in created:
        deliveries.append(
            Delivery(
                notice=notice,
                channel=Channel.INAPP,
                status=Delivery.Status.SENT,
                attempts=1,
                sent_at=now,
                created_at=now,
            )
        )
        for channel in _channels_for(prefs.get(notice.recipient_id), kind):
            deliveries.append(
                Delivery(notice=notice, channel=channel, next_attempt_at=now, created_at=now)
            )
    if town_id:
        for hook in TownWebhook.objects.filter(town_id=town_id, enabled=True):
            if hook.wants(kind):
                # One message per group chat, not one per recipient.
                deliveries.append(
                    Delivery(
                        notice=created[0],
                        channel=hook.channel,
                        town_webhook=hook,
                        next_attempt_at=now,
                        created_at=now,
                    )
                )
    return deliveries


# --- reading -------------------------------------------------------------------


@transaction.atomic
def notice_mark_read(*, actor: Actor, notice: Notice) -> bool:
    if notice.recipient_id != getattr(actor, "pk", None):
        raise ValidationError(_("This notice is not yours."))
    changed = Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=clock.now())
    if changed:
        audit.record(actor=actor, action=Action.NOTIFY_NOTICE_READ, obj=notice)
    notice.refresh_from_db(fields=["read_at"])
    return bool(changed)


@transaction.atomic
def notices_mark_all_read(*, actor: Actor) -> int:
    changed = Notice.objects.visible_to(actor).unread().update(read_at=clock.now())
    if changed:
        audit.record(
            actor=actor,
            action=Action.NOTIFY_ALL_READ,
            object_type="accounts.user",
            object_id=actor.pk,
            data={"count": changed},
        )
    return changed


def unread_count(user: Any) -> int:
    return Notice.objects.visible_to(user).unread().count()


# --- preferences -----------------------------------------------------------------

PREFERENCE_FIELDS = (
    "language",
    "email_enabled",
    "email",
    "wecom_enabled",
    "wecom_webhook",
    "dingtalk_enabled",
    "dingtalk_webhook",
    "dingtalk_secret",
    "sms_enabled",
    "muted_kinds",
)


def preference_for(user: Any) -> Preference:
    """The user's preferences, unsaved defaults when they never set any."""
    return Preference.objects.filter(user_id=user.pk).first() or Preference(user_id=user.pk)


@transaction.atomic
def preference_update(*, actor: Actor, phone: str | None = None, **values: Any) -> Preference:
    """Set the actor's own channel preferences (nobody edits someone else's)."""
    unknown = set(values) - set(PREFERENCE_FIELDS)
    if unknown:
        raise ValueError(f"unknown preference fields: {sorted(unknown)}")
    pref, _created = Preference.objects.select_for_update().get_or_create(user_id=actor.pk)
    for name, value in values.items():
        setattr(pref, name, value)
    if phone is not None:
        personal.assign(pref, "phone", "phone", phone)
    errors: dict[str, str] = {}
    for field in ("wecom_webhook", "dingtalk_webhook"):
        url = getattr(pref, field)
        if url:
            try:
                channels.check_webhook_url(url)
            except channels.DeliveryError:
                errors[field] = _("Only the official robot webhook addresses are allowed.")
    if pref.wecom_enabled and not pref.wecom_webhook:
        errors["wecom_webhook"] = _("Enter the robot's webhook address.")
    if pref.dingtalk_enabled and not pref.dingtalk_webhook:
        errors["dingtalk_webhook"] = _("Enter the robot's webhook address.")
    if pref.sms_enabled and not pref.phone:
        errors["phone"] = _("Enter a mobile phone number.")
    if pref.email_enabled and not (pref.email or getattr(actor, "email", "")):
        errors["email"] = _("Enter an email address.")
    if errors:
        raise ValidationError(errors)
    pref.updated_at = clock.now()
    pref.save()
    audit.record(
        actor=actor,
        action=Action.NOTIFY_PREFERENCES_CHANGED,
        obj=pref,
        data={k: v for k, v in values.items() if k not in ("dingtalk_secret",)},
    )
    return pref


@transaction.atomic
def town_webhook_save(*, actor: Actor, hook: TownWebhook) -> TownWebhook:
    """Create or change a town's robot (from the admin)."""
    try:
        channels.check_webhook_url(hook.url)
    except channels.DeliveryError as exc:
        raise ValidationError(
            {"url": _("Only the official robot webhook addresses are allowed.")}
        ) from exc
    created = hook.pk is None
    hook.save()
    audit.record(
        actor=actor,
        action=Action.NOTIFY_WEBHOOK_CREATED if created else Action.NOTIFY_WEBHOOK_UPDATED,
        obj=hook,
        data={"town": hook.town_id, "channel": hook.channel, "enabled": hook.enabled},
    )
    return hook


# --- a test message per channel ------------------------------------------------------

TEST_LIMIT = 5  # test messages per user…
TEST_WINDOW = 600  # …in ten minutes

# What went wrong, in plain words, by DeliveryError.code (a provider's own code is shown as is).
FAILURE_WORDS = {
    "connection": gettext_lazy("the service could not be reached"),
    "host_not_allowed": gettext_lazy("the webhook address is not an official robot address"),
    "no_address": gettext_lazy("there is no e-mail address"),
    "smtp": gettext_lazy("the mail server did not accept it"),
    "no_phone": gettext_lazy("there is no mobile phone number"),
    "not_mobile": gettext_lazy("the number is not a mobile phone number"),
    "no_template": gettext_lazy("no SMS template is set up for this kind of message"),
    "config": gettext_lazy("SMS is not fully set up on this server"),
    "bad_answer": gettext_lazy("the service gave an answer that could not be read"),
}


def configured_channels(pref: Preference, user: Any) -> list[str]:
    """The channels a test message can go to: those with an address, enabled or not."""
    found = []
    if pref.email or getattr(user, "email", ""):
        found.append(Channel.EMAIL)
    if pref.wecom_webhook:
        found.append(Channel.WECOM)
    if pref.dingtalk_webhook:
        found.append(Channel.DINGTALK)
    if pref.phone:
        found.append(Channel.SMS)
    return found


def failure_words(exc: channels.DeliveryError) -> str:
    words = FAILURE_WORDS.get(exc.code)
    if words is not None:
        return str(words)
    if exc.code:
        return _("the service refused it (code %(code)s)") % {"code": exc.code}
    return _("it could not be sent")


def send_test_message(*, actor: Actor, channel: str) -> None:
    """Send the actor a test message over one of their configured channels, now.

    Not a notice (the inbox stays as it is) and not queued: it is rendered and sent at
    once, outside any transaction, and its outcome is audited. Raises ValidationError
    when the channel is not set up or the actor asked too often, and
    channels.DeliveryError when sending failed.
    """
    pref = preference_for(actor)
    if channel not in configured_channels(pref, actor):
        raise ValidationError(_("This channel is not set up."))
    if not ratelimit.hit("notify-test", str(actor.pk), limit=TEST_LIMIT, window=TEST_WINDOW):
        raise ValidationError(_("Too many test messages: try again in a few minutes."))
    notice = Notice(
        recipient=actor,
        kind=notices.TEST.notice_kind,
        message=notices.TEST.key,
        url=reverse("notify:inbox"),
        created_at=clock.now(),
    )
    failure: channels.DeliveryError | None = None
    try:
        delivery.send_to(pref, channel, notice)
    except channels.DeliveryError as exc:
        failure = exc
    with transaction.atomic():
        audit.record(
            actor=actor,
            action=Action.NOTIFY_TEST_SENT,
            object_type="accounts.user",
            object_id=actor.pk,
            data={
                "channel": channel,
                "result": "failed" if failure else "sent",
                "code": failure.code if failure else "",
            },
        )
    if failure is not None:
        raise failure
