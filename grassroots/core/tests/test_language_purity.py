"""Both languages complete (issue #10, Acceptance 4): the English interface has no Chinese
interface text and the Chinese interface none in English, on every page.

Every GET route of the project (from the resolver, classified by the scope walker's table)
is rendered for each persona — town administrator, secretary, representative, instructor,
handler, anonymous — in zh-hans and in en, with ids filled by rows the persona reaches.
From each HTML page the visible text is taken (text nodes outside script/style, the page
title, and the attributes a person sees: placeholder, title, aria-label, alt, label, the
value of buttons). Data is not interface text: every string stored in the test data
(place, person, organisation and user names, case texts, notices' stored text…) is
removed first, and so is a Chinese run that starts a stored string (a shortened case
text). Then an English page may hold no CJK character (CJK punctuation included) and a
Chinese page no English word of three letters or more, apart from ALLOWED below.

Every offender is reported as (language, persona, page, string). Offenders in pages that
other work is rebuilding are listed in KNOWN_OFFENDERS with the file that holds them; the
test fails on anything else, and warns about a listed offender that no longer shows.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Iterator
from html.parser import HTMLParser
from typing import Any

import pytest
from django.apps import apps
from django.conf import settings
from django.db import models
from django.test import Client
from django.urls import reverse

from grassroots.core.personal import SealedField
from grassroots.core.tests.test_scope_walker import fixed_kwargs, is_api
from grassroots.core.tests.test_translations import CATALOGUES, ROOT, entries
from grassroots.core.tests.walker.routes import Kind, Route, Rule, all_routes, classify
from grassroots.core.tests.walker.world import World, build_world, first_reachable
from grassroots.testing import Town

pytestmark = [pytest.mark.once, pytest.mark.django_db]

# The personas of Acceptance 4 (None: anonymous); hank is the walker world's town handler.
PERSONAS: tuple[str | None, ...] = ("alice", "sam", "rita", "ivan", "hank", "olga", "irene", None)

# Pages that are not our interface: Django's and DRF's own, or not HTML. The back office
# (Django admin) is left out too: its words come from Django's catalogues (alt="True"…).
NOT_PAGES = {"api-docs", "api-root", "api-schema", "bench:ping", "healthz", "set_language"}
# The kit's styleguide is a developer's reference: it names components by their code names
# (c-button, tone="warn") and shows sample data.
NOT_PAGES |= {"core:styleguide"}
CHECKED_KINDS = {Kind.PUBLIC, Kind.SYSTEM, Kind.PAGE, Kind.DETAIL, Kind.WRITE}

# Proper nouns, self-names and technical terms that stay as they are (keep it short).
ALLOWED = {
    "zh-hans": {
        "English",  # the language switch names English in English
        "Grassroots",  # the product's name
        "Open311",
        "Excel",
        "CSV",
        "csv",  # a file extension (.csv)
        "xlsx",
        "PDF",  # Chinese office work says PDF (版式文件 only in standards)
        "Webhook",  # WeChat Work's and DingTalk's own Chinese screens say "Webhook 地址"
    },
    "en": {
        "中文",  # the language switch names Chinese in Chinese
    },
}

# (language, offending string) → the file that holds it, being fixed by another helper of
# issue #10 (the lead removes an entry when its fix lands; a stale entry is a warning).
KNOWN_OFFENDERS: dict[tuple[str, str], str] = {}

FILE_PATH = re.compile(r"[\w-]+(?:/[\w.-]+)+\.\w+")  # docs/UI-KIT.md: a path, not a word
CJK = re.compile(r"[\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+")
WORD = re.compile(r"[A-Za-z]{3,}")
SHOWN_ATTRIBUTES = {"placeholder", "title", "aria-label", "alt", "label"}
BUTTON_INPUTS = {"submit", "button", "reset"}
SKIPPED_ELEMENTS = {"script", "style", "noscript", "template", "svg"}


class VisibleText(HTMLParser):
    """The text a person sees in a page, as separate pieces."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.pieces: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in SKIPPED_ELEMENTS:
            # An icon's own label is read out; what is inside it is not text.
            label = dict(attrs).get("aria-label")
            if label and not self.skipping:
                self.pieces.append(label)
            self.skipping += 1
            return
        values = dict(attrs)
        for name, value in attrs:
            if value and name in SHOWN_ATTRIBUTES:
                self.pieces.append(value)
        if tag == "input" and (values.get("type") or "") in BUTTON_INPUTS and values.get("value"):
            self.pieces.append(values["value"] or "")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in SKIPPED_ELEMENTS:
            self.handle_starttag(tag, attrs)

    def handle_endtag(self, tag: str) -> None:
        if tag in SKIPPED_ELEMENTS and self.skipping:
            self.skipping -= 1

    def handle_data(self, data: str) -> None:
        if not self.skipping and data.strip():
            self.pieces.append(data)


