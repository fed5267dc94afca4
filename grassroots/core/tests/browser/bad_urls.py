"""A test-only URL conf: pages that break UI.md's rules on purpose, and one that keeps them.

Used by test_rule_checker.py (with `settings.ROOT_URLCONF`) to prove the checker can fail.
Styles come from a stylesheet route: the Content-Security-Policy refuses inline styles.
"""

from __future__ import annotations

import random

from django.http import HttpRequest, HttpResponse
from django.urls import include, path

HEAD = '<!doctype html><html lang="zh-hans"><head><meta charset="utf-8">' + (
    '<meta name="viewport" content="width=device-width, initial-scale=1">'
    '<link rel="stylesheet" href="/test.css"><title>test</title></head><body>'
)
CSS = """
body { margin: 0; font: 16px/1.5 sans-serif; }
.tiny { height: 24px; padding: 0 8px; font-size: 12px; }
.wide { width: 600px; border-collapse: collapse; }
.narrow { width: 14px; font-size: 14px; }
.big { min-height: 48px; }
label.big { display: flex; align-items: center; }
.scroller { overflow-x: auto; }
.card { position: relative; padding: 12px; }
.card__link::after { content: ""; position: absolute; inset: 0; }
"""
BAD = HEAD + (
    '<main><h1>坏页面</h1><button class="tiny" type="button">小按钮</button>'
    '<table class="wide"><tr><td>户主</td><td>地址</td><td>状态</td></tr></table>'
    "</main></body></html>"
)
CJK = HEAD + '<main><p>正常的一行中文</p><div class="narrow">已受理</div></main></body></html>'
# Everything the crawl checks besides layout: a request to another origin, a script that
# logs an error and throws, a link to a missing page, and 250 KB that does not compress.
NOISY = HEAD + (
    '<main><h1>吵闹的页面</h1><img src="http://cdn.example.invalid/logo.png" alt="">'
    '<img src="/heavy.bin" alt=""><a href="/missing/">不存在的页面</a>'
    '<script src="/noisy.js"></script></main></body></html>'
)
NOISY_JS = "console.error('noisy: something went wrong'); throw new Error('noisy: thrown');"
GOOD = HEAD + (
    '<main><h1>好页面</h1><p>一段文字里的<a href="/good/">行内链接</a>不算按钮。</p>'
    '<article class="card"><h3><a class="card__link" href="/good/">整张卡片可点</a></h3>'
    "<p>标题链接的 ::after 盖住整张卡片。</p></article>"
    '<button class="big" type="button">保存</button>'
    '<label class="big"><input type="checkbox" name="x"> 一行复选框</label>'
    '<div class="scroller" data-scroll-x aria-label="可左右滑动的表格">'
    '<table class="wide"><tr><td>户主</td><td>地址</td><td>状态</td></tr></table></div>'
    "</main></body></html>"
)


def page(html: str):  # noqa: ANN201 - a tiny view factory
    def view(request: HttpRequest) -> HttpResponse:
        return HttpResponse(html)

    return view


def css(request: HttpRequest) -> HttpResponse:
    return HttpResponse(CSS, content_type="text/css")


def noisy_js(request: HttpRequest) -> HttpResponse:
    return HttpResponse(NOISY_JS, content_type="text/javascript")


def heavy(request: HttpRequest) -> HttpResponse:
    return HttpResponse(random.Random(1).randbytes(250 * 1024), content_type="image/png")


urlpatterns = [
    path("bad/", page(BAD)),
    path("cjk/", page(CJK)),
    path("good/", page(GOOD)),
    path("noisy/", page(NOISY)),
    path("noisy.js", noisy_js),
    path("heavy.bin", heavy),
    path("test.css", css),
    path("", include("grassroots.urls")),  # error pages reverse the real names
]
