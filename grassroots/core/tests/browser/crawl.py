"""One persona's crawl of the pages it can reach, checking UI.md's rules on each.

Which pages: `/` (and any seeds: pages a persona reaches from outside, like the page of
a tracking code), then every same-origin link in the navigation (nav, header,
[role=navigation]) and in the content of `/` and of those navigation pages (level 1), then
one level further: the first link of each kind (route) found in the content of a level-1
page (the first household, the first case, …). Pages are deduplicated by route (the
resolved view name, so /cases/12/ and /cases/13/ count once). Not crawled: the back office
(/admin/, Django's own pages), the API and its docs, static and media files, anything that
does not answer an HTML page (downloads), and POST forms.

Each page is opened once, cold (a new context, no cache) at 1366×768: the transfer weight,
requests to other origins, console and page errors and 5xx answers are recorded there;
then the same page is laid out at 390×844 and at 360×740 (the viewport resized, not
reloaded) and the layout rules are checked (`browser_testing.check_rules`).

Links: every same-origin link (a[href]), GET form action and hx-get URL on a crawled page
is fetched with the persona's cookies; it must answer below 400 without sending a
logged-in persona to the login page. Each distinct URL is fetched once per persona, and
at most LINK_SAMPLES distinct URLs per route (the rows of a list differ only by id; the
scope walker checks every id).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urljoin, urlsplit

from django.urls import Resolver404, resolve, reverse

from grassroots.browser_testing import (
    DESKTOP,
    PHONES,
    VIEWPORTS,
    WEIGHT_LIMIT,
    Recorder,
    Violation,
    check_rules,
    new_context,
)

LINK_SAMPLES = 3
SKIP_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/open311/", "/bench/", "/i18n/")
SKIP_VIEWS = frozenset({"accounts:logout", "set_language", "healthz", "api-schema", "api-docs"})

LINKS_JS = r"""
() => {
  const out = [];
  const nav = (el) => !!el.closest('nav, header, [role=navigation]');
  const text = (el) => ((el && (el.innerText || el.getAttribute('aria-label') || el.value)) || '')
    .trim().replace(/\s+/g, ' ').slice(0, 30);
  const tag = (el) => el.tagName.toLowerCase() + ([...el.classList].length ? '.' + [...el.classList].slice(0, 2).join('.') : '');
  for (const a of document.querySelectorAll('a[href]'))
    out.push({url: a.href, text: `${tag(a)} "${text(a)}"`, nav: nav(a), download: a.hasAttribute('download')});
  for (const f of document.querySelectorAll('form')) {
    if ((f.getAttribute('method') || 'get').toLowerCase() !== 'get') continue;
    const button = f.querySelector('button, [type=submit]');
    out.push({url: f.action, text: `form "${text(button)}"`, nav: nav(f), download: false, form: true});
  }
  for (const el of document.querySelectorAll('[hx-get]'))
    out.push({url: new URL(el.getAttribute('hx-get'), location.href).href,
              text: `${tag(el)}[hx-get] "${text(el)}"`, nav: nav(el), download: false, form: true});
  return out;
}
"""


def route_key(path: str) -> str:
    """The route a path resolves to (its view name), or the path itself."""
    try:
        match = resolve(path)
    except Resolver404:
        return path
    return match.view_name or match._func_path


@dataclass
class Link:
    url: str  # absolute, without fragment
    text: str  # how it showed on the page
    nav: bool
    crawlable: bool  # an <a> to a page (not a form, an hx-get or a download)


@dataclass
class Crawl:
    browser: Any
    base: str  # the live server's URL
    persona: str
    user: Any  # User or None
    start: str = "/"
    seeds: tuple[str, ...] = ()  # pages reached from outside the site (a tracking code's page)
    violations: list[Violation] = field(default_factory=list)
    pages: list[str] = field(default_factory=list)  # the URLs crawled
    # url → (ok, content type, the URL it lands on after a redirect)
    checked: dict[str, tuple[bool, str, str]] = field(default_factory=dict)
    samples: Counter[str] = field(default_factory=Counter)
    weights: dict[str, int] = field(default_factory=dict)

    def run(self) -> list[Violation]:
        self.links_context = new_context(self.browser, self.base, self.user, DESKTOP)
        try:
            self._walk()
        finally:
            self.links_context.close()
        return self.violations

    def _walk(self) -> None:
        queue = [(self.base + self.start, 0)] + [(self.base + s, 1) for s in self.seeds]
        done: set[str] = set()
        while queue:
            url, level = queue.pop(0)
            key = route_key(urlsplit(url).path)
            if key in done:
                continue
            done.add(key)
            links = self.visit(url)
            for link in links:
                if not link.crawlable or not self.is_page(link):
                    continue
                target = self.checked[link.url][2]  # a redirect's target is the page
                if level == 0 or (level == 1 and link.nav):
                    queue.append((target, 1))
                elif level == 1:
                    queue.append((target, 2))

    def is_page(self, link: Link) -> bool:
        path = urlsplit(link.url).path
        if path.startswith(SKIP_PREFIXES) or route_key(path) in SKIP_VIEWS:
            return False
        ok, kind, target = self.checked.get(link.url, (False, "", ""))
        path = urlsplit(target).path
        if path.startswith(SKIP_PREFIXES) or route_key(path) in SKIP_VIEWS:
            return False
        return ok and kind.startswith("text/html")

    def visit(self, url: str) -> list[Link]:
        """Open the page cold on a desktop, check it on phones; its links, checked."""
        self.pages.append(url)
        context = new_context(self.browser, self.base, self.user, DESKTOP)
        recorder = Recorder(context, self.base)
        try:
            page = context.new_page()
            response = page.goto(url, wait_until="load")
            recorder.settle(page)
            if response is not None and response.status >= 400:
                self.fail(url, DESKTOP, "page-status", "", f"answers {response.status}")
            self.weigh(url, recorder)
            links = self.links_of(page)
            for viewport in PHONES[::-1]:
                page.set_viewport_size(VIEWPORTS[viewport])
                page.wait_for_timeout(30)
                self.violations += check_rules(page, self.short(url), self.persona, viewport)
            recorder.settle(page, timeout=1.0)
            self.violations += recorder.violations(self.short(url), self.persona, DESKTOP)
        finally:
            context.close()
        self.check_links(url, links)
        return links

    def weigh(self, url: str, recorder: Recorder) -> None:
        total, rows = recorder.weight()
        self.weights[self.short(url)] = total
        if total > WEIGHT_LIMIT:
            top = ", ".join(f"{self.short(u)} {n / 1024:.0f} KB ({how})" for n, how, u in rows[:3])
            self.fail(
                url,
                DESKTOP,
                "weight",
                "cold load",
                f"{total / 1024:.0f} KB compressed in {len(rows)} responses "
                f"(limit {WEIGHT_LIMIT // 1024} KB); largest: {top}",
            )

    def links_of(self, page: Any) -> list[Link]:
        found: dict[str, Link] = {}
        for item in page.evaluate(LINKS_JS):
            target = urljoin(page.url, item["url"]).split("#", 1)[0]
            parts = urlsplit(target)
            if f"{parts.scheme}://{parts.netloc}" != self.base or not parts.path:
                continue
            crawlable = not item["download"] and not item.get("form")
            if target in found:
                found[target].nav |= item["nav"]
                found[target].crawlable |= crawlable
                continue
            found[target] = Link(target, item["text"], item["nav"], crawlable)
        return list(found.values())

    def check_links(self, url: str, links: list[Link]) -> None:
        for link in links:
            if link.url in self.checked:
                continue
            path = urlsplit(link.url).path
            key = route_key(path)
            if key in SKIP_VIEWS or self.samples[key] >= LINK_SAMPLES:
                continue
            self.samples[key] += 1
            problem, kind, target = self.fetch(link.url)
            self.checked[link.url] = (problem is None, kind, target)
            if problem:
                self.fail(url, DESKTOP, "dead-link", link.text, f"{self.short(link.url)} {problem}")

    def fetch(self, url: str) -> tuple[str | None, str, str]:
        """(what is wrong or None, content type, final URL) of a GET with the persona's cookies."""
        login = reverse("accounts:login")
        request = self.links_context.request
        response = request.get(url, max_redirects=0, fail_on_status_code=False, timeout=30_000)
        status = response.status
        if 300 <= status < 400:
            location = urljoin(url, response.headers.get("location", ""))
            if urlsplit(location).path == login and urlsplit(url).path != login:
                return f"sends {'the visitor' if self.user is None else 'them'} to log in", "", url
            url = location
            response = request.get(location, fail_on_status_code=False, timeout=30_000)
            status = response.status
        kind = response.headers.get("content-type", "")
        response.dispose()
        return (f"answers {status}" if status >= 400 else None), kind, url

    def fail(self, url: str, viewport: str, rule: str, element: str, detail: str) -> None:
        self.violations.append(
            Violation(self.short(url), self.persona, viewport, rule, element, detail)
        )

    def short(self, url: str) -> str:
        return url[len(self.base) :] if url.startswith(self.base) else url
