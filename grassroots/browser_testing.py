"""Shared tooling for the browser tests: one Chromium, contexts per persona, a recorder
of what a page fetched and printed, and the checker of UI.md's page rules.

Use it from a test package's conftest.py::

    from grassroots.browser_testing import browser, persona_context  # noqa: F401

- `browser` (module scope): one headless Chromium (/usr/bin/chromium) for the module.
- `persona_context(user, viewport="390x844")`: a new browser context logged in as `user`
  (a User, a username, or None for the anonymous visitor) by session cookie — the login
  page itself is tested by the flows that type into it. Contexts close at teardown.
- `Recorder(context, origin)`: console errors, page errors, requests to other origins
  (aborted, never sent), 5xx answers, and the bytes each response transferred.
- `check_rules(page, url, persona, viewport)`: the layout rules (tap targets, sideways
  scroll, one-character CJK wrapping) as a list of `Violation`s; see RULES_JS for the
  definitions. `assert_rules(page)` asserts them at both phone sizes, for an app's tests.
"""

from __future__ import annotations

import gzip
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client

from grassroots.accounts.models import User

CHROMIUM = "/usr/bin/chromium"
LAUNCH_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
VIEWPORTS: dict[str, dict[str, int]] = {
    "360x740": {"width": 360, "height": 740},
    "390x844": {"width": 390, "height": 844},
    "1366x768": {"width": 1366, "height": 768},
}
PHONES = ("360x740", "390x844")
PHONE = "390x844"
DESKTOP = "1366x768"
WEIGHT_LIMIT = 200 * 1024  # bytes, compressed, for a cold load (UI.md "Light")
# Content types a compressing server would gzip; anything else counts as sent.
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml", "xml")


@dataclass(frozen=True)
class Violation:
    """One broken rule on one page, precise enough to act on without rerunning."""

    url: str
    persona: str
    viewport: str
    rule: str
    element: str = ""  # a short selector with the element's text
    detail: str = ""  # what was measured, and what the rule wants
    more: int = 0  # further elements of the same selector on the page breaking the rule
    key: str = ""  # the selector without text: what the summary groups by

    def __str__(self) -> str:
        more = f" (+{self.more} more like it)" if self.more else ""
        what = " — ".join(x for x in (self.element, self.detail + more) if x)
        return f"[{self.rule}] {self.url} · {self.persona} · {self.viewport}\n      {what}"


def summary(violations: list[Violation], places: int = 6) -> str:
    """Every violation, grouped by rule and then by element, with where it was seen."""
    if not violations:
        return "no violations"
    rules = sorted({v.rule for v in violations})
    counts = ", ".join(f"{r}: {sum(v.rule == r for v in violations)}" for r in rules)
    lines = [f"{len(violations)} violation(s) of UI.md's rules ({counts})"]
    for rule in rules:
        groups: dict[str, dict[str, tuple[list[str], list[str]]]] = {}
        first: dict[str, Violation] = {}
        most: dict[str, int] = {}
        for v in violations:
            if v.rule != rule:
                continue
            key = v.key or f"{v.element} {v.detail}"
            people, sizes = groups.setdefault(key, {}).setdefault(v.url, ([], []))
            people += [v.persona] if v.persona not in people else []
            sizes += [v.viewport] if v.viewport not in sizes else []
            first.setdefault(key, v)
            most[key] = max(most.get(key, 0), v.more)
        lines.append(f"[{rule}] {len(groups)} kind(s) of element")
        for key, where in groups.items():
            v = first[key]
            more = f" (up to +{most[key]} more like it on a page)" if most[key] else ""
            lines.append("  " + " — ".join(x for x in (v.element, v.detail + more) if x))
            seen = [
                f"{url} ({', '.join(people)} @ {', '.join(sizes)})"
                for url, (people, sizes) in list(where.items())[:places]
            ]
            rest = f"; and {len(where) - places} more page(s)" if len(where) > places else ""
            lines.append("      on " + "; ".join(seen) + rest)
    return "\n".join(lines)


# --- browser and contexts -------------------------------------------------------------


@pytest.fixture
def browser() -> Iterator[Any]:
    """A headless Chromium per test (about a second). Not shared: what follows Playwright's
    start runs in its greenlet, where Django's connections lack the serialized rows that
    the next test's set-up restores (migrations' categories, calendar) after a flush."""
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=LAUNCH_ARGS)
        yield b
        b.close()


