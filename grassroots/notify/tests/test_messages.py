"""Notices store a key and parameters and read in the reader's language (notify.messages)."""

from __future__ import annotations

import datetime as dt
import importlib
from typing import Any

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client
from django.utils import translation
from django.utils.text import format_lazy

from grassroots.accounts.models import User
from grassroots.core import clock
from grassroots.notify import messages, services
from grassroots.notify.models import Notice, Preference
from grassroots.testing import Town

UTC_DUE = dt.datetime(2026, 11, 29, 8, 21, tzinfo=dt.UTC)  # 16:21 in the town (Asia/Shanghai)
legacy = importlib.import_module("grassroots.notify.migrations.0003_notice_keys")


def warn(user: Any, url: str = "/cases/1/") -> Notice:
    services.notify(
        recipients=[user],
        message="case.warning",
        params={"case": 1, "code": "A-0001", "due": UTC_DUE},
        body="路灯坏了",
        url=url,
    )
    return Notice.objects.filter(recipient=user).latest("id")


def client_in(user: Any, language: str) -> Client:
    c = Client()
    c.force_login(user)
    c.cookies["django_language"] = language
    return c


def test_a_notice_stores_a_key_and_data_never_words(town: Town) -> None:
    notice = warn(town.sam)
    assert notice.message == "case.warning" and notice.kind == "case.warning"
    assert notice.params == {"case": 1, "code": "A-0001", "due": UTC_DUE.isoformat()}
    assert notice.fallback_title == ""


def test_the_same_notice_reads_chinese_to_a_zh_reader_and_english_to_an_en_reader(
    town: Town,
) -> None:
    notice = warn(town.sam)
    zh = client_in(town.sam, "zh-hans").get("/notify/").content.decode()
    en = client_in(town.sam, "en").get("/notify/").content.decode()
    # The due time is shown in the town's time zone, not in UTC.
    assert "诉求 A-0001 将于 2026-11-29 16:21 到期" in zh
    assert "Case A-0001 is due on 2026-11-29 16:21" in en
    assert "路灯坏了" in zh and "路灯坏了" in en  # the resident's words stay as they are
    api_zh = client_in(town.sam, "zh-hans").get(f"/api/notices/{notice.pk}/").json()
    api_en = client_in(town.sam, "en").get(f"/api/notices/{notice.pk}/").json()
    assert api_zh["title"] == "诉求 A-0001 将于 2026-11-29 16:21 到期"
    assert api_en["title"] == "Case A-0001 is due on 2026-11-29 16:21"
    assert api_en["message"] == "case.warning" and api_en["params"]["code"] == "A-0001"


def test_the_model_renders_in_a_given_language_or_the_active_one(town: Town) -> None:
    notice = warn(town.sam)
    assert notice.render("en")[0] == "Case A-0001 is due on 2026-11-29 16:21"
    with translation.override("zh-hans"):
        assert notice.title == "诉求 A-0001 将于 2026-11-29 16:21 到期"
        assert notice.text == "路灯坏了"


def test_a_notice_written_before_keys_is_still_readable(town: Town) -> None:
    old = Notice.objects.create(
        recipient=town.sam, kind="k", fallback_title="旧的通知", created_at=clock.now()
    )
    assert old.render("en") == ("旧的通知", "") and old.render("zh-hans")[0] == "旧的通知"
    assert "旧的通知" in client_in(town.sam, "en").get("/notify/").content.decode()
    # A key nobody registers any more, or parameters that no longer fit, fall back too.
    gone = Notice.objects.create(
        recipient=town.sam,
        kind="x",
        message="gone.away",
        fallback_title="保留的文字",
        created_at=clock.now(),
    )
    assert gone.title == "保留的文字"
    broken = Notice.objects.create(
        recipient=town.sam,
        kind="case.warning",
        message="case.warning",
        params={"nothing": 1},
        fallback_title="参数不符",
        created_at=clock.now(),
    )
    assert broken.title == "参数不符"


@pytest.mark.parametrize(
    ("title", "key", "params"),
    [
        ("诉求 A-0001 已派给您", "case.assigned", {"code": "A-0001"}),
        ("Case A-0001 assigned to you", "case.assigned", {"code": "A-0001"}),
        (
            "新诉求 A-0002：路灯坏了：急",
            "case.submitted",
            {"code": "A-0002", "title": "路灯坏了：急"},
        ),
        ("诉求 A-3 已重新启动，请指定承办人", "case.reopened.designate", {"code": "A-3"}),
        ("诉求 A-3 已重新启动", "case.reopened", {"code": "A-3"}),
        (
            "Case A-4 is overdue: supervised (督办), level 2",
            "case.overdue",
            {"code": "A-4", "level": 2},
        ),
        (
            "诉求 A-5 将于 2026-11-29 08:21 到期",
            "case.warning",
            {"code": "A-5", "due": "2026-11-29T08:21:00+00:00"},
        ),
        (
            "诉求 A-6：张三 在1个工作日内未签收也未退回",
            "case.handler_late",
            {"code": "A-6", "handler": "张三"},
        ),
    ],
)
def test_the_migration_maps_old_titles_to_keys(title: str, key: str, params: dict) -> None:
    assert legacy.parse(title) == (key, params)
    # And every key it maps to is one cases registers.
    assert messages.get(key) is not None
    rendered = messages.render(key, params, language="en")[0]
    assert "A-" in rendered and rendered != key


