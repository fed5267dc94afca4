""" "Send a test message" on the preferences page: per configured channel, audited, rate-limited."""

from __future__ import annotations

from typing import Any

from django.core import mail
from django.urls import reverse
from django.utils import translation

from grassroots.core.models import AuditEvent
from grassroots.notify import services
from grassroots.notify.channels import DeliveryError
from grassroots.notify.models import Delivery, Notice, Preference
from grassroots.testing import Town

SEND = reverse("notify:send_test")


def test_the_page_offers_a_test_only_for_channels_with_an_address(
    town: Town, robot: Any, page_for: Any
) -> None:
    Preference.objects.create(user=town.sam, wecom_webhook=robot.url)
    town.sam.email = ""
    town.sam.save(update_fields=["email"])
    page = page_for("sam").get(reverse("notify:preferences")).content.decode()
    assert page.count(f'action="{SEND}"') == 1
    assert 'name="channel" value="wecom"' in page
    assert 'value="sms"' not in page and 'value="email"' not in page


def test_a_test_message_reaches_the_robot_with_an_absolute_link_and_is_audited(
    town: Town, robot: Any, settings: Any, page_for: Any
) -> None:
    settings.SITE_URL = "https://gr.example.cn"
    Preference.objects.create(user=town.sam, wecom_webhook=robot.url)  # configured, not enabled
    response = page_for("sam").post(SEND, {"channel": "wecom"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("notify:preferences")
    [message] = robot.received
    content = message["json"]["markdown"]["content"]
    assert "测试消息" in content  # the recipient's language (the default, Chinese)
    assert "https://gr.example.cn/notify/" in content
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["测试消息已发送到企业微信机器人。"]
    event = AuditEvent.objects.get(action="notify.test_sent")
    assert event.data == {"channel": "wecom", "result": "sent", "code": ""}
    # A test is not a notice: the inbox and the delivery queue stay as they were.
    assert not Notice.objects.exists() and not Delivery.objects.exists()


def test_a_failed_test_says_why_in_plain_words(town: Town, robot: Any, page_for: Any) -> None:
    robot.answer = {"errcode": 93000, "errmsg": "invalid webhook url"}
    Preference.objects.create(user=town.sam, wecom_webhook=robot.url)
    response = page_for("sam").post(SEND, {"channel": "wecom"}, follow=True)
    shown = [str(m) for m in response.context["messages"]]
    assert shown == ["测试消息未能发送到企业微信机器人：服务方拒绝了（代码 93000）。"]
    event = AuditEvent.objects.get(action="notify.test_sent")
    assert event.data == {"channel": "wecom", "result": "failed", "code": "93000"}
    with translation.override("en"):
        assert services.failure_words(DeliveryError("x", code="connection")) == (
            "the service could not be reached"
        )


def test_email_test_uses_the_account_address_and_a_channel_without_one_is_refused(
    town: Town, settings: Any, page_for: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    town.sam.email = "sam@example.cn"
    town.sam.save(update_fields=["email"])
    client = page_for("sam")
    client.post(SEND, {"channel": "email"}, follow=True)
    assert [m.to for m in mail.outbox] == [["sam@example.cn"]]
    for channel in ("sms", "dingtalk", "nonsense"):
        response = client.post(SEND, {"channel": channel}, follow=True)
        assert [str(m) for m in response.context["messages"]] == ["该渠道尚未设置。"]
    assert AuditEvent.objects.filter(action="notify.test_sent").count() == 1


def test_test_messages_are_rate_limited(town: Town, robot: Any, page_for: Any) -> None:
    Preference.objects.create(user=town.sam, wecom_webhook=robot.url)
    client = page_for("sam")
    for _ in range(services.TEST_LIMIT):
        client.post(SEND, {"channel": "wecom"}, follow=True)
    response = client.post(SEND, {"channel": "wecom"}, follow=True)
    assert [str(m) for m in response.context["messages"]] == [
        "测试消息发送太频繁，请几分钟后再试。"
    ]
    assert len(robot.received) == services.TEST_LIMIT
    # Another user has their own allowance.
    Preference.objects.create(user=town.rita, wecom_webhook=robot.url)
    page_for("rita").post(SEND, {"channel": "wecom"})
    assert len(robot.received) == services.TEST_LIMIT + 1


def test_sending_a_test_needs_a_login_and_a_post(page_for: Any) -> None:
    from django.test import Client

    assert Client().post(SEND, {"channel": "email"}).status_code == 302
    assert page_for("sam").get(SEND).status_code == 405
