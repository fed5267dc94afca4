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