def test_the_migration_leaves_unknown_titles_alone() -> None:
    assert legacy.parse("随便什么") is None
    assert legacy.parse("诉求 A-5 将于 明天 到期") is None


def test_outbound_messages_use_the_recipients_language_and_absolute_links(
    town: Town, settings: Any, django_capture_on_commit_callbacks: Any
) -> None:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.SITE_URL = "https://gr.example.cn"
    Preference.objects.create(user=town.sam, email_enabled=True, email="sam@example.cn")
    Preference.objects.create(
        user=town.rita, email_enabled=True, email="rita@example.cn", language="en"
    )
    with translation.override("en"), django_capture_on_commit_callbacks(execute=True):
        services.notify(
            recipients=[town.sam, town.rita],
            message="case.assigned",
            params={"code": "A-9"},
            url="/cases/9/",
        )
    subjects = {m.to[0]: m.subject for m in mail.outbox}
    assert subjects == {
        "sam@example.cn": "诉求 A-9 已派给您",  # the default language, whatever is active
        "rita@example.cn": "Case A-9 assigned to you",
    }
    assert all("https://gr.example.cn/cases/9/" in m.body for m in mail.outbox)


def test_the_language_preference_is_saved(town: Town) -> None:
    c = client_in(town.sam, "zh-hans")
    assert c.post("/notify/preferences/", {"language": "en"}).status_code == 302
    assert Preference.objects.get(user=town.sam).language == "en"
    # Leaving it out keeps it.
    c.post("/notify/preferences/", {"muted_kinds": ["case.warning"]})
    assert Preference.objects.get(user=town.sam).language == "en"


def test_notify_refuses_unknown_keys_and_translated_parameters(town: Town) -> None:
    with pytest.raises(ValueError, match="unknown notice message"):
        services.notify(recipients=[town.sam], message="no.such.key")
    with pytest.raises(TypeError, match="translation"):
        services.notify(
            recipients=[town.sam],
            message="case.assigned",
            params={"code": format_lazy("{}", "A-1")},
        )
    with pytest.raises(ValueError, match="needs a message"):
        services.notify(recipients=[town.sam], kind="k")


def test_a_message_key_registers_once() -> None:
    first = messages.register("test.once", "Hello %(name)s")
    assert messages.register("test.once", "Hello %(name)s") is not None
    with pytest.raises(ValueError, match="already registered"):
        messages.register("test.once", "Hi %(name)s")
    assert first.notice_kind == "test.once"
    del messages.REGISTRY["test.once"]


def test_the_preferences_offer_the_registered_kinds_in_the_readers_language(town: Town) -> None:
    zh = client_in(town.sam, "zh-hans").get("/notify/preferences/").content.decode()
    en = client_in(town.sam, "en").get("/notify/preferences/").content.decode()
    assert "到期预警" in zh and 'value="case.warning"' in zh
    assert "Deadline warnings" in en and "到期预警" not in en


@pytest.mark.django_db(transaction=True)
def test_rows_written_before_the_keys_are_mapped_by_the_migration() -> None:
    """Migrate notify back to its first schema, write old-style rows, migrate forward."""
    executor = MigrationExecutor(connection)
    executor.migrate([("notify", "0001_initial")])
    old = executor.loader.project_state([("notify", "0001_initial")]).apps
    user = old.get_model("accounts", "User").objects.create(username="old-reader")
    Notice0 = old.get_model("notify", "Notice")
    now = clock.now()
    mapped = Notice0.objects.create(
        recipient=user, kind="case.assigned", title="诉求 A-7 已派给您", created_at=now
    )
    kept = Notice0.objects.create(recipient=user, kind="k", title="手工通知", created_at=now)
    try:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes("notify"))
        notice = Notice.objects.get(pk=mapped.pk)
        assert (notice.message, notice.params) == ("case.assigned", {"code": "A-7"})
        assert notice.render("en")[0] == "Case A-7 assigned to you"
        other = Notice.objects.get(pk=kept.pk)
        assert other.message == "" and other.render("en")[0] == "手工通知"
    finally:
        Notice.objects.filter(recipient__username="old-reader").delete()
        User.objects.filter(username="old-reader").delete()
