"""The kit (issue #10): navigation per role, the Me page, the glossary, c-field, the shell."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django import forms
from django.template import Context, Template, TemplateSyntaxError
from django.test import Client
from django.utils import translation
from django_cotton.compiler_regex import CottonCompiler

from grassroots.accounts.models import User
from grassroots.core import nav
from grassroots.core.glossary import ACTIONS, PLACES
from grassroots.core.scoping import scope_for
from grassroots.testing import Town

PERSONAS = ["root", "alice", "sam", "rita", "ivan", "olga", "oscar"]


def render(source: str, **context: object) -> str:
    return Template(CottonCompiler().process(source)).render(Context(context))


def tab_keys(html: str) -> list[str]:
    bar = re.search(r'<nav class="tabbar".*?</nav>', html, re.S)
    assert bar, "no tab bar"
    return re.findall(r'href="([^"]+)" class="tabbar__tab', bar.group(0))


def keys_for(username: str | None) -> list[str]:
    user = User.objects.get(username=username) if username else None
    return [link.key for link in nav.build(scope_for(user), user, "/").tabs]


# ---------------------------------------------------------------- navigation


def test_a_representative_gets_exactly_his_tabs(town: Town) -> None:
    assert keys_for("rita") == ["my_households", "cases", "notices", "me"]


def test_a_visitor_gets_the_resident_services(town: Town) -> None:
    assert keys_for(None) == ["report", "track", "public_board", "log_in"]
    html = Client().get("/cases/report/").content.decode()
    assert tab_keys(html) == [
        "/cases/report/",
        "/cases/track/",
        "/cases/public/",
        "/accounts/login/",
    ]
    assert 'class="sidebar__link is-active" aria-current="page"' in html


@pytest.mark.parametrize(
    ("username", "tabs"),
    [
        ("alice", ["home", "cases", "board", "notices", "me"]),
        # A secretary's week of duties takes the messages' place; the top bar's bell
        # still leads to them.
        ("sam", ["home", "duties_week", "cases", "board", "me"]),
        ("ivan", ["home", "my_branches", "cases", "notices", "me"]),
        ("olga", ["home", "party", "cases", "notices", "me"]),
        ("irene", ["home", "cases", "board", "inspections", "me"]),
        ("oscar", ["home", "cases", "notices", "me"]),
    ],
)
def test_each_role_gets_at_most_five_tabs_me_last(
    town: Town, username: str, tabs: list[str]
) -> None:
    assert keys_for(username) == tabs


@pytest.mark.parametrize("username", PERSONAS)
def test_every_destination_shown_opens_for_that_user(town: Town, client_for, username: str) -> None:
    client = client_for(username)
    html = client.get("/me/").content.decode()
    user = User.objects.get(username=username)
    links = nav.build(scope_for(user), user, "/me/").links
    assert links, username
    for link in links:
        assert f'href="{link.url}"' in html, (username, link.key)  # drawn in the sidebar
        r = client.get(link.url)
        assert r.status_code == 200, (username, link.key, r.status_code)


def test_the_board_is_not_offered_to_those_it_would_refuse(town: Town) -> None:
    # The defect of issue #10: a representative and an instructor saw a link that 404s.
    for username in ("rita", "ivan", "olga", "oscar"):
        user = User.objects.get(username=username)
        assert "board" not in [link.key for link in nav.build(scope_for(user), user).links]


def test_staff_only_destinations(town: Town) -> None:
    root = User.objects.get(username="root")
    keys = [link.key for link in nav.build(scope_for(root), root).links]
    assert {"back_office", "styleguide"} <= set(keys)
    rita = User.objects.get(username="rita")
    keys = [link.key for link in nav.build(scope_for(rita), rita).links]
    assert "back_office" not in keys and "styleguide" not in keys


def test_the_longest_matching_destination_is_active(town: Town) -> None:
    rita = User.objects.get(username="rita")
    built = nav.build(scope_for(rita), rita, "/grid/mine/")
    assert built.active is not None and built.active.key == "my_households"
    assert nav.build(scope_for(rita), rita, "/nowhere/").active is None


def test_registering_twice_replaces(town: Town) -> None:
    before = len(nav.registered())
    item = nav.registered()[0]
    nav.register(item)
    assert len(nav.registered()) == before


# ---------------------------------------------------------------- the Me page


def test_me_page(town: Town, client_for) -> None:
    html = client_for("sam").get("/me/").content.decode()
    assert "明月村书记" in html
    assert "村党组织书记" in html or "书记" in html  # the role, translated
    assert 'action="/accounts/logout/" method="post"' in html
    assert 'name="language" value="en"' in html
    assert 'href="/notify/preferences/"' in html


def test_me_page_in_english(town: Town, client_for) -> None:
    client = client_for("rita")
    client.post("/i18n/setlang/", {"language": "en", "next": "/me/"})
    html = client.get("/me/").content.decode()
    assert "representative" in html.lower() and "Log out" in html


def test_me_needs_a_login(town: Town) -> None:
    r = Client().get("/me/")
    assert r.status_code == 302 and "/accounts/login/" in r["Location"]


def test_styleguide_is_for_staff(town: Town, client_for) -> None:
    assert client_for("rita").get("/styleguide/").status_code == 404
    assert client_for("alice").get("/styleguide/").status_code == 200  # staff by her role


# ---------------------------------------------------------------- the shell


def test_pages_link_favicon_and_manifest_and_show_their_title(town: Town, client_for) -> None:
    for client, url in ((Client(), "/cases/report/"), (client_for("rita"), "/grid/mine/")):
        html = client.get(url).content.decode()
        assert re.search(r'<link rel="icon" href="[^"]*favicon\.svg"', html)
        assert re.search(r'<link rel="icon" href="[^"]*favicon-32\.png"', html)
        assert re.search(r'<link rel="manifest" href="[^"]*manifest\.webmanifest"', html)
        title = re.search(r"<title>(.*?) · ", html).group(1).strip()
        assert f'<p class="topbar__title">{title}</p>' in html


def test_back_block_draws_a_back_arrow() -> None:
    base = Template(
        '{% extends "base.html" %}{% block title %}T &amp; U{% endblock %}'
        "{% block back %}/grid/mine/{% endblock %}"
    )
    html = base.render(Context({}))
    assert 'class="topbar__back" href="/grid/mine/"' in html
    assert '<p class="topbar__title">T &amp; U</p>' in html  # escaped once, not twice
    plain = Template('{% extends "base.html" %}{% block title %}T{% endblock %}')
    assert "topbar__back" not in plain.render(Context({}))


# ---------------------------------------------------------------- glossary


def test_action_tag_translates() -> None:
    with translation.override("zh-hans"):
        assert Template('{% action "log_visit" %}').render(Context()) == "登记走访"
    with translation.override("en"):
        assert Template('{% action "log_visit" %}').render(Context()) == "Log a visit"
        assert render('<c-button action="save" />').count("Save") == 1


def test_every_label_is_translated() -> None:
    with translation.override("zh-hans"):
        untranslated = [
            k for k, v in {**ACTIONS, **PLACES}.items() if re.search("[A-Za-z]", str(v))
        ]
    assert untranslated == []


def test_an_unknown_action_is_an_error() -> None:
    with pytest.raises((KeyError, TemplateSyntaxError)):
        Template('{% action "no_such_action" %}').render(Context())


# ---------------------------------------------------------------- c-field


class SampleForm(forms.Form):
    name = forms.CharField(label="姓名？", help_text="填写户主姓名")
    phone = forms.CharField(label="联系电话", required=False)
    size = forms.IntegerField(label="人数")
    day = forms.DateField(label="日期", widget=forms.DateInput)


def test_c_field_label_help_error_and_keyboards() -> None:
    form = SampleForm(data={"name": "", "phone": "138", "size": "3", "day": "2026-11-29"})
    assert not form.is_valid()
    html = render('{% for f in form %}<c-field :field="f" />{% endfor %}', form=form)
    assert '<label class="field__label" for="id_name">姓名？</label>' in html  # no "？:"
    assert 'id="id_name_help">填写户主姓名</p>' in html
    assert re.search(r'class="field__error" id="id_name_error">[^<]+</p>', html)
    assert 'aria-invalid="true"' in html and 'aria-describedby="id_name_help id_name_error"' in html
    assert re.search(r'<input type="tel" name="phone"[^>]*inputmode="tel"', html)
    assert re.search(r'<input type="number" name="size"[^>]*inputmode="numeric"', html)
    day = SampleForm(initial={"day": dt.date(2026, 11, 29)})
    html = render('<c-field :field="form.day" />', form=day)
    assert re.search(r'<input type="date" name="day" value="2026-11-29"', html)


def test_forms_render_without_a_label_suffix() -> None:
    html = str(SampleForm())
    assert "姓名？</label>" in html and "：</label>" not in html and ":</label>" not in html


def test_c_segmented_shows_choices_without_the_blank_one() -> None:
    class F(forms.Form):
        mode = forms.ChoiceField(
            label="方式", choices=[("", "---------"), ("visit", "走访"), ("call", "电话")]
        )

    html = render('<c-segmented :field="form.mode" />', form=F(initial={"mode": "visit"}))
    assert "---------" not in html
    assert re.search(r'value="visit" id="id_mode_\d" checked', html)
    assert html.count('type="radio"') == 2


def test_label_tag_loses_the_suffix_too() -> None:
    form = SampleForm()
    with translation.override("zh-hans"):
        assert str(form["phone"].label_tag()) == '<label for="id_phone">联系电话</label>'
        assert str(form["name"].label_tag()) == '<label for="id_name">姓名？</label>'
    with translation.override("en"):
        assert str(form["size"].label_tag()) == '<label for="id_size">人数</label>'


def test_glossary_wording_is_not_taken_from_other_catalogues() -> None:
    # Django's admin translates "Close" (关闭) and "Filter" (过滤器) its own way.
    with translation.override("zh-hans"):
        assert str(ACTIONS["close"]) == "办结"
        assert str(ACTIONS["filter"]) == "筛选"
        assert str(ACTIONS["log_out"]) == "退出登录"