def visible_text(html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    parser.close()
    return parser.pieces


# --- the data: every string stored in the test database ----------------------------------


def _translated_fields() -> set[tuple[str, str]]:
    """Fields whose rows carry their own English name: shown translated, so not data."""
    out = set()
    for model in apps.get_models():
        names = {f.name for f in model._meta.get_fields()}
        if "name_en" in names:
            out |= {(model._meta.label, "name"), (model._meta.label, "name_en")}
    return out


# Rows that are never shown as they are: the audit trail (its actions are identifiers).
NOT_DATA_MODELS = {"core.AuditEvent"}
LETTERS = re.compile(r"[^\W\d_]")


def _choice_values() -> set[str]:
    """Every stored choice value (`assigned`, `town_admin`…): shown by a translated label."""
    values: set[str] = set()
    for model in apps.get_models():
        for f in model._meta.concrete_fields:
            values.update(str(v) for v, _label in f.flatchoices or ())
    return values


def stored_strings() -> list[str]:
    """The values of every text column of the project's models (longest first)."""
    translated = _translated_fields()
    vocabulary = _choice_values()
    found: set[str] = set()
    for model in apps.get_models():
        if not model.__module__.startswith("grassroots.") or model._meta.label in NOT_DATA_MODELS:
            continue
        for f in model._meta.concrete_fields:
            if (
                not isinstance(f, (models.CharField, models.TextField))
                or isinstance(f, (SealedField, models.SlugField))  # sealed, or an identifier
                or f.choices  # a choice is shown by its (translated) label
                or (model._meta.label, f.name) in translated
            ):
                continue
            found.update(
                v.strip()
                for v in model._default_manager.values_list(f.name, flat=True).distinct()
                if v and v.strip()
            )
    # Digits and punctuation are ignored anyway; a choice value is a word to translate.
    return sorted(
        (s for s in found if LETTERS.search(s) and s not in vocabulary), key=len, reverse=True
    )


def _data_pattern(value: str) -> str:
    """A stored value as a pattern: Latin letters only as whole words ("root" ≠ "Grassroots")."""
    text = re.escape(value)
    if re.match(r"[A-Za-z0-9]", value):
        text = r"(?<![A-Za-z0-9])" + text
    if re.search(r"[A-Za-z0-9]$", value):
        text += r"(?![A-Za-z0-9])"
    return text


class Data:
    def __init__(self, strings: list[str]) -> None:
        self.strings = strings
        self.pattern = (
            re.compile("|".join(_data_pattern(s) for s in strings)) if strings else re.compile("$^")
        )

    def remove(self, text: str) -> str:
        return self.pattern.sub(" ", text)

    def starts_a_value(self, run: str) -> bool:
        """A Chinese run that begins a stored value: a shortened case text or title."""
        return len(run) >= 4 and any(s.startswith(run) for s in self.strings)


def offenders(pieces: list[str], language: str, data: Data) -> set[str]:
    found: set[str] = set()
    for piece in pieces:
        text = data.remove(piece)
        if language == "en":
            for run in CJK.findall(text):
                core = run.strip("\u3000…，。：；、（）【】《》“”")
                if core and not data.starts_a_value(core) and run not in ALLOWED["en"]:
                    found.add(run)
        else:
            for word in WORD.findall(FILE_PATH.sub(" ", text)):
                if word not in ALLOWED["zh-hans"]:
                    found.add(word)
    return found


# --- the pages ----------------------------------------------------------------------------


def page_urls(world: World, persona: str | None) -> Iterator[tuple[str, str]]:
    """(route key, URL) of every GET page the persona can be shown."""
    user = world.user(persona)
    for route in all_routes():
        rule = classify(route.key)
        if (
            rule is None
            or rule.kind not in CHECKED_KINDS
            or route.key in NOT_PAGES
            or is_api(route.key)
            or route.key.startswith("admin")
        ):
            continue
        url = _url(world, route, rule, user, anonymous=persona is None)
        if url is not None:
            yield route.key, url


def _url(world: World, route: Route, rule: Rule, user: Any, *, anonymous: bool) -> str | None:
    kwargs = fixed_kwargs(world, rule)
    if rule.kind == Kind.DETAIL:
        if anonymous or not rule.model:
            return None
        target = first_reachable(apps.get_model(rule.model), user)
        if target is None:
            return None
        kwargs[rule.obj_kwarg] = target.code if rule.obj_kwarg == "code" else target.pk
    try:
        return reverse(route.key, kwargs=kwargs)
    except Exception:  # a route whose parameters the table does not give (none today)
        return None


def client_for(world: World, persona: str | None, language: str) -> Client:
    client = Client()
    if persona is not None:
        client.force_login(world.user(persona))
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client


def walk(world: World, data: Data) -> tuple[list[tuple[str, str, str, str]], int]:
    """Every offender as (language, persona, route key → URL, string); and pages checked."""
    found: list[tuple[str, str, str, str]] = []
    checked = 0
    for persona in PERSONAS:
        urls = list(page_urls(world, persona))
        for language in ("zh-hans", "en"):
            client = client_for(world, persona, language)
            for key, url in urls:
                response = client.get(url)
                kind = response.get("Content-Type", "")
                if response.status_code != 200 or not kind.startswith("text/html"):
                    continue
                checked += 1
                for bad in sorted(
                    offenders(visible_text(response.content.decode()), language, data)
                ):
                    found.append((language, persona or "anonymous", f"{key} {url}", bad))
    return found, checked


def test_no_page_mixes_the_languages(town: Town) -> None:
    world = build_world(town)
    data = Data(stored_strings())
    found, checked = walk(world, data)
    assert checked > 150, f"only {checked} pages were checked"
    known = set()
    unexpected = []
    for language, persona, page, bad in found:
        if (language, bad) in KNOWN_OFFENDERS:
            known.add((language, bad))
        else:
            unexpected.append(f"{language:7} {persona:9} {page}: {bad!r}")
    for key in sorted(set(KNOWN_OFFENDERS) - known):
        warnings.warn(f"KNOWN_OFFENDERS {key} no longer shows: remove it", stacklevel=1)
    assert not unexpected, f"{len(unexpected)} offenders:\n" + "\n".join(sorted(set(unexpected)))


# --- the catalogues: what no page walk reaches (errors, messages, e-mails) ------------------

PLACEHOLDERS = re.compile(
    r"%\(\w+\)[-+ #0]*\d*(?:\.\d+)?[sdfi]|%[sd]|\{\{[^}]*\}\}|\{%[^%]*%\}|<[^>]+>|&\w+;"
    r"|https?://\S+|--[\w-]+|\.\.\./\S*|…/\S*|" + FILE_PATH.pattern
)
# Protocol catalogues quote the protocol's own parameter names (GeoReport v2: lat, long, token…).
PROTOCOL_CATALOGUES = {"open311"}
# Technical terms a Chinese interface keeps in Latin letters.
TECHNICAL = {"JSON", "JPEG", "PNG", "WebP", "GIF", "WGS", "http", "https", "Cookie", "UTF", "GBK"}
TECHNICAL |= {"POST", "ISO", "API"}
# msgids that must name Chinese words: the values an import file holds in a column.
CHINESE_VALUES = {"use 男 or 女", "use 正式 or 预备"}
# (app, msgid) → the file being fixed by another helper (see KNOWN_OFFENDERS).
KNOWN_CATALOGUE_OFFENDERS: dict[tuple[str, str], str] = {}


def catalogue_offenders() -> list[tuple[str, str, str]]:
    """(app, msgid, problem) for every zh-hans catalogue entry that mixes the languages."""
    found = []
    for po in CATALOGUES:
        app = po.relative_to(ROOT).parts[0]
        for msgid, msgstr, _fuzzy in entries(po):
            if not msgid:
                continue
            chinese = CJK.findall(PLACEHOLDERS.sub(" ", msgid))
            if chinese and msgid not in CHINESE_VALUES:
                found.append((app, msgid, f"Chinese in the English text: {chinese}"))
            if app in PROTOCOL_CATALOGUES:
                continue
            words = [
                w
                for w in WORD.findall(PLACEHOLDERS.sub(" ", msgstr))
                if w not in ALLOWED["zh-hans"] and w not in TECHNICAL
            ]
            if words:
                found.append((app, msgid, f"English in the Chinese text: {words}"))
    return found


def test_no_catalogue_entry_mixes_the_languages() -> None:
    found = catalogue_offenders()
    unexpected = [
        f"{a}: {m!r}: {p}" for a, m, p in found if (a, m) not in KNOWN_CATALOGUE_OFFENDERS
    ]
    seen = {(a, m) for a, m, _p in found}
    for key in sorted(set(KNOWN_CATALOGUE_OFFENDERS) - seen):
        warnings.warn(f"KNOWN_CATALOGUE_OFFENDERS {key} no longer shows: remove it", stacklevel=1)
    assert not unexpected, f"{len(unexpected)} entries:\n" + "\n".join(unexpected)


# --- the test's own gate ------------------------------------------------------------------


def test_the_text_extraction_sees_what_a_person_sees() -> None:
    html = (
        '<html><head><title>标题</title><script>var x = "脚本";</script>'
        "<style>.a{content:'样式'}</style></head><body>"
        '<input placeholder="请输入" type="text"><input type="submit" value="提交">'
        '<input type="hidden" value="隐藏"><button aria-label="关闭">×</button>'
        '<svg><title>图标</title></svg><svg aria-label="铃铛"></svg>'
        '<img alt="照片"><p title="提示">正文</p></body></html>'
    )
    assert visible_text(html) == [
        "标题",
        "请输入",
        "提交",
        "关闭",
        "×",
        "铃铛",
        "照片",
        "提示",
        "正文",
    ]


def test_data_is_not_interface_text() -> None:
    data = Data(["明月村", "村口道路破损严重，有很多坑", "alice"])
    assert offenders(["Households of 明月村"], "en", data) == set()
    assert offenders(["村口道路破损…"], "en", data) == set()  # a shortened case text
    assert offenders(["村口 Households"], "en", data) == {"村口"}
    assert offenders(["明月村的农户"], "en", data) == {"的农户"}
    assert offenders(["alice 的农户"], "zh-hans", data) == set()
    assert offenders(["共 12 户 Households"], "zh-hans", data) == {"Households"}
    assert offenders(["English"], "zh-hans", data) == set()
    assert offenders(["见 docs/UI-KIT.md"], "zh-hans", data) == set()
    root = Data(["root"])
    assert offenders(["Grassroots 的 root"], "zh-hans", root) == set()  # allowed, then data
    assert root.remove("Grassroots") == "Grassroots"
