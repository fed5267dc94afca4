"""Staff editing: scoped to the publisher's town, through the services, audited."""

from __future__ import annotations

from typing import Any

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.grid import services as grid
from grassroots.grid.models import Place
from grassroots.portal import services
from grassroots.portal.models import Article, ArticleImage, Collection, Disclosure
from grassroots.portal.tests.conftest import png
from grassroots.testing import Town

pytestmark = pytest.mark.django_db


def actions() -> list[str]:
    return list(
        AuditEvent.objects.filter(action__startswith="portal.")
        .order_by("pk")
        .values_list("action", flat=True)
    )


@pytest.fixture
def far_article(town: Town, topic: Collection) -> Article:
    far = grid.place_create(
        actor=town.root, parent=None, kind=Place.Kind.TOWN, name="远方镇", code="430121299000"
    )
    return services.article_create(actor=town.root, town=far, collection=topic, title="远方文章")


def test_a_publisher_writes_publishes_and_every_step_is_audited(
    client_for: Any, town: Town, topic: Collection
) -> None:
    client = client_for("alice")
    response = client.post(
        reverse("portal:manage_new"),
        {
            "town": town.town.pk,
            "collection": topic.pk,
            "title": "  培训季圆满结束 ",
            "source": "镇党委组织办",
            "body": '<p>共 <strong>12</strong> 期。</p><script>x()</script><img src="https://a.b/c.png">',
        },
    )
    article = Article.objects.get()
    assert response.status_code == 302
    assert article.title == "培训季圆满结束" and article.status == Article.Status.DRAFT
    assert article.body == "<p>共 <strong>12</strong> 期。</p><img>"
    page = reverse("portal:manage_article", args=[article.pk])
    client.post(
        reverse("portal:manage_image_add", args=[article.pk]),
        {"image-image": png(), "image-caption": "结业合影"},
    )
    image = ArticleImage.objects.get()
    assert image.caption == "结业合影" and image.image.name.startswith("portal/images/")
    body = f'<figure><img src="{reverse("portal:image", args=[image.pk])}"><figcaption>结业</figcaption></figure>'
    client.post(page, {"collection": topic.pk, "title": "培训季圆满结束", "body": body})
    article.refresh_from_db()
    assert reverse("portal:image", args=[image.pk]) in article.body  # its own image is kept
    assert client.post(reverse("portal:manage_publish", args=[article.pk])).status_code == 302
    article.refresh_from_db()
    assert article.status == Article.Status.PUBLISHED and article.published_at is not None
    client.post(reverse("portal:manage_unpublish", args=[article.pk]))
    article.refresh_from_db()
    assert article.status == Article.Status.UNPUBLISHED
    assert client.get(page).status_code == 200
    assert actions() == [
        Action.PORTAL_ARTICLE_CREATED,
        Action.PORTAL_IMAGE_ADDED,
        Action.PORTAL_ARTICLE_UPDATED,
        Action.PORTAL_ARTICLE_PUBLISHED,
        Action.PORTAL_ARTICLE_UNPUBLISHED,
    ]


def test_the_organisation_officer_publishes_for_the_committees_town(
    client_for: Any, town: Town, topic: Collection, far_article: Article
) -> None:
    client = client_for("olga")  # reaches the town committee, not the town's places
    assert client.get(reverse("portal:manage_new")).status_code == 200
    response = client.post(
        reverse("portal:manage_new"),
        {"town": town.town.pk, "collection": topic.pk, "title": "党委中心组学习"},
    )
    article = Article.objects.get(title="党委中心组学习")
    assert response.status_code == 302 and article.town == town.town
    assert client.get(reverse("portal:manage_article", args=[article.pk])).status_code == 200
    assert client.get(reverse("portal:manage_article", args=[far_article.pk])).status_code == 404
    with pytest.raises(Http404):
        services.article_create(actor=town.olga, town=far_article.town, collection=topic, title="x")


def test_images_are_reordered_recaptioned_and_removed(
    client_for: Any, town: Town, published: Article
) -> None:
    first = services.image_add(actor=town.alice, article=published, upload=png(), caption="一")
    second = services.image_add(actor=town.alice, article=published, upload=png(), caption="二")
    url = reverse("portal:manage_image", args=[second.pk])
    client = client_for("alice")
    client.post(url, {"do": "up"})
    assert list(published.images.values_list("caption", flat=True)) == ["二", "一"]
    client.post(url, {f"img{second.pk}-caption": "第二张"})
    second.refresh_from_db()
    assert second.caption == "第二张"
    assert client.get(url).status_code == 200  # staff see the file
    client.post(reverse("portal:manage_image", args=[first.pk]), {"do": "remove"})
    assert list(published.images.values_list("caption", flat=True)) == ["第二张"]
    assert Action.PORTAL_IMAGE_REMOVED in actions()


