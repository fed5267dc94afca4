"""The login and locked-out pages (issue #10): kit fields, one action name, a way out for residents."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def test_the_login_page_has_labelled_fields_and_sends_residents_to_the_report_form() -> None:
    html = Client().get(reverse("accounts:login"), HTTP_ACCEPT_LANGUAGE="zh-hans").text
    assert '<label class="field__label" for="id_username">' in html
    assert 'autocomplete="current-password"' in html
    assert "登录" in html and f'href="{reverse("cases:report")}"' in html


def test_a_wrong_password_says_so_next_to_the_form(town: Town) -> None:
    response = Client().post(reverse("accounts:login"), {"username": "sam", "password": "nope"})
    assert response.status_code == 200 and 'role="alert"' in response.text


def test_the_locked_out_page_says_what_to_do_in_the_kit(town: Town) -> None:
    client = Client()
    url = reverse("accounts:login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(url, {"username": "sam", "password": "wrong"})
    response = client.post(url, {"username": "sam", "password": "wrong"})
    assert response.status_code == 429
    html = response.content.decode()
    assert 'class="empty' in html and "30" in html and f'href="{url}"' in html
