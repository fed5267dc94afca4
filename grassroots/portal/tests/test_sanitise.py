"""The article body's allow-list sanitiser."""

from __future__ import annotations

import pytest

from grassroots.portal.sanitise import clean_body, image_url

pytestmark = pytest.mark.django_db


def test_scripts_handlers_and_javascript_urls_are_removed() -> None:
    dirty = (
        '<p onclick="steal()">正文<script>alert(1)</script></p>'
        '<img src="x" onerror="alert(2)">'
        '<a href="javascript:alert(3)">链接</a>'
        '<a href="JaVaScRiPt:alert(4)">链接2</a>'
        '<p style="color:red" class="x">样式</p>'
        '<iframe src="https://evil.example/"></iframe>'
        '<svg onload="alert(5)"></svg>'
    )
    clean = clean_body(dirty)
    for bad in (
        "script",
        "onclick",
        "onerror",
        "javascript",
        "alert",
        "style",
        "iframe",
        "svg",
        "onload",
        'class="x"',
    ):
        assert bad not in clean.lower(), (bad, clean)
    assert "<p>正文</p>" in clean and "样式" in clean


def test_structure_and_safe_links_survive() -> None:
    html = (
        "<h2>标题</h2><p><strong>加粗</strong><em>斜体</em><br></p><ul><li>一</li></ul>"
        "<ol><li>二</li></ol><blockquote>引用</blockquote>"
        "<table><thead><tr><th>列</th></tr></thead><tbody><tr><td>值</td></tr></tbody></table>"
        '<a href="https://example.org/a">外链</a>'
    )
    clean = clean_body(html)
    for kept in (
        "<h2>",
        "<strong>",
        "<em>",
        "<ul>",
        "<ol>",
        "<blockquote>",
        "<table>",
        "<th>",
        "<td>",
        "<br>",
    ):
        assert kept in clean, kept
    assert 'href="https://example.org/a"' in clean and 'rel="noopener noreferrer nofollow"' in clean


def test_images_only_from_the_articles_own_uploads() -> None:
    own, other = image_url(7), image_url(8)
    html = (
        f'<figure><img src="{own}" alt="我们的"><figcaption>说明</figcaption></figure>'
        f'<img src="{other}"><img src="https://tracker.example/p.gif"><img src="data:image/png;base64,AAAA">'
    )
    clean = clean_body(html, image_ids=[7])
    assert f'src="{own}"' in clean and 'alt="我们的"' in clean
    assert "<figcaption>说明</figcaption>" in clean
    assert other not in clean and "tracker" not in clean and "data:" not in clean
