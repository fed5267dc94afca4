"""Every link that leaves the site is absolute; group chats never read a resident's name or phone."""

from __future__ import annotations

from typing import Any

from django.core import mail

from grassroots.cases.tests.helpers import file_case
from grassroots.notify import channels, services
from grassroots.notify.models import Delivery, Preference, TownWebhook
from grassroots.testing import Town

SITE = "https://gr.example.cn"


def test_a_case_reaches_the_town_robot_with_the_site_url_and_without_the_residents_name_or_phone(
    town: Town, robot: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = SITE
    TownWebhook.objects.create(town=town.town, name="镇群", channel="wecom", url=robot.url)
    with django_capture_on_commit_callbacks(execute=True):
        # No title: the case's title is the first words of the text, name and phone included.
        case = file_case(
            town,
            text="我是王秀英，电话13812345678，村口路灯坏了三天了",
            reporter_name="王秀英",
            reporter_phone="13812345678",
        )
    assert "王秀英" in case.title and "13812345678" in case.title
    [message] = robot.received
    content = message["json"]["markdown"]["content"]
    assert f"{SITE}/cases/{case.pk}/" in content
    assert case.code in content and "村口路灯坏了" in content
    assert "王秀英" not in content and "13812345678" not in content
    assert "王**" in content and "138****5678" in content
    assert Delivery.objects.get(town_webhook__isnull=False).status == "sent"


def test_every_channel_that_leaves_the_site_carries_an_absolute_link(
    town: Town, robot: Any, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.SITE_URL = SITE + "/"  # a trailing slash does not double
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.NOTIFY_SMS_BACKEND = "grassroots.notify.channels.LocmemSmsBackend"
    channels.outbox.clear()
    services.preference_update(
        actor=town.sam,
        email_enabled=True,
        email="sam@example.cn",
        wecom_enabled=True,
        wecom_webhook=robot.url,
        dingtalk_enabled=True,
        dingtalk_webhook=robot.url,
        sms_enabled=True,
        phone="13800001111",
    )
    with django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[town.sam], message="case.assigned", params={"code": "A-7"}, url="/cases/7/"
        )
    link = f"{SITE}/cases/7/"
    assert set(Delivery.objects.values_list("channel", "status")) == {
        (c, "sent") for c in ("inapp", "email", "wecom", "dingtalk", "sms")
    }
    assert link in mail.outbox[0].body
    wecom, dingtalk = sorted(robot.received, key=lambda m: "text" in m["json"]["markdown"])
    assert f"[{link}]({link})" in wecom["json"]["markdown"]["content"]
    assert f"[{link}]({link})" in dingtalk["json"]["markdown"]["text"]
    assert channels.outbox == [("13800001111", f"诉求 A-7 已派给您\n{link}")]
    assert Preference.objects.get(user=town.sam).phone_masked == "138****1111"


def test_group_text_masks_names_and_phone_landline_and_id_numbers() -> None:
    text = "张三丰 13912345678 0571-88886666 身份证 110101199003074477 已报"
    safe = channels.group_safe(text, hidden=["张三丰", "", " "])
    assert safe == "张** 139****5678 057*****6666 身份证 110101********4477 已报"
    # Absolute links are left alone, relative ones get the site.
    assert channels.absolute_url("https://other.example/x") == "https://other.example/x"


def test_grassroots_check_wants_a_site_url_people_can_open() -> None:
    from grassroots.core.management.commands.deploy_check import site_url_problem

    assert site_url_problem("https://gr.example.cn", production=True) == ""
    assert site_url_problem("http://127.0.0.1:8000", production=False) == ""
    assert "points at this machine" in site_url_problem("http://127.0.0.1:8000", production=True)
    assert "must look like" in site_url_problem("gr.example.cn", production=False)
    assert "must look like" in site_url_problem("https://gr.example.cn/grassroots", production=True)
