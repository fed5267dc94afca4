"""Benchmarks for `grassroots bench` (contract in grassroots/core/bench.py).

- portal.home_http: the public portal's home page `/portal/` under load over HTTP
  (gunicorn at ctx.base_url, 8 threads, anonymous), against the framework ceiling
  (`/bench/ping`, the cheapest Django response through the same middleware, measured by
  `bench.benchmarks.ping` earlier in the run, or here when it did not run): target ≥ 50 %
  of the ceiling's throughput (issue #13, point 8). The page is the same for everyone and
  remembered per process for a minute (`views.public.HOME_PAGES`), so under load it costs
  the middleware and no query.

When the bench database has no published article, a few are written through the services
(three collections, a published article in each), marked demo data, kept between runs.
"""

from __future__ import annotations

from django.db import transaction

from grassroots.accounts.models import User
from grassroots.core.bench import BenchContext, Benchmark, BenchResult
from grassroots.core.httpload import get_many
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place
from grassroots.portal import services
from grassroots.portal.demo_articles import COLLECTIONS
from grassroots.portal.models import Article, Collection

CONCURRENCY = 8
PATH = "/portal/"


@transaction.atomic
def _content() -> int:
    """Published articles to show; a few are written when the bench data has none."""
    live = unscoped(Article, why=Unscoped.SYSTEM).filter(status=Article.Status.PUBLISHED)
    if live.exists():
        return live.count()
    town = (
        unscoped(Place, why=Unscoped.SYSTEM).filter(kind=Place.Kind.TOWN).order_by("path").first()
    )
    actor = User.objects.filter(is_superuser=True).order_by("pk").first()
    if town is None or actor is None:
        return 0
    for slug, name, order in COLLECTIONS:
        topic, _ = Collection.objects.get_or_create(
            slug=slug, defaults={"name": name, "order": order, "is_demo": True}
        )
        for n in range(5):
            article = services.article_create(
                actor=actor,
                town=town,
                collection=topic,
                title=f"{name}基准文章{n + 1}",
                body="<p>基准测试用正文。</p>" * 6,
                is_demo=True,
            )
            services.article_publish(actor=actor, article=article)
    return live.count()


def _throughput(base_url: str, path: str, n: int) -> tuple[float, int]:
    load = get_many(base_url, path, requests=n, concurrency=CONCURRENCY)
    if load.errors or set(load.statuses) != {200}:
        raise RuntimeError(f"{path}: {load.errors} errors, statuses {load.statuses}")
    return load.requests / load.wall_s, load.requests


def home_http(ctx: BenchContext) -> list[BenchResult]:
    if not ctx.base_url:
        return [BenchResult(name="portal.home_http", samples_s=[0.0], notes="no server")]
    articles = _content()
    n = 200 if ctx.quick else 3000
    get_many(ctx.base_url, PATH, requests=20, concurrency=2)  # warm every worker
    ceiling = ctx.options.get("ceiling_rps")
    if not ceiling:
        ceiling, _ = _throughput(ctx.base_url, "/bench/ping", n)
    load = get_many(ctx.base_url, PATH, requests=n, concurrency=CONCURRENCY)
    if load.errors or set(load.statuses) != {200}:
        raise RuntimeError(f"{PATH}: {load.errors} errors, statuses {load.statuses}")
    return [
        BenchResult(
            name=f"portal.home_http throughput ({CONCURRENCY} threads)",
            samples_s=[load.wall_s],
            items_per_sample=load.requests,
            compare="throughput",
            target=f"≥ 50 % of the framework ceiling ({ceiling:.0f}/s)",
            target_throughput=ceiling / 2,
            notes=f"GET {PATH} anonymous, {load.requests} requests, {articles} live articles",
        ),
        BenchResult(
            name=f"portal.home_http latency ({CONCURRENCY} threads)",
            samples_s=load.latencies_s,
            notes="per request, under the same load",
        ),
    ]


BENCHMARKS: list[Benchmark] = [home_http]
