"""notify(): recording, idempotency, and delivery over every channel."""

from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import urllib.parse
from typing import Any

import pytest
from django.core import mail
from django.db import transaction

from grassroots.core import clock
from grassroots.notify import channels, services
from grassroots.notify.delivery import LEASE, MAX_ATTEMPTS, attempt_delivery, deliver_due
from grassroots.notify.models import Delivery, Notice, Preference, TownWebhook
from grassroots.testing import Town

T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


def prefs(user: Any, **values: Any) -> Preference:
    return Preference.objects.create(user=user, **values)


def test_notify_records_one_notice_per_recipient_with_its_object(town: Town) -> None:
    with clock.frozen(T0):
        n = services.notify(
            recipients=[town.sam, town.rita, town.sam, None],
            kind="case.assigned",
            title="新案件",
            body="请处理",
            url="/cases/1/",
            obj=town.household_a1,
        )
    assert n == 2
    notices = Notice.objects.order_by("recipient__username")
    assert [x.recipient.username for x in notices] == ["rita", "sam"]
    assert notices[0].object_id == str(town.household_a1.pk)
    assert notices[0].created_at == T0
    # The inbox is a channel too, and it is always delivered.
    assert set(Delivery.objects.values_list("channel", "status")) == {("inapp", "sent")}


def test_repeating_a_key_records_nothing_for_recipients_who_have_it(town: Town) -> None:
    first = services.notify(
        recipients=[town.sam], kind="case.warn", title="预警", key="case:1:warn"
    )
    again = services.notify(
        recipients=[town.sam], kind="case.warn", title="预警", key="case:1:warn"
    )
    widened = services.notify(
        recipients=[town.sam, town.alice], kind="case.warn", title="预警", key="case:1:warn"
    )
    assert (first, again, widened) == (1, 0, 1)
    assert Notice.objects.filter(key="case:1:warn").count() == 2
    # Without a key every call is a new notice.
    services.notify(recipients=[town.sam], kind="hello", title="你好")
    services.notify(recipients=[town.sam], kind="hello", title="你好")
    assert Notice.objects.filter(kind="hello").count() == 2


def test_a_notice_in_a_rolled_back_transaction_is_neither_kept_nor_sent(
    town: Town, robot: Any, django_capture_on_commit_callbacks: Any
) -> None:
    prefs(town.sam, wecom_enabled=True, wecom_webhook=robot.url)
    with (
        django_capture_on_commit_callbacks(execute=True),
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        services.notify(recipients=[town.sam], kind="x", title="回滚", key="k")
        raise RuntimeError("sweep crashed")
    assert Notice.objects.count() == 0
    assert robot.received == []


def test_email_goes_out_when_the_user_enabled_it(
    town: Town, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    prefs(town.sam, email_enabled=True, email="sam@example.cn")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[town.sam, town.rita], kind="k", title="案件超期", body="请督办")
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["sam@example.cn"]
    assert mail.outbox[0].subject == "案件超期"
    email = Delivery.objects.get(channel="email")
    assert (email.status, email.attempts) == ("sent", 1)
    assert email.sent_at is not None


def test_muted_kinds_stay_in_the_inbox_only(
    town: Town, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    prefs(town.sam, email_enabled=True, email="sam@example.cn", muted_kinds=["case.warning"])
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[town.sam], kind="case.warning", title="预警")
    assert mail.outbox == []
    assert Notice.objects.filter(recipient=town.sam).count() == 1


def test_wecom_robot_receives_a_markdown_message(
    town: Town, robot: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = "http://127.0.0.1:8000"
    prefs(town.sam, wecom_enabled=True, wecom_webhook=robot.url)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[town.sam], kind="k", title="新案件", body="路灯坏了", url="/c/1/"
        )
    assert len(robot.received) == 1
    message = robot.received[0]
    assert message["content_type"].startswith("application/json")
    assert message["json"]["msgtype"] == "markdown"
    content = message["json"]["markdown"]["content"]
    # A robot posts into a group chat: the title and an absolute link, never the body.
    assert content == "**新案件**\n[http://127.0.0.1:8000/c/1/](http://127.0.0.1:8000/c/1/)"
    assert "路灯坏了" not in content
    assert Delivery.objects.get(channel="wecom").status == "sent"


def test_dingtalk_robot_gets_a_signed_markdown_message(
    town: Town, robot: Any, django_capture_on_commit_callbacks: Any
) -> None:
    secret = "SEC0123456789abcdef"
    prefs(town.sam, dingtalk_enabled=True, dingtalk_webhook=robot.url, dingtalk_secret=secret)
    with clock.frozen(T0), django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[town.sam], kind="k", title="督办", body="已超期")
    message = robot.received[0]
    assert message["json"] == {
        "msgtype": "markdown",
        "markdown": {"title": "督办", "text": "#### 督办"},
    }
    query = urllib.parse.parse_qs(urllib.parse.urlsplit(message["path"]).query)
    timestamp = query["timestamp"][0]
    assert timestamp == str(int(T0.timestamp() * 1000))
    expected = base64.b64encode(
        hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    ).decode()
    assert query["sign"] == [expected]
    assert query["key"] == ["k1"]


