"""Every change to the portal: articles, their images, disclosure items, the visitor counter.

- Articles belong to a town; writing them needs `Cap.PUBLISH` and a reach over the whole
  town. The body is sanitised here (`sanitise.clean_body`) on every save, against the
  article's own image ids, so no path around the sanitiser exists.
- Publishing: now (PUBLISHED, `published_at` = now) or at a time (SCHEDULED, `publish_at`
  and `published_at` = that time). The public side treats a due SCHEDULED article as
  published (`public.live_articles`); `publish_due` (a periodic task) only tidies the
  status for the staff list.
- Disclosure items belong to a branch and a quarter; writing them needs `Cap.DISCLOSE`
  and a reach into the branch.
- The visitor counter (`hit_record`) is the only public write; it is not audited (a row
  per page view would drown the log and say nothing about anybody's authority).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F, Max
from django.http import Http404
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.images import clean_image
from grassroots.core.roles import Cap
from grassroots.core.scoping import Unscoped, scope_for, unscoped
from grassroots.core.services import require, require_reach, require_visible
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.portal import counter
from grassroots.portal.models import (
    Article,
    ArticleImage,
    Collection,
    Counter,
    Disclosure,
    VisitorDay,
    publishes_for,
)
from grassroots.portal.privacy import refuse_personal
from grassroots.portal.quarters import valid_quarter
from grassroots.portal.sanitise import clean_body

ARTICLE_FIELDS = ("collection", "title", "source", "author", "summary", "body")
MAX_IMAGES = 12
TOWN_KINDS = (Place.Kind.TOWN, Place.Kind.SUBDISTRICT)


def _require_town(actor: Actor, town: Place) -> None:
    """A publisher writes for a town they reach as a whole (404 for any other place)."""
    require(actor, Cap.PUBLISH)
    if town.kind not in TOWN_KINDS or not publishes_for(scope_for(actor), town.path):
        raise Http404


def _image_ids(article: Article) -> list[int]:
    return list(article.images.values_list("pk", flat=True)) if article.pk else []


def _check_article(fields: dict[str, Any]) -> None:
    refuse_personal(
        **{k: fields.get(k) or "" for k in ("title", "source", "author", "summary", "body")}
    )
    if not (fields.get("title") or "").strip():
        raise ValidationError({"title": [_("Give the article a title.")]})
    if not isinstance(fields.get("collection"), Collection):
        raise ValidationError({"collection": [_("Choose a collection.")]})


@transaction.atomic
def article_create(
    *,
    actor: Actor,
    town: Place,
    collection: Collection,
    title: str,
    source: str = "",
    author: str = "",
    summary: str = "",
    body: str = "",
    is_demo: bool = False,
) -> Article:
    """A draft article of `town`; publish it with `article_publish`."""
    _require_town(actor, town)
    fields = {
        "collection": collection,
        "title": title,
        "source": source,
        "author": author,
        "summary": summary,
        "body": body,
    }
    _check_article(fields)
    now = clock.now()
    article = Article.objects.create(
        town=town,
        town_path=town.path,
        collection=collection,
        title=title.strip(),
        source=source.strip(),
        author=author.strip(),
        summary=summary.strip(),
        body=clean_body(body),
        created_by=actor if getattr(actor, "pk", None) else None,
        created_at=now,
        updated_at=now,
        is_demo=is_demo,
    )
    audit.record(actor=actor, action=Action.PORTAL_ARTICLE_CREATED, obj=article)
    return article


@transaction.atomic
def article_update(*, actor: Actor, article: Article, **changes: Any) -> Article:
    """Change the text of an article; the body is sanitised against its own images."""
    require(actor, Cap.PUBLISH)
    require_visible(actor, article)
    unknown = set(changes) - set(ARTICLE_FIELDS)
    if unknown:
        raise TypeError(f"article_update: unknown fields {sorted(unknown)}")
    merged = {name: getattr(article, name) for name in ARTICLE_FIELDS} | changes
    _check_article(merged)
    changed = []
    for name, value in changes.items():
        if name == "body":
            value = clean_body(value, image_ids=_image_ids(article))
        elif isinstance(value, str):
            value = value.strip()
        if getattr(article, name) != value:
            setattr(article, name, value)
            changed.append(name)
    if changed:
        article.updated_at = clock.now()
        article.save()
        audit.record(
            actor=actor, action=Action.PORTAL_ARTICLE_UPDATED, obj=article, data={"fields": changed}
        )
    return article


@transaction.atomic
def article_publish(*, actor: Actor, article: Article, at: dt.datetime | None = None) -> Article:
    """Publish now (`at` None), as of a past `at` (an article that appeared before, e.g. in
    print, keeps its date), or schedule it for a future `at`."""
    require(actor, Cap.PUBLISH)
    require_visible(actor, article)
    now = clock.now()
    if at is None or at <= now:
        article.status = Article.Status.PUBLISHED
        article.publish_at = None
        article.published_at = at or now
        action = Action.PORTAL_ARTICLE_PUBLISHED
    else:
        article.status = Article.Status.SCHEDULED
        article.publish_at = at
        article.published_at = at
        action = Action.PORTAL_ARTICLE_SCHEDULED
    article.updated_at = now
    article.save()
    audit.record(
        actor=actor, action=action, obj=article, data={"at": article.published_at.isoformat()}
    )
    return article


@transaction.atomic
def article_unpublish(*, actor: Actor, article: Article) -> Article:
    """Take an article off the portal (published or scheduled); it can be published again."""
    require(actor, Cap.PUBLISH)
    require_visible(actor, article)
    article.status = Article.Status.UNPUBLISHED
    article.publish_at = None
    article.updated_at = clock.now()
    article.save()
    audit.record(actor=actor, action=Action.PORTAL_ARTICLE_UNPUBLISHED, obj=article)
    return article


@transaction.atomic
def publish_due(*, actor: Actor = None, now: dt.datetime | None = None) -> int:
    """SCHEDULED articles whose time has come become PUBLISHED (the staff list's status)."""
    now = now or clock.now()
    due = list(
        unscoped(Article, why=Unscoped.SYSTEM).filter(
            status=Article.Status.SCHEDULED, publish_at__lte=now
        )
    )
    for article in due:
        article.status = Article.Status.PUBLISHED
        article.updated_at = now
        article.save(update_fields=["status", "updated_at"])
        audit.record(
            actor=actor, action=Action.PORTAL_ARTICLE_PUBLISHED, obj=article, data={"due": True}
        )
    return len(due)


# --- images ---------------------------------------------------------------------------


@transaction.atomic
def image_add(*, actor: Actor, article: Article, upload: Any, caption: str = "") -> ArticleImage:
    """A picture for the article, re-encoded without metadata (core.images), last in order."""
    require(actor, Cap.PUBLISH)
    require_visible(actor, article)
    if article.images.count() >= MAX_IMAGES:
        raise ValidationError({"image": [_("At most %(n)d images.") % {"n": MAX_IMAGES}]})
    try:
        clean = clean_image(upload)
    except ValidationError as exc:
        raise ValidationError({"image": exc.messages}) from None
    last = article.images.aggregate(m=Max("order"))["m"]
    image = ArticleImage(article=article, caption=caption.strip(), order=(last or 0) + 1)
    image.image.save(clean.name, clean, save=False)
    image.save()
    Article.objects.filter(pk=article.pk).update(updated_at=clock.now())
    audit.record(
        actor=actor, action=Action.PORTAL_IMAGE_ADDED, obj=article, data={"image": image.pk}
    )
    return image


@transaction.atomic
def image_update(
    *, actor: Actor, image: ArticleImage, caption: str | None = None, move: int = 0
) -> ArticleImage:
    """Change the caption, or move the image one place up (-1) or down (+1)."""
    require(actor, Cap.PUBLISH)
    require_visible(actor, image)
    images = list(image.article.images.order_by("order", "pk"))
    if move:
        at = next(i for i, x in enumerate(images) if x.pk == image.pk)
        to = max(0, min(len(images) - 1, at + (1 if move > 0 else -1)))
        images.insert(to, images.pop(at))
        for n, item in enumerate(images, start=1):
            if item.order != n:
                ArticleImage.objects.filter(pk=item.pk).update(order=n)
        image.refresh_from_db()
    if caption is not None:
        image.caption = caption.strip()
        image.save(update_fields=["caption"])
    audit.record(
        actor=actor,
        action=Action.PORTAL_IMAGE_UPDATED,
        obj=image.article,
        data={"image": image.pk, "move": move, "caption": caption is not None},
    )
    return image


@transaction.atomic
def image_remove(*, actor: Actor, image: ArticleImage) -> None:
    """Remove an image; the body is re-sanitised so no tag points at it any more."""
    require(actor, Cap.PUBLISH)
    require_visible(actor, image)
    article = image.article
    pk = image.pk
    image.image.delete(save=False)
    image.delete()
    article.body = clean_body(article.body, image_ids=_image_ids(article))
    article.updated_at = clock.now()
    article.save(update_fields=["body", "updated_at"])
    audit.record(actor=actor, action=Action.PORTAL_IMAGE_REMOVED, obj=article, data={"image": pk})


# --- disclosure -----------------------------------------------------------------------


def _check_disclosure(fields: dict[str, Any]) -> None:
    refuse_personal(title=fields.get("title") or "", body=fields.get("body") or "")
    errors: dict[str, list[str]] = {}
    if not valid_quarter(fields.get("quarter") or ""):
        errors["quarter"] = [_("A quarter is written like 2026Q3.")]
    if fields.get("category") not in Disclosure.Category.values:
        errors["category"] = [_("Choose a category.")]
    if not (fields.get("title") or "").strip():
        errors["title"] = [_("Give the item a title.")]
    if not (fields.get("body") or "").strip():
        errors["body"] = [_("Write what is disclosed.")]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def disclosure_create(
    *,
    actor: Actor,
    branch: Organization,
    quarter: str,
    category: str,
    title: str,
    body: str,
    publish: bool = False,
    is_demo: bool = False,
) -> Disclosure:
    """A disclosure item of a branch for a quarter (a draft unless `publish`)."""
    require(actor, Cap.DISCLOSE)
    require_reach(actor, branch)
    fields = {"quarter": quarter, "category": category, "title": title, "body": body}
    _check_disclosure(fields)
    if branch.town_id is None:
        raise ValidationError({"branch": [_("The branch belongs to no town.")]})
    now = clock.now()
    item = Disclosure.objects.create(
        branch=branch,
        org_path=branch.path,
        town_id=branch.town_id,
        quarter=quarter,
        category=category,
        title=title.strip(),
        body=body.strip(),
        published_at=now if publish else None,
        created_at=now,
        updated_at=now,
        is_demo=is_demo,
    )
    audit.record(
        actor=actor, action=Action.PORTAL_DISCLOSURE_CREATED, obj=item, data={"published": publish}
    )
    return item


@transaction.atomic
def disclosure_update(*, actor: Actor, item: Disclosure, **changes: Any) -> Disclosure:
    require(actor, Cap.DISCLOSE)
    require_visible(actor, item)
    allowed = {"quarter", "category", "title", "body"}
    if set(changes) - allowed:
        raise TypeError(f"disclosure_update: unknown fields {sorted(set(changes) - allowed)}")
    merged = {name: getattr(item, name) for name in allowed} | changes
    _check_disclosure(merged)
    changed = [name for name, value in changes.items() if getattr(item, name) != value.strip()]
    for name in changed:
        setattr(item, name, changes[name].strip())
    if changed:
        item.updated_at = clock.now()
        item.save()
        audit.record(
            actor=actor, action=Action.PORTAL_DISCLOSURE_UPDATED, obj=item, data={"fields": changed}
        )
    return item


@transaction.atomic
def disclosure_publish(*, actor: Actor, item: Disclosure, publish: bool = True) -> Disclosure:
    """Show the item on the portal (or take it off with `publish=False`)."""
    require(actor, Cap.DISCLOSE)
    require_visible(actor, item)
    item.published_at = clock.now() if publish else None
    item.updated_at = clock.now()
    item.save(update_fields=["published_at", "updated_at"])
    action = Action.PORTAL_DISCLOSURE_PUBLISHED if publish else Action.PORTAL_DISCLOSURE_UNPUBLISHED
    audit.record(actor=actor, action=action, obj=item)
    return item


# --- the visitor counter --------------------------------------------------------------


def _first_today(day: dt.date, visitor: str, article: Article | None) -> bool:
    """Insert the (day, visitor[, article]) row; False when it was there already."""
    try:
        with transaction.atomic():
            VisitorDay.objects.create(day=day, visitor=visitor, article=article)
    except IntegrityError:
        return False
    return True


@transaction.atomic
def hit_record(
    *, actor: Actor = None, visitor_id: str, article_id: int | None = None
) -> dict[str, int | None]:
    """Count a visitor once a day (and an article's view once a day); the totals after it.

    Public, anonymous and unaudited on purpose (see the module docstring). An article id
    that is not a live article counts no view.
    """
    day = clock.today()
    visitor = counter.visitor_key(visitor_id, day)
    row, _created = Counter.objects.get_or_create(key=counter.VISITORS)
    if _first_today(day, visitor, None):
        Counter.objects.filter(pk=row.pk).update(value=F("value") + 1)
    views = None
    if article_id is not None:
        from_public = unscoped(Article, why=Unscoped.PUBLIC)
        article = from_public.filter(pk=article_id).first()
        if article is not None and is_live(article, clock.now()):
            if _first_today(day, visitor, article):
                from_public.filter(pk=article.pk).update(view_count=F("view_count") + 1)
            views = from_public.values_list("view_count", flat=True).get(pk=article.pk)
    total = Counter.objects.values_list("value", flat=True).get(pk=row.pk)
    return {"visitors": total, "views": views}


def is_live(article: Article, now: dt.datetime) -> bool:
    """Published, or scheduled and due: what the public sees."""
    if article.status == Article.Status.PUBLISHED:
        return True
    return (
        article.status == Article.Status.SCHEDULED
        and article.publish_at is not None
        and article.publish_at <= now
    )


@transaction.atomic
def visitor_days_prune(*, actor: Actor = None, keep_days: int = 2) -> int:
    """Forget the per-day visitor rows once their day can no longer be counted again."""
    cutoff = clock.today() - dt.timedelta(days=keep_days)
    deleted, _ = VisitorDay.objects.filter(day__lt=cutoff).delete()
    return deleted
