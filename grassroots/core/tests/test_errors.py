"""Errors a person can read: pages and JSON bodies in the interface language, never a traceback."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.db import OperationalError
from django.test import Client

from grassroots.core import errors
from grassroots.testing import Town

pytestmark = [pytest.mark.urls("grassroots.core.tests.error_urls"), pytest.mark.django_db]

LEAKS = ("Traceback", "URLconf", "a secret in its message", "127.0.0.1 failed", "Django")


def client(language: str | None = None) -> Client:
    c = Client(raise_request_exception=False)
    if language:
        c.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return c


def assert_readable(response: Any, status: int, *words: str) -> None:
    assert response.status_code == status
    text = response.content.decode()
    for leak in LEAKS:
        assert leak not in text, leak
    for word in words:
        assert word in text, (word, text[:2000])


PAGES = [
    ("/no-such-page/", 404, "页面没有找到", "Page not found"),
    ("/test-fail/400/", 400, "无法理解", "could not be understood"),
    ("/test-fail/403/", 403, "无权", "You may not do this"),
    ("/test-limited/", 429, "请求过于频繁", "Too many requests"),
    ("/test-fail/500/", 500, "我们这边出了问题", "Something went wrong on our side"),
    ("/test-fail/503/", 503, "暂时不可用", "temporarily unavailable"),
    ("/test-fail/503i/", 503, "暂时不可用", "temporarily unavailable"),
]


@pytest.mark.parametrize(("url", "status", "chinese", "english"), PAGES)
def test_error_pages_are_friendly_in_both_languages(
    url: str, status: int, chinese: str, english: str
) -> None:
    zh = client().get(url)
    assert_readable(zh, status, chinese, 'lang="zh-hans"', 'href="/"', "返回首页")
    assert "English" in zh.text  # the language switch of the base layout
    en = client("en").get(url)
    assert_readable(en, status, english, 'lang="en"', "Back to the home page")
    assert chinese not in en.text
    if status in (429, 503):
        assert zh["Retry-After"] == en["Retry-After"] == str(errors.RETRY_AFTER_S)


def test_a_wrong_host_is_a_friendly_400() -> None:
    assert_readable(client().get("/", HTTP_HOST="evil.example"), 400, "无法理解")


def test_a_database_failure_before_the_view_is_a_503_page(
    town: Town, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The session is read by a middleware: the fault surfaces before any view runs."""
    c = client()
    c.force_login(town.sam)

    def database_down(self: SessionStore) -> dict[str, Any]:
        raise OperationalError("server closed the connection unexpectedly")

    monkeypatch.setattr(SessionStore, "load", database_down)
    response = c.get("/grid/households/")
    assert_readable(response, 503, "暂时不可用")
    assert "closed the connection" not in response.text


API = [
    ("/api/no-such-route/", 404, "not_found", "页面没有找到", "Page not found"),
    ("/api/cases/999999999/", 404, "not_found", "未找到", "Not found"),
    ("/api/test-fail/403/", 403, "permission_denied", "您没有执行该操作的权限", "permission"),
    ("/api/test-fail/429/", 429, "throttled", "请求已被限流", "throttled"),
    ("/api/test-fail/500/", 500, "server_error", "我们这边出了问题", "Something went wrong"),
    ("/api/test-fail/503/", 503, "service_unavailable", "暂时不可用", "temporarily unavailable"),
    ("/api/test-fail/503i/", 503, "service_unavailable", "暂时不可用", "temporarily unavailable"),
]


@pytest.mark.parametrize(("url", "status", "code", "chinese", "english"), API)
def test_api_errors_are_json_detail_and_code_in_both_languages(
    town: Town, api_for: Any, url: str, status: int, code: str, chinese: str, english: str
) -> None:
    for language, words in ((None, chinese), ("en", english)):
        api = api_for("sam")
        api.raise_request_exception = False
        if language:
            api.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        response = api.get(url)
        assert_readable(response, status)
        assert response["Content-Type"] == "application/json"
        body = response.json()
        assert set(body) == {"detail", "code"} and body["code"] == code, body
        assert words in body["detail"], body
        if status in (429, 503):
            assert int(response["Retry-After"]) > 0


def test_an_anonymous_api_call_says_why_in_json() -> None:
    body = client("en").get("/api/cases/").json()
    assert body["code"] == "not_authenticated" and "credentials" in body["detail"]


def test_field_validation_errors_keep_their_fields() -> None:
    response = client("en").get("/api/test-fail/400/")
    assert response.status_code == 400 and response.json() == {"text": ["required"]}


def test_a_form_without_its_csrf_token_says_what_to_do() -> None:
    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/accounts/login/", {"username": "sam", "password": "x"})
    assert_readable(response, 403, "表单已过期", "返回首页")
    strict.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = strict.post("/accounts/login/", {"username": "sam", "password": "x"})
    assert_readable(response, 403, "The form has expired")
