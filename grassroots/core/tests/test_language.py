from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client


@pytest.mark.django_db
def test_pages_are_chinese_even_when_the_browser_asks_for_english() -> None:
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    assert response.status_code == 200
    assert 'lang="zh-hans"' in response.text and "登录" in response.text


@pytest.mark.django_db
def test_the_language_switch_gives_english() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get("/accounts/login/")
    assert (
        'lang="en"' in response.text and "Log in" in response.text and "登录" not in response.text
    )


EN = "en-US,en;q=0.9"


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/cases/report/", "/cases/track/", "/cases/public/"])
def test_public_pages_answer_in_the_browsers_language_on_the_first_visit(path: str) -> None:
    english = Client().get(path, HTTP_ACCEPT_LANGUAGE=EN)
    assert english.status_code == 200
    assert 'lang="en"' in english.text and english["Content-Language"] == "en"
    chinese = Client().get(path, HTTP_ACCEPT_LANGUAGE="zh-CN,zh;q=0.9")
    assert 'lang="zh-hans"' in chinese.text


@pytest.mark.django_db
@pytest.mark.parametrize("header", [None, "", "fr-FR,fr;q=0.9", "de"])
def test_chinese_stays_the_default_without_a_language_we_speak(header: str | None) -> None:
    extra = {} if header is None else {"HTTP_ACCEPT_LANGUAGE": header}
    response = Client().get("/cases/report/", **extra)
    assert 'lang="zh-hans"' in response.text and response["Content-Language"] == "zh-hans"
    assert Client().get("/api/notices/", **extra)["Content-Language"] == "zh-hans"


@pytest.mark.django_db
def test_the_api_answers_in_the_clients_language() -> None:
    english = Client().get("/api/notices/", HTTP_ACCEPT_LANGUAGE=EN)
    assert english.status_code in (401, 403)
    assert english["Content-Language"] == "en"
    assert english.json()["detail"] == "Authentication credentials were not provided."
    chinese = Client().get("/api/notices/")
    assert chinese["Content-Language"] == "zh-hans"
    assert chinese.json()["detail"] != english.json()["detail"]


@pytest.mark.django_db
def test_the_language_cookie_wins_over_the_browser_on_public_pages() -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "zh-hans"
    response = client.get("/cases/report/", HTTP_ACCEPT_LANGUAGE=EN)
    assert 'lang="zh-hans"' in response.text


@pytest.mark.django_db
def test_staff_pages_ignore_the_browser_language() -> None:
    response = Client().get("/", HTTP_ACCEPT_LANGUAGE=EN, follow=True)
    assert 'lang="zh-hans"' in response.text