def test_a_town_robot_gets_one_message_per_notify_about_its_town(
    town: Town, robot: Any, django_capture_on_commit_callbacks: Any
) -> None:
    TownWebhook.objects.create(
        town=town.town, name="镇群", channel="wecom", url=robot.url, kinds="case"
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[town.sam, town.alice],
            kind="case.overdue",
            title="超期",
            obj=town.household_a1,
        )
        services.notify(
            recipients=[town.sam], kind="party.x", title="不相关", obj=town.household_a1
        )
        services.notify(recipients=[town.sam], kind="case.y", title="无对象")
    assert [m["json"]["markdown"]["content"] for m in robot.received] == ["**超期**"]


def test_sms_goes_through_the_configured_adapter(
    town: Town, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.NOTIFY_SMS_BACKEND = "grassroots.notify.channels.LocmemSmsBackend"
    channels.outbox.clear()
    services.preference_update(actor=town.sam, sms_enabled=True, phone="13800001111")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[town.sam], kind="k", title="请回访")
    assert channels.outbox == [("13800001111", "请回访")]
    assert Preference.objects.get(user=town.sam).phone_masked.startswith("138")


def test_sms_default_backend_only_logs(
    town: Town, caplog: Any, django_capture_on_commit_callbacks: Any
) -> None:
    services.preference_update(actor=town.sam, sms_enabled=True, phone="13800001111")
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[town.sam], kind="k", title="请回访")
    assert "请回访" in caplog.text
    assert "13800001111" not in caplog.text
    assert Delivery.objects.get(channel="sms").status == "sent"


def test_a_failing_robot_is_retried_with_backoff_then_marked_failed(
    town: Town, robot: Any, django_capture_on_commit_callbacks: Any
) -> None:
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    prefs(town.sam, wecom_enabled=True, wecom_webhook=robot.url)
    clock.set_now(T0)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[town.sam], kind="k", title="重试")
    delivery = Delivery.objects.get(channel="wecom")
    assert (delivery.status, delivery.attempts) == ("pending", 1)
    assert "93000" in delivery.last_error
    assert delivery.next_attempt_at == T0 + dt.timedelta(minutes=1)

    clock.set_now(T0 + dt.timedelta(seconds=59))
    assert deliver_due() == 0  # not due yet
    gaps = []
    for _ in range(MAX_ATTEMPTS - 1):
        delivery.refresh_from_db()
        gaps.append(delivery.next_attempt_at - clock.now())
        clock.set_now(delivery.next_attempt_at)
        assert deliver_due() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == ("failed", MAX_ATTEMPTS)
    assert delivery.next_attempt_at is None
    assert len(robot.received) == MAX_ATTEMPTS
    # Back-off doubles: 1, 2, 4, 8, 16 minutes.
    assert [round(g.total_seconds() / 60) for g in gaps[1:]] == [2, 4, 8, 16]
    clock.advance(dt.timedelta(days=1))
    assert deliver_due() == 0


def test_a_robot_that_recovers_gets_the_message_exactly_once(
    town: Town, robot: Any, django_capture_on_commit_callbacks: Any
) -> None:
    robot.status = 502
    prefs(town.sam, wecom_enabled=True, wecom_webhook=robot.url)
    clock.set_now(T0)
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(recipients=[town.sam], kind="k", title="恢复")
    robot.status = 200
    clock.advance(dt.timedelta(minutes=1))
    assert deliver_due() == 1
    clock.advance(dt.timedelta(hours=1))
    assert deliver_due() == 0
    assert len(robot.received) == 2  # the failed try and the successful one
    assert Delivery.objects.get(channel="wecom").status == "sent"


def test_a_worker_killed_after_claiming_loses_nothing_and_sends_once(
    town: Town, robot: Any, settings: Any
) -> None:
    prefs(town.sam, wecom_enabled=True, wecom_webhook=robot.url)
    clock.set_now(T0)
    # No on_commit execution: the worker has not run yet.
    services.notify(recipients=[town.sam], kind="k", title="接管")
    delivery = Delivery.objects.get(channel="wecom")
    # A worker claims the row, then dies before sending.
    assert (
        Delivery.objects.filter(pk=delivery.pk, status="pending", next_attempt_at__lte=T0).update(
            attempts=1, next_attempt_at=T0 + LEASE
        )
        == 1
    )
    # Another worker must not send it while the claim is fresh…
    assert attempt_delivery(delivery.pk) == "skipped"
    assert deliver_due() == 0
    # …and picks it up once the lease has run out, exactly once.
    clock.set_now(T0 + LEASE)
    assert deliver_due() == 1
    assert deliver_due() == 0
    assert attempt_delivery(delivery.pk) == "skipped"
    assert len(robot.received) == 1


def test_webhooks_outside_the_allowed_hosts_are_refused(town: Town, settings: Any) -> None:
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as exc:
        services.preference_update(
            actor=town.sam, wecom_enabled=True, wecom_webhook="http://10.0.0.5/hook"
        )
    assert "wecom_webhook" in exc.value.message_dict
    services.preference_update(
        actor=town.sam,
        wecom_enabled=True,
        wecom_webhook="https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
    )
    with pytest.raises(channels.DeliveryError):
        channels.post_json("http://169.254.169.254/latest", {})
