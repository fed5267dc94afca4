"""The public pages: they render for anyone, are shared-cacheable and set no cookie."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from grassroots.core import clock
from grassroots.portal import services
from grassroots.portal.models import Article, Collection
from grassroots.portal.tests.conftest import png
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def public_urls(article: Article, topic: Collection) -> list[str]:
    return [
        reverse("portal:home"),
        reverse("portal:topic", args=[topic.slug]),
        reverse("portal:article", args=[article.pk]),
        reverse("portal:figures"),
        reverse("portal:disclosure"),
        reverse("portal:notices"),
    ]


def test_every_public_page_renders_cacheable_without_a_cookie(
    published: Article, topic: Collection
) -> None:
    client = Client()
    for url in public_urls(published, topic):
        response = client.get(url)
        assert response.status_code == 200, url
        cache = response["Cache-Control"]
        assert "public" in cache and "max-age=60" in cache, (url, cache)
        assert "Cookie" not in response.get("Vary", ""), (url, response.get("Vary"))
        assert not response.cookies, (url, list(response.cookies))
        assert b"csrfmiddlewaretoken" not in response.content


def test_a_response_that_writes_the_session_is_never_shared_cacheable(
    client_for: Any, published: Article
) -> None:
    """The idle timeout refreshes a signed-in user's session at most once a minute: that
    response carries a session cookie and must stay private; the next one is public again."""
    client = client_for("alice")
    url = reverse("portal:article", args=[published.pk])
    first = client.get(url)
    assert first.status_code == 200
    assert "private" in first["Cache-Control"] and "public" not in first["Cache-Control"]
    second = client.get(url)
    assert "public" in second["Cache-Control"]
    assert "Cookie" not in second.get("Vary", "")
    assert not second.cookies


def test_the_article_page_has_the_breadcrumb_source_time_views_and_captioned_images(
    town: Town, published: Article, topic: Collection
) -> None:
    image = services.image_add(
        actor=town.alice, article=published, upload=png(), caption="入户走访"
    )
    response = Client().get(reverse("portal:article", args=[published.pk]))
    html = response.content.decode()
    assert "当前位置" in html and "首页" in html and "专题资料库" in html and "正文" in html
    # The page shows the town's local date (after 16:00 UTC it is already tomorrow in China).
    shown = timezone.localtime(published.published_at).strftime("%Y-%m-%d")
    assert "测试镇党委" in html and shown in html
    assert "浏览次数" in html
    assert f'src="{reverse("portal:image", args=[image.pk])}"' in html
    assert "<figcaption>入户走访</figcaption>" in html
    assert "您是第 __N__ 位来访者" in html  # the beacon's template, filled by portal.js
    picture = Client().get(reverse("portal:image", args=[image.pk]))
    assert picture.status_code == 200 and picture["Content-Type"] == "image/jpeg"  # re-encoded


def test_drafts_and_their_images_are_not_public(town: Town, topic: Collection) -> None:
    draft = services.article_create(
        actor=town.alice, town=town.town, collection=topic, title="草稿"
    )
    image = services.image_add(actor=town.alice, article=draft, upload=png())
    client = Client()
    assert client.get(reverse("portal:article", args=[draft.pk])).status_code == 404
    assert client.get(reverse("portal:image", args=[image.pk])).status_code == 404
    assert "草稿" not in client.get(reverse("portal:home")).content.decode()
    assert "草稿" not in client.get(reverse("portal:topic", args=[topic.slug])).content.decode()


def test_a_scheduled_article_appears_at_its_time_and_unpublishing_hides_it(
    town: Town, topic: Collection
) -> None:
    clock.set_now(dt.datetime(2026, 9, 1, 9, 0, tzinfo=dt.UTC))
    article = services.article_create(
        actor=town.alice, town=town.town, collection=topic, title="定时发布的文章"
    )
    services.article_publish(
        actor=town.alice, article=article, at=dt.datetime(2026, 9, 1, 12, 0, tzinfo=dt.UTC)
    )
    url = reverse("portal:article", args=[article.pk])
    assert Client().get(url).status_code == 404
    clock.set_now(dt.datetime(2026, 9, 1, 12, 1, tzinfo=dt.UTC))
    assert Client().get(url).status_code == 200
    assert "定时发布的文章" in Client().get(reverse("portal:home")).content.decode()
    assert services.publish_due() == 1
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED
    services.article_unpublish(actor=town.alice, article=article)
    assert Client().get(url).status_code == 404
    assert "定时发布的文章" not in Client().get(reverse("portal:home")).content.decode()


def test_the_home_page_lists_the_latest_articles_per_collection_and_links_the_case_board(
    published: Article,
) -> None:
    html = Client().get(reverse("portal:home")).content.decode()
    assert "村民代表走访记" in html
    assert reverse("cases:public_index") in html
    assert reverse("portal:disclosure") in html
    assert reverse("portal:notices") in html


def test_disclosure_filters_by_branch_and_quarter(town: Town) -> None:
    for branch, quarter in (
        (town.branch_a, "2026Q2"),
        (town.branch_a, "2026Q3"),
        (town.branch_b, "2026Q3"),
    ):
        services.disclosure_create(
            actor=town.alice,
            branch=branch,
            quarter=quarter,
            category="dues",
            title=f"{branch.name}{quarter}党费收缴公开",
            body="应缴 12 人，已缴 12 人。",
            publish=True,
        )
    services.disclosure_create(
        actor=town.alice,
        branch=town.branch_b,
        quarter="2026Q3",
        category="major",
        title="未发布事项",
        body="草稿",
    )
    url = reverse("portal:disclosure")
    latest = Client().get(url).content.decode()  # the latest quarter by default
    assert f"{town.branch_a.name}2026Q3" in latest and f"{town.branch_b.name}2026Q3" in latest
    assert "2026Q2党费" not in latest and "未发布事项" not in latest
    only_a = Client().get(url, {"branch": town.branch_a.pk, "quarter": "2026Q2"}).content.decode()
    assert f"{town.branch_a.name}2026Q2" in only_a and town.branch_b.name + "2026Q3" not in only_a
    assert Client().get(url, {"branch": "x", "quarter": "<b>"}).status_code == 200


def test_a_page_in_a_chosen_language_is_private(published: Article) -> None:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    response = client.get(reverse("portal:article", args=[published.pk]))
    assert response.status_code == 200 and 'lang="en"' in response.content.decode()
    assert "private" in response["Cache-Control"]