def session_cookie(user: User | str, url: str) -> dict[str, str]:
    """A session cookie for `user` on the live server at `url` (no login page involved)."""
    if isinstance(user, str):
        user = User.objects.get(username=user)
    client = Client()
    client.force_login(user)
    value = client.cookies[settings.SESSION_COOKIE_NAME].value
    return {"name": settings.SESSION_COOKIE_NAME, "value": value, "url": url}


def new_context(
    browser: Any,
    url: str,
    user: User | str | None = None,
    viewport: str = PHONE,
    locale: str = "zh-CN",
) -> Any:
    """A fresh context (empty cache) at one of VIEWPORTS, logged in as `user` if given."""
    context = browser.new_context(viewport=VIEWPORTS[viewport], locale=locale)
    if user is not None:
        context.add_cookies([session_cookie(user, url)])
    return context


@pytest.fixture
def persona_context(browser: Any, live_server: Any) -> Iterator[Callable[..., Any]]:
    """persona_context(user, viewport="390x844") → a logged-in context, closed at teardown."""
    made: list[Any] = []

    def make(user: User | str | None, viewport: str = PHONE, locale: str = "zh-CN") -> Any:
        context = new_context(browser, live_server.url, user, viewport, locale)
        made.append(context)
        return context

    yield make
    for context in made:
        context.close()


def origin_of(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}"


# --- what a page fetched and printed -----------------------------------------------------

# The Content-Security-Policy stops a load from another origin before any request is made,
# and Chromium does not report the refusal as a console message: the page reports it.
CSP_MARK = "csp-violation:"
CSP_JS = (
    "document.addEventListener('securitypolicyviolation', (e) => "
    f"console.error('{CSP_MARK}' + e.violatedDirective + ' ' + (e.blockedURI || '')));"
)


class Recorder:
    """Listens to one context: errors, outside requests (aborted), 5xx, transferred bytes."""

    def __init__(self, context: Any, origin: str) -> None:
        self.origin = origin
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []
        self.outside: list[str] = []
        self.server_errors: list[str] = []
        self.finished: list[Any] = []
        self.inflight = 0
        context.add_init_script(CSP_JS)
        context.route(self._is_outside, self._abort)
        context.on("console", self._console)
        context.on("request", self._started)
        context.on("requestfinished", self._finished)
        context.on("requestfailed", self._failed)
        context.on("response", self._response)
        context.on("page", lambda page: page.on("pageerror", self._page_error))

    def _is_outside(self, url: str) -> bool:
        scheme = urlsplit(url).scheme
        return scheme in ("http", "https", "ws", "wss") and origin_of(url) != self.origin

    def _abort(self, route: Any) -> None:
        self.outside.append(route.request.url)
        route.abort()

    def _console(self, message: Any) -> None:
        if message.type != "error":
            return
        text = message.text
        if text.startswith(CSP_MARK):
            directive, _, blocked = text.removeprefix(CSP_MARK).partition(" ")
            if self._is_outside(blocked):
                self.outside.append(f"{blocked} (refused by the CSP, {directive})")
                return
            text = f"the CSP refused {blocked or 'an inline resource'} ({directive})"
        self.console_errors.append(text)

    def _page_error(self, error: Any) -> None:
        self.page_errors.append(str(error))

    def _started(self, request: Any) -> None:
        self.inflight += 1

    def _finished(self, request: Any) -> None:
        self.inflight -= 1
        self.finished.append(request)

    def _failed(self, request: Any) -> None:
        self.inflight -= 1

    def _response(self, response: Any) -> None:
        if response.status >= 500:
            self.server_errors.append(f"{response.status} {response.url}")

    def settle(self, page: Any, timeout: float = 3.0) -> None:
        """Wait (briefly) until no request is in flight: htmx loads after `load`."""
        deadline = time.monotonic() + timeout
        page.wait_for_timeout(30)
        while self.inflight > 0 and time.monotonic() < deadline:
            page.wait_for_timeout(30)

    def reset(self) -> None:
        for bucket in (
            self.console_errors,
            self.page_errors,
            self.outside,
            self.server_errors,
            self.finished,
        ):
            bucket.clear()

    def weight(self) -> tuple[int, list[tuple[int, str, str]]]:
        """Compressed bytes of every response body so far: (total, [(bytes, how, url)]).

        A response the server compressed counts its encoded body size as Chromium
        measured it (`request.sizes()["responseBodySize"]`). One it sent uncompressed
        counts the gzip size of its body (level 6) if its type is compressible, else its
        size: the rule is about what a compressing server sends, and the test server may
        not compress.
        """
        rows = []
        for request in self.finished:
            response = request.response()
            if response is None or not 200 <= response.status < 300:
                continue
            encoding = response.headers.get("content-encoding", "")
            if encoding in ("gzip", "br", "deflate", "zstd"):
                rows.append((request.sizes()["responseBodySize"], encoding, request.url))
                continue
            body = response.body()
            kind = response.headers.get("content-type", "")
            if any(c in kind for c in COMPRESSIBLE):
                rows.append((len(gzip.compress(body, 6)), "gzip (test)", request.url))
            else:
                rows.append((len(body), "as sent", request.url))
        return sum(r[0] for r in rows), sorted(rows, reverse=True)

    def violations(self, url: str, persona: str, viewport: str) -> list[Violation]:
        """Console/page errors, outside requests and 5xx seen so far, as violations."""
        found = [
            Violation(url, persona, viewport, "console-error", "", t) for t in self.console_errors
        ]
        found += [Violation(url, persona, viewport, "page-error", "", t) for t in self.page_errors]
        found += [Violation(url, persona, viewport, "outside-request", "", u) for u in self.outside]
        found += [
            Violation(url, persona, viewport, "server-error", "", t) for t in self.server_errors
        ]
        return found


