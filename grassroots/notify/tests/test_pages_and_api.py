"""The inbox, the badge, preferences and /api/notices/: a user only ever sees their own."""

from __future__ import annotations

import re
from typing import Any

from grassroots.notify import services
from grassroots.notify.models import Notice, Preference
from grassroots.testing import Town


def give(user: Any, title: str, url: str = "") -> Notice:
    services.notify(recipients=[user], kind="test", title=title, url=url)
    return Notice.objects.filter(recipient=user).latest("id")


def test_inbox_lists_only_my_notices_with_the_unread_count(town: Town, page_for: Any) -> None:
    give(town.sam, "给萨姆的通知")
    give(town.sam, "第二条")
    give(town.rita, "给丽塔的通知")
    page = page_for("sam").get("/notify/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "给萨姆的通知" in html and "第二条" in html
    assert "给丽塔的通知" not in html
    assert page.context["unread"] == 2
    # The badge in the navigation bar shows the same count.
    assert 'id="notice-badge"' in html
    assert '<span class="badge"' in html


def test_the_unread_filter_hides_read_notices(town: Town, page_for: Any) -> None:
    old = give(town.sam, "已读的")
    give(town.sam, "未读的")
    services.notice_mark_read(actor=town.sam, notice=old)
    html = page_for("sam").get("/notify/?unread=true").content.decode()
    assert "未读的" in html and "已读的" not in html


def test_marking_read_with_htmx_swaps_the_row_and_refreshes_the_badge(
    town: Town, page_for: Any
) -> None:
    notice = give(town.sam, "标记")
    response = page_for("sam").post(f"/notify/{notice.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert response["HX-Trigger"] == "notices-changed"
    assert f'id="notice-{notice.pk}"' in response.content.decode()
    notice.refresh_from_db()
    assert notice.read_at is not None


def test_someone_elses_notice_is_not_found(town: Town, page_for: Any) -> None:
    notice = give(town.rita, "丽塔的")
    sam = page_for("sam")
    assert sam.post(f"/notify/{notice.pk}/read/").status_code == 404
    assert sam.get(f"/notify/{notice.pk}/open/").status_code == 404
    notice.refresh_from_db()
    assert notice.read_at is None


def test_even_a_superuser_sees_only_their_own_notices(town: Town, page_for: Any) -> None:
    notice = give(town.rita, "丽塔的")
    root = page_for("root")
    assert root.post(f"/notify/{notice.pk}/read/").status_code == 404
    assert "丽塔的" not in root.get("/notify/").content.decode()


def test_mark_all_read(town: Town, page_for: Any) -> None:
    give(town.sam, "一")
    give(town.sam, "二")
    give(town.rita, "丽塔的")
    response = page_for("sam").post("/notify/read-all/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert services.unread_count(town.sam) == 0
    assert services.unread_count(town.rita) == 1


def test_opening_a_notice_marks_it_read_and_follows_only_local_links(
    town: Town, page_for: Any
) -> None:
    local = give(town.sam, "本站", url="/cases/7/")
    foreign = give(town.sam, "外站", url="https://evil.example/")
    sam = page_for("sam")
    assert sam.get(f"/notify/{local.pk}/open/").url == "/cases/7/"
    assert sam.get(f"/notify/{foreign.pk}/open/").url == "/notify/"
    assert services.unread_count(town.sam) == 0


def test_the_badge_fragment_counts_unread(town: Town, page_for: Any) -> None:
    give(town.sam, "一")
    html = page_for("sam").get("/notify/badge/").content.decode()
    # The bell says how many are unread, to the eye and to a screen reader.
    assert '<span class="badge">1</span>' in html
    assert re.search(r'id="notice-badge"[^>]*aria-label="[^"]*1[^"]*"', html)


def test_anonymous_visitors_are_sent_to_login(town: Town, client: Any) -> None:
    assert client.get("/notify/").status_code == 302
    assert client.get("/api/notices/").status_code in (401, 403)


def test_preferences_are_saved_for_myself(town: Town, page_for: Any) -> None:
    sam = page_for("sam")
    assert sam.get("/notify/preferences/").status_code == 200
    response = sam.post(
        "/notify/preferences/",
        {
            "email_enabled": "on",
            "email": "sam@example.cn",
            "dingtalk_enabled": "on",
            "dingtalk_webhook": "https://oapi.dingtalk.com/robot/send?access_token=t",
            "dingtalk_secret": "SECxyz",
            "sms_enabled": "on",
            "phone": "13800001111",
            "muted_kinds": ["case.warning", "case.overdue"],
        },
    )
    assert response.status_code == 302
    pref = Preference.objects.get(user=town.sam)
    assert pref.email_enabled and pref.dingtalk_secret == "SECxyz"
    assert pref.muted_kinds == ["case.warning", "case.overdue"]
    assert pref.phone and "13800001111" not in pref.phone  # sealed
    # Saving again without a secret or phone keeps both.
    sam.post(
        "/notify/preferences/",
        {"dingtalk_enabled": "on", "dingtalk_webhook": pref.dingtalk_webhook},
    )
    pref.refresh_from_db()
    assert pref.dingtalk_secret == "SECxyz" and pref.phone_masked


def test_preferences_refuse_a_webhook_to_an_arbitrary_host(town: Town, page_for: Any) -> None:
    response = page_for("sam").post(
        "/notify/preferences/",
        {"wecom_enabled": "on", "wecom_webhook": "http://192.168.1.1/admin"},
    )
    assert response.status_code == 200
    assert response.context["form"].errors["wecom_webhook"]
    assert not Preference.objects.filter(user=town.sam).exists()


def test_api_lists_my_notices_and_marks_them_read(town: Town, api_for: Any) -> None:
    mine = give(town.rita, "丽塔的")
    give(town.rita, "第二条")
    give(town.sam, "萨姆的")
    api = api_for("rita")
    listing = api.get("/api/notices/").json()
    assert listing["count"] == 2
    assert {n["title"] for n in listing["results"]} == {"丽塔的", "第二条"}
    assert api.get("/api/notices/unread/").json() == {"unread": 2}
    answer = api.post(f"/api/notices/{mine.pk}/read/").json()
    assert answer["read"] is True
    assert api.get("/api/notices/?unread=true").json()["count"] == 1
    assert api.post("/api/notices/read-all/").json() == {"marked": 1}
    assert api.get("/api/notices/?unread=true").json()["count"] == 0


def test_api_gives_404_for_someone_elses_notice(town: Town, api_for: Any) -> None:
    theirs = give(town.sam, "萨姆的")
    api = api_for("rita")
    assert api.get(f"/api/notices/{theirs.pk}/").status_code == 404
    assert api.post(f"/api/notices/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_inbox_speaks_chinese_by_default(town: Town, page_for: Any) -> None:
    give(town.sam, "一")
    html = page_for("sam").get("/notify/").content.decode()
    assert "全部标为已读" in html and "1 条未读" in html


def test_a_town_robot_must_point_at_an_official_host(town: Town, page_for: Any) -> None:
    from grassroots.notify.models import TownWebhook

    admin = page_for("root")
    url = "/admin/notify/townwebhook/add/"
    data = {"town": town.town.pk, "name": "镇群", "channel": "wecom", "kinds": "", "secret": ""}
    refused = admin.post(url, {**data, "url": "http://10.1.2.3/hook"})
    assert refused.status_code == 200 and not TownWebhook.objects.exists()
    ok = admin.post(
        url,
        {
            **data,
            "url": "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc",
            "enabled": "on",
        },
    )
    assert ok.status_code == 302
    assert TownWebhook.objects.get().enabled