def test_another_towns_article_is_missing_for_a_publisher(
    client_for: Any, town: Town, far_article: Article
) -> None:
    client = client_for("alice")
    for name in ("portal:manage_article", "portal:manage_publish", "portal:manage_unpublish"):
        url = reverse(name, args=[far_article.pk])
        response = client.post(url) if "publish" in name else client.get(url)
        assert response.status_code == 404, name
    far_article.refresh_from_db()
    assert far_article.status == Article.Status.DRAFT
    with pytest.raises(Http404):
        services.article_publish(actor=town.alice, article=far_article)


def test_who_cannot_publish_gets_404_and_the_service_refuses(
    client_for: Any, town: Town, published: Article, topic: Collection
) -> None:
    for name in ("sam", "rita", "ivan", "oscar"):
        client = client_for(name)
        assert client.get(reverse("portal:manage_new")).status_code == 404, name
        assert client.get(reverse("portal:manage_article", args=[published.pk])).status_code == 404
    assert client_for("rita").get(reverse("portal:manage")).status_code == 404
    with pytest.raises(PermissionDenied):
        services.article_create(actor=town.sam, town=town.town, collection=topic, title="越权")
    with pytest.raises(PermissionDenied):
        services.article_unpublish(actor=town.sam, article=published)


def test_a_secretary_discloses_for_their_branch_only(client_for: Any, town: Town) -> None:
    client = client_for("sam")
    response = client.post(
        reverse("portal:manage_disclosure_new"),
        {
            "branch": town.branch_a.pk,
            "quarter": "2026Q3",
            "category": "dues",
            "title": "第三季度党费收缴情况",
            "body": "应缴 20 人，实缴 20 人。",
            "publish": "on",
        },
    )
    assert response.status_code == 302
    item = Disclosure.objects.get()
    assert item.branch == town.branch_a and item.published_at is not None
    refused = client.post(
        reverse("portal:manage_disclosure_new"),
        {
            "branch": town.branch_b.pk,
            "quarter": "2026Q3",
            "category": "dues",
            "title": "x",
            "body": "y",
        },
    )
    assert refused.status_code == 400 and Disclosure.objects.count() == 1
    bad_quarter = client.post(
        reverse("portal:manage_disclosure_new"),
        {
            "branch": town.branch_a.pk,
            "quarter": "2026-3",
            "category": "dues",
            "title": "x",
            "body": "y",
        },
    )
    assert bad_quarter.status_code == 400
    other = services.disclosure_create(
        actor=town.alice,
        branch=town.branch_b,
        quarter="2026Q3",
        category="major",
        title="上杉市村重要事项",
        body="内容",
    )
    assert client.get(reverse("portal:manage_disclosure", args=[other.pk])).status_code == 404
    assert (
        client.post(reverse("portal:manage_disclosure_publish", args=[other.pk])).status_code == 404
    )
    client.post(reverse("portal:manage_disclosure_publish", args=[item.pk]), {"publish": "0"})
    item.refresh_from_db()
    assert item.published_at is None
    assert client_for("rita").get(reverse("portal:manage_disclosures")).status_code == 404
    assert actions() == [
        Action.PORTAL_DISCLOSURE_CREATED,
        Action.PORTAL_DISCLOSURE_CREATED,
        Action.PORTAL_DISCLOSURE_UNPUBLISHED,
    ]


def test_the_staff_list_shows_only_the_publishers_articles(
    client_for: Any, published: Article, far_article: Article
) -> None:
    html = client_for("alice").get(reverse("portal:manage")).content.decode()
    assert published.title in html and far_article.title not in html


def test_a_full_phone_or_id_number_is_refused_and_a_masked_one_passes(
    town: Town, topic: Collection
) -> None:
    with pytest.raises(ValidationError) as refused:
        services.article_create(
            actor=town.alice,
            town=town.town,
            collection=topic,
            title="走访",
            body="<p>联系电话 13812345678</p>",
        )
    assert "body" in refused.value.message_dict
    with pytest.raises(ValidationError):
        services.disclosure_create(
            actor=town.alice,
            branch=town.branch_a,
            quarter="2026Q3",
            category="recruitment",
            title="发展对象公示",
            body="张三，身份证号 43012119900101123X",
        )
    article = services.article_create(
        actor=town.alice,
        town=town.town,
        collection=topic,
        title="走访",
        body="<p>联系电话 138****5678</p>",
    )
    with pytest.raises(ValidationError):
        services.article_update(actor=town.alice, article=article, summary="电话 15912345678")