# --- the layout rules ---------------------------------------------------------------------

# Runs in the page; returns [{rule, element, detail}]. Definitions (UI.md "Rules"):
#
# tap-target — these must be at least 44 px tall (0.5 px tolerance for subpixel layout):
#   button; input[type=submit|button|reset|image]; select; summary; [role=button|tab|menuitem];
#   input[type=checkbox|radio] measured by its label row (the enclosing or `for=` label, or
#   the input if it has none); and a[href] that acts as a button, i.e. one that
#   (a) sits in a nav, header or [role=navigation]; or (b) has role=button or a class
#   naming a button/tab/chip/card/tile (btn, button, tab, chip, card, tile); or (c) is laid
#   out as a box (computed display other than `inline`); or (d) is inline but the only
#   text of its nearest block (a link standing alone in a list item or table cell).
#   A link whose ::after/::before is absolutely positioned over its card (a "stretched"
#   link) is measured by that area. Exempt: an inline link inside running text (its block holds other text); hidden,
#   disabled, off-screen and visually-hidden (≤ 1 px) elements.
# sideways-scroll — document.documentElement.scrollWidth > innerWidth (1 px tolerance), or
#   html/body clip overflow-x while an element sticks out of the viewport; and any element
#   that scrolls sideways (overflow-x auto|scroll, content wider than the box) unless it is,
#   or sits in, a [data-scroll-x] region with aria-label or aria-labelledby (a region that
#   says so). Form controls' own scrolling is not counted.
# cjk-wrap — an element whose own text holds ≥ 2 CJK characters, laid out (per character,
#   Range.getClientRects) on ≥ 2 lines with at most 1 character on every line.
RULES_JS = r"""
() => {
  const MIN = 44, TOL = 0.5, vw = window.innerWidth, out = [];
  const shown = (el) => {
    if (!el.getClientRects().length) return false;
    const s = getComputedStyle(el);
    if (s.visibility === 'hidden' || s.visibility === 'collapse') return false;
    if (el.closest('[hidden], [aria-hidden="true"], [inert]')) return false;
    const r = el.getBoundingClientRect();
    return r.width > 1 && r.height > 1 && r.right > 0 && r.left < vw;
  };
  const sel = (el) => {
    let s = el.tagName.toLowerCase();
    if (el.id && !/\d/.test(el.id)) return s + '#' + el.id;  // ids with row numbers vary
    for (const a of ['name', 'type', 'role']) if (el.getAttribute(a)) s += `[${a}=${el.getAttribute(a)}]`;
    const cls = [...el.classList].slice(0, 2);
    if (cls.length) s += '.' + cls.join('.');
    return s;
  };
  const where = (el) => {
    const p = el.parentElement;
    return (p && p !== document.body ? sel(p) + ' > ' : '') + sel(el);
  };
  const describe = (el) => {
    const raw = el.innerText || el.value || el.getAttribute('aria-label') || el.getAttribute('title') || '';
    const text = raw.trim().replace(/\s+/g, ' ').slice(0, 30);
    return where(el) + (text ? ` "${text}"` : '');
  };
  const size = (r) => `${Math.round(r.width * 10) / 10}×${Math.round(r.height * 10) / 10} px`;
  const blockOf = (el) => {
    let b = el.parentElement;
    while (b && b !== document.body && ['inline', 'contents'].includes(getComputedStyle(b).display)) b = b.parentElement;
    return b || document.body;
  };
  const linkActs = (a) => {
    if (a.closest('nav, header, [role=navigation]')) return true;
    if (a.getAttribute('role') === 'button') return true;
    if (/(^|[-_\s])(btn|button|tab|chip|card|tile)([-_\s]|$)/i.test(a.className)) return true;
    if (getComputedStyle(a).display !== 'inline') return true;
    const own = (a.textContent || '').replace(/\s+/g, '');
    return own.length > 0 && (blockOf(a).textContent || '').replace(/\s+/g, '') === own;
  };
  // A "stretched" link: its ::after (or ::before) is absolutely positioned over a card.
  const stretched = (el) => {
    for (const which of ['::after', '::before']) {
      const ps = getComputedStyle(el, which);
      if (['none', 'normal'].includes(ps.content) || ps.position !== 'absolute') continue;
      let cb = el;
      while (cb && cb !== document.body && getComputedStyle(cb).position === 'static') cb = cb.parentElement;
      const r = (cb || document.body).getBoundingClientRect();
      const [t, b, l, rt] = [ps.top, ps.bottom, ps.left, ps.right].map(parseFloat);
      const h = !isNaN(t) && !isNaN(b) ? r.height - t - b : parseFloat(ps.height);
      const w = !isNaN(l) && !isNaN(rt) ? r.width - l - rt : parseFloat(ps.width);
      if (h > 0 && w > 0) return {width: w, height: h};
    }
    return null;
  };
  const labelOf = (input) => input.closest('label') ||
    (input.id && document.querySelector(`label[for="${CSS.escape(input.id)}"]`)) || null;
  // tap-target
  const seen = new Set();
  const targets = 'a[href], button, input[type=submit], input[type=button], input[type=reset], ' +
    'input[type=image], input[type=checkbox], input[type=radio], select, summary, ' +
    '[role=button], [role=tab], [role=menuitem]';
  for (const el of document.querySelectorAll(targets)) {
    if (el.disabled) continue;
    let box = el, note = '';
    if (el.matches('input[type=checkbox], input[type=radio]')) {
      const label = labelOf(el);
      if (label && shown(label)) { box = label; note = ' (its label row)'; }
    } else if (el.tagName === 'A' && !linkActs(el)) continue;
    if (seen.has(box) || !shown(box)) continue;
    seen.add(box);
    let r = box.getBoundingClientRect();
    if (box !== el && shown(el)) {
      const ri = el.getBoundingClientRect();
      if (ri.height > r.height) r = ri;
    }
    const over = el.tagName === 'A' ? stretched(el) : null;
    if (over && over.height > r.height) { r = over; note = ' (its stretched ::after area)'; }
    if (r.height < MIN - TOL) out.push({rule: 'tap-target', key: where(box), element: describe(box),
      detail: `${Math.round(r.height * 10) / 10} px tall (${size(r)})${note}; needs ≥ ${MIN} px`});
  }
  // sideways-scroll
  const allowed = (el) => !!el.closest('[data-scroll-x][aria-label], [data-scroll-x][aria-labelledby]');
  const docW = document.documentElement.scrollWidth;
  const clips = ['hidden', 'clip'].includes(getComputedStyle(document.body).overflowX) ||
    ['hidden', 'clip'].includes(getComputedStyle(document.documentElement).overflowX);
  const sticking = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (!shown(el) || allowed(el)) continue;
    const r = el.getBoundingClientRect();
    if (r.right <= vw + 1) continue;
    let p = el.parentElement, inner = false;
    while (p && p !== document.body) {
      const s = getComputedStyle(p);
      if (s.position === 'fixed' || s.overflowX !== 'visible' || sticking.includes(p)) { inner = true; break; }
      p = p.parentElement;
    }
    if (getComputedStyle(el).position === 'fixed') inner = true;
    if (!inner) sticking.push(el);
  }
  if (docW > vw + 1 || (clips && sticking.length)) {
    const who = sticking.slice(0, 3).map((el) => {
      const r = el.getBoundingClientRect();
      return `${describe(el)} (${size(r)}, right edge at ${Math.round(r.right)} px)`;
    }).join('; ');
    out.push({rule: 'sideways-scroll', key: 'page ' + (sticking.length ? where(sticking[0]) : ''), element: who || 'page',
      detail: `page is ${docW} px wide in a ${vw} px viewport`});
  }
  for (const el of document.body.querySelectorAll('*')) {
    if (['INPUT', 'TEXTAREA', 'SELECT'].includes(el.tagName) || !shown(el) || allowed(el)) continue;
    const s = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(s.overflowX) || el.scrollWidth <= el.clientWidth + 1) continue;
    out.push({rule: 'sideways-scroll', key: where(el), element: describe(el),
      detail: `scrolls sideways (${el.scrollWidth} px of content in ${el.clientWidth} px) ` +
        'without saying so: give the region data-scroll-x and an aria-label'});
  }
  // cjk-wrap
  const CJK = /[\u3400-\u9fff\uf900-\ufaff\u3040-\u30ff\uac00-\ud7af\u3000-\u303f\uff00-\uffef]/;
  const owners = new Map();
  const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walk.nextNode(); n; n = walk.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, noscript, template, title')) continue;
    if (!owners.has(el)) owners.set(el, []);
    owners.get(el).push(n);
  }
  const range = document.createRange();
  for (const [el, nodes] of owners) {
    const text = nodes.map((n) => n.data).join('');
    if ([...text].filter((c) => CJK.test(c)).length < 2) continue;
    const chars = [];
    for (const n of nodes) {
      for (let i = 0; i < n.data.length; i++) {
        if (/\s/.test(n.data[i])) continue;
        range.setStart(n, i); range.setEnd(n, i + 1);
        const rects = range.getClientRects();
        if (!rects.length || (rects[0].width === 0 && rects[0].height === 0)) continue;
        chars.push((rects[0].top + rects[0].bottom) / 2);
      }
    }
    if (chars.length < 2) continue;
    const lines = [];
    for (const y of chars) {
      const line = lines.find((l) => Math.abs(l.y - y) < 4);
      if (line) line.n += 1; else lines.push({y, n: 1});
    }
    if (lines.length >= 2 && lines.every((l) => l.n <= 1)) {
      const r = el.getBoundingClientRect();
      out.push({rule: 'cjk-wrap', key: where(el), element: describe(el),
        detail: `${chars.length} characters on ${lines.length} lines, one per line (box ${size(r)})`});
    }
  }
  return out;
}
"""


def check_rules(page: Any, url: str, persona: str, viewport: str) -> list[Violation]:
    """The layout rules on the page as it is laid out now.

    Repeats (the same rule on elements with the same selector, e.g. one small link in
    each of 50 rows) are folded into the first, with "(+N more like it)".
    """
    found = page.evaluate(RULES_JS)
    folded: dict[tuple[str, str], tuple[dict[str, str], int]] = {}
    for item in found:
        key = (item["rule"], item["key"])
        first, n = folded.get(key, (item, -1))
        folded[key] = (first, n + 1)
    return [
        Violation(url, persona, viewport, i["rule"], i["element"], i["detail"], more, i["key"])
        for i, more in folded.values()
    ]


def assert_rules(page: Any, persona: str = "-", viewports: tuple[str, ...] = PHONES) -> None:
    """For an app's own browser test: the page keeps the layout rules on each phone size."""
    found = []
    for viewport in viewports:
        page.set_viewport_size(VIEWPORTS[viewport])
        page.wait_for_timeout(30)
        found += check_rules(page, page.url, persona, viewport)
    assert not found, summary(found)
