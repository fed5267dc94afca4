"""The visitor counter: once per visitor per day, through the beacon only."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import Client
from django.urls import reverse

from grassroots.core import clock
from grassroots.portal import services
from grassroots.portal.counter import COOKIE
from grassroots.portal.models import Article, Collection, VisitorDay
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def hit(client: Client, article: Article | None = None) -> dict:
    data = {"article": article.pk} if article else {}
    response = client.post(reverse("portal:hit"), data)
    assert response.status_code == 200
    assert response["Cache-Control"] == "no-store"
    return response.json()


def test_a_visitor_counts_once_a_day_and_another_visitor_counts_too(published: Article) -> None:
    clock.set_now(dt.datetime(2026, 10, 8, 9, 0, tzinfo=dt.UTC))
    first = Client()
    assert hit(first)["visitors"] == 1
    assert COOKIE in first.cookies  # a random first-party id, set once
    assert hit(first)["visitors"] == 1  # same visitor, same day: not again
    other = Client()
    assert hit(other)["visitors"] == 2
    clock.set_now(dt.datetime(2026, 10, 9, 9, 0, tzinfo=dt.UTC))
    assert hit(first)["visitors"] == 3  # the next day counts again
    assert hit(first)["visitors"] == 3


def test_an_article_view_counts_once_per_visitor_and_day(published: Article) -> None:
    clock.set_now(dt.datetime(2026, 10, 8, 9, 0, tzinfo=dt.UTC))
    reader = Client()
    assert hit(reader, published)["views"] == 1
    assert hit(reader, published)["views"] == 1
    assert hit(Client(), published)["views"] == 2
    assert hit(reader)["visitors"] == 2  # the footer's count is separate from the views
    published.refresh_from_db()
    assert published.view_count == 2


def test_rendering_a_page_counts_nothing(published: Article) -> None:
    Client().get(reverse("portal:home"))
    Client().get(reverse("portal:article", args=[published.pk]))
    published.refresh_from_db()
    assert published.view_count == 0
    assert VisitorDay.objects.count() == 0


def test_no_raw_cookie_or_address_is_stored(published: Article) -> None:
    client = Client(REMOTE_ADDR="203.0.113.9")
    hit(client)
    visitor_id = client.cookies[COOKIE].value
    stored = VisitorDay.objects.get()
    assert visitor_id not in stored.visitor and "203.0.113.9" not in stored.visitor


def test_a_draft_counts_no_view(town: Town, topic: Collection) -> None:
    draft = services.article_create(actor=town.alice, town=town.town, collection=topic, title="稿")
    assert hit(Client(), draft)["views"] is None
    draft.refresh_from_db()
    assert draft.view_count == 0


def test_the_beacon_only_answers_posts_and_old_days_are_forgotten(published: Article) -> None:
    assert Client().get(reverse("portal:hit")).status_code == 405
    clock.set_now(dt.datetime(2026, 10, 1, 9, 0, tzinfo=dt.UTC))
    hit(Client())
    clock.set_now(dt.datetime(2026, 10, 5, 9, 0, tzinfo=dt.UTC))
    hit(Client())
    assert services.visitor_days_prune() == 1  # the day that can no longer count again
    assert VisitorDay.objects.count() == 1
    assert hit(Client())["visitors"] == 3  # the running total is kept
