"""The case defects found on a 390×844 phone (issue 10), each pinned by a test."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from typing import Any

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from grassroots.cases import services, workflow
from grassroots.cases.models import Case, CaseEvent, Priority
from grassroots.cases.tests.helpers import at, file_case
from grassroots.core import clock
from grassroots.grid import services as grid
from grassroots.grid.models import Place
from grassroots.testing import Town


@pytest.fixture(autouse=True)
def _empty_cache(db: None) -> None:
    cache.clear()  # rate-limit counters live in the shared cache


class _FormDefaults(HTMLParser):
    """What a browser submits for each field when the user changes nothing."""

    def __init__(self) -> None:
        super().__init__()
        self.values: dict[str, str] = {}
        self._select: str | None = None
        self._first: str | None = None
        self._chosen: str | None = None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "select":
            self._select, self._first, self._chosen = a.get("name"), None, None
        elif tag == "option" and self._select:
            value = a.get("value") or ""
            if self._first is None:
                self._first = value
            if "selected" in a:
                self._chosen = value
        elif tag == "input" and a.get("name"):
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.values[a["name"] or ""] = a.get("value") or "on"
            else:
                self.values.setdefault(a["name"] or "", a.get("value") or "")

    def handle_endtag(self, tag: str) -> None:
        if tag == "select" and self._select:
            self.values[self._select] = (
                self._chosen if self._chosen is not None else self._first or ""
            )
            self._select = None


def defaults(html: str) -> dict[str, str]:
    parser = _FormDefaults()
    parser.feed(html)
    return parser.values


def _replied(town: Town, hank: Any, **kw: Any) -> Case:
    case = file_case(town, **kw)
    services.case_accept(actor=town.alice, case=case)
    services.case_assign(actor=town.alice, case=case, handler=hank)
    services.case_take(actor=hank, case=case)
    services.case_reply(actor=hank, case=case, reply="已安排修补")
    return case


# ------------------------------------------------------------------ quick case


def test_a_representatives_quick_case_is_normal_unless_she_says_otherwise(
    town: Town, client_for: Any, monday: Any
) -> None:
    rita = client_for("rita")
    url = reverse("cases:intake") + f"?household={town.household_b1.pk}"
    page = rita.get(url).content.decode()
    # A short segmented choice (radio buttons), not a drop-down.
    assert '<select name="priority"' not in page
    assert re.search(r'type="radio" name="priority"', page)
    sent = defaults(page)
    assert sent["priority"] == Priority.NORMAL
    assert "？:" not in page and "?:" not in page
    sent.update(text="门前的路灯坏了一个星期", affected_households="1")
    response = rita.post(url, sent)
    assert response.status_code == 302
    assert Case.objects.get().priority == Priority.NORMAL


# ------------------------------------------------------------------ rating


def test_a_resident_rates_a_case_once_and_the_second_rating_records_nothing(
    town: Town, hank: Any, monday: Any
) -> None:
    case = _replied(town, hank)
    services.case_rate(actor=None, case=case, rating=4, comment="很快")
    with pytest.raises(ValidationError) as refused:
        services.case_rate(actor=None, case=case, rating=1, comment="再评一次")
    assert refused.value.code == "already_rated"
    case.refresh_from_db()
    assert (case.rating, case.rating_comment) == (4, "很快")
    assert CaseEvent.objects.filter(case=case, kind="rate").count() == 1


def test_the_database_keeps_one_rating_event_per_answer(town: Town, hank: Any, monday: Any) -> None:
    case = _replied(town, hank)
    services.case_rate(actor=None, case=case, rating=5)
    reply = CaseEvent.objects.get(case=case, kind="reply").pk
    with pytest.raises(IntegrityError), transaction.atomic():
        CaseEvent.objects.create(
            case=case, kind="rate", at=clock.now(), data={"rating": 1, "reply": reply}
        )


def test_the_tracking_page_refuses_a_second_rating_with_a_clear_message(
    town: Town, hank: Any, monday: Any
) -> None:
    case = _replied(town, hank)
    url = reverse("cases:track", args=[case.code])
    resident = Client()
    assert resident.post(url, {"rating": 5, "comment": "满意"}).status_code == 302
    page = resident.get(url).content.decode()
    assert 'name="rating"' not in page  # no form to rate again
    again = resident.post(url, {"rating": 1, "comment": "不满意"})
    assert again.status_code == 400
    assert "已评价" in again.content.decode()
    html = resident.get(url).content.decode()
    assert html.count(str(workflow.EVENT_LABELS["rate"])) == 1
    assert Case.objects.get(pk=case.pk).rating == 5


def test_staff_read_the_residents_comment_on_the_case_page(
    town: Town, hank: Any, client_for: Any, monday: Any
) -> None:
    case = _replied(town, hank)
    services.case_rate(actor=None, case=case, rating=3, comment="修得不太平整")
    html = client_for("sam").get(reverse("cases:detail", args=[case.pk])).content.decode()
    assert "修得不太平整" in html


# ------------------------------------------------------------------ inbox


def _many(town: Town, n: int, **kw: Any) -> list[Case]:
    return [file_case(town, text=f"第{i}处路面破损需要修补", **kw) for i in range(n)]


def test_the_inbox_is_paged_and_keeps_its_filters(town: Town, client_for: Any, monday: Any) -> None:
    _many(town, 25)
    alice = client_for("alice")
    first = alice.get(reverse("cases:inbox"), {"open": "true"})
    page = first.context["page"]
    assert len(page.object_list) == 20 and page.paginator.count == 25
    html = first.content.decode()
    assert re.search(r'href="\?[^"]*open=true[^"]*page=2|href="\?[^"]*page=2[^"]*open=true', html)
    second = alice.get(reverse("cases:inbox"), {"open": "true", "page": 2})
    assert len(second.context["page"].object_list) == 5
    assert alice.get(reverse("cases:inbox"), {"page": 99}).status_code == 200


def test_the_inbox_puts_urgent_and_overdue_first_and_never_closed_above_open(
    town: Town, client_for: Any, monday: Any
) -> None:
    old_overdue = file_case(town, text="很早以前的水沟堵塞问题")
    clock.set_now(at(2026, 10, 20, 10))
    normal = file_case(town, text="村道边的杂草需要清理")
    emergency = file_case(town, text="电线杆倾斜随时会倒", priority=Priority.EMERGENCY)
    clock.set_now(at(2026, 10, 20, 11))
    closed = file_case(town, text="最新提交但已撤回的问题")
    services.case_withdraw(actor=town.sam, case=closed, closure="withdrawn")
    rows = list(client_for("sam").get(reverse("cases:inbox")).context["page"].object_list)
    assert rows == [emergency, old_overdue, normal, closed]


def test_the_inbox_sorts_by_a_column_and_keeps_open_cases_first(
    town: Town, client_for: Any, monday: Any
) -> None:
    first = file_case(town, text="最早提交的路面问题")
    clock.set_now(at(2026, 9, 29, 10))
    second = file_case(town, text="第二个提交的路面问题")
    closed = file_case(town, text="第三个但已撤回的问题")
    services.case_withdraw(actor=town.sam, case=closed, closure="withdrawn")
    sam = client_for("sam")

    def rows(sort: str) -> list[Case]:
        return list(sam.get(reverse("cases:inbox"), {"sort": sort}).context["page"].object_list)

    assert rows("newest") == [second, first, closed]
    assert rows("-newest") == [first, second, closed]
    assert rows("due") == [first, second, closed]
    assert rows("-due") == [second, first, closed]
    html = sam.get(reverse("cases:inbox"), {"sort": "due", "open": "true"}).content.decode()
    assert "sort=-due" in html and "sort=newest" in html


def test_the_inbox_shows_the_village_with_the_group_in_a_fixed_number_of_queries(
    town: Town, client_for: Any, monday: Any
) -> None:
    file_case(town)
    alice = client_for("alice")
    url = reverse("cases:inbox")
    alice.get(url)
    with CaptureQueriesContext(connection) as few:
        html = alice.get(url).content.decode()
    assert "明月村 · 一组" in html
    _many(town, 12, place=town.group_b1)
    with CaptureQueriesContext(connection) as many:
        html = alice.get(url).content.decode()
    assert "上杉市村 · 一组" in html
    assert len(many.captured_queries) == len(few.captured_queries)


# ------------------------------------------------------------------ case page


def test_the_first_timeline_entry_names_the_event(town: Town, client_for: Any, monday: Any) -> None:
    case = file_case(town)
    html = client_for("sam").get(reverse("cases:detail", args=[case.pk])).content.decode()
    titles = re.findall(r'class="timeline__title">([^<]+)<', html)
    assert titles[0].strip() == "提交诉求"  # an event, not the "submitted at" column's label
    assert "提交时间" not in html


@pytest.mark.parametrize(
    ("who", "where", "replied"),
    [
        ("sam", "group_a1", False),
        ("sam", "group_a1", True),
        ("alice", "group_b1", False),
        ("alice", "group_b1", True),
        ("rita", "group_b1", True),
        ("hank", "group_a1", True),
    ],
)
def test_the_case_page_offers_exactly_the_allowed_actions(
    town: Town, hank: Any, client_for: Any, monday: Any, who: str, where: str, replied: bool
) -> None:
    from grassroots.accounts.models import User

    place = getattr(town, where)
    case = _replied(town, hank, place=place) if replied else file_case(town, place=place)
    user = User.objects.get(username=who)
    response = client_for(who).get(reverse("cases:detail", args=[case.pk]))
    assert response.status_code == 200
    offered = set(re.findall(r'data-action="([a-z_]+)"', response.content.decode()))
    assert offered == set(workflow.actions_for(user, case))
    assert offered or who == "hank"  # the handler has replied: nothing left for him


# ------------------------------------------------------------------ board


def test_the_board_groups_by_village_shows_days_overdue_and_pages(
    town: Town, client_for: Any, monday: Any
) -> None:
    _many(town, 3, place=town.group_a2, priority=Priority.URGENT)
    _many(town, 15)
    _many(town, 7, place=town.group_b1)
    clock.set_now(at(2026, 10, 20, 12))
    alice = client_for("alice")
    response = alice.get(reverse("cases:board"))
    assert response.status_code == 200
    page = response.context["page"]
    assert len(page.object_list) == 20 and page.paginator.count == 25
    html = response.content.decode()
    rows = list(page.object_list)
    days = (clock.now() - rows[0].resolve_due_at).days
    assert rows[0].days_overdue == days > 0
    assert f"逾期 {days} 天" in html
    # Grouped: the rows of a village are together, under its name.
    villages = [r.village_name for r in rows]
    assert villages == sorted(villages, key=villages.index)
    assert set(villages) == {"明月村", "上杉市村"}
    assert 'class="priority-urgent' in html or 'data-priority="urgent"' in html
    assert len(html) < 120_000


def test_the_board_reads_in_a_fixed_number_of_queries(
    town: Town, client_for: Any, monday: Any
) -> None:
    file_case(town)
    clock.set_now(at(2026, 10, 20, 12))
    alice = client_for("alice")
    alice.get(reverse("cases:board"))
    with CaptureQueriesContext(connection) as few:
        alice.get(reverse("cases:board"))
    clock.set_now(at(2026, 9, 28, 10))
    _many(town, 15, place=town.group_b1)
    clock.set_now(at(2026, 10, 20, 12))
    with CaptureQueriesContext(connection) as many:
        alice.get(reverse("cases:board"))
    assert len(many.captured_queries) == len(few.captured_queries)


# ------------------------------------------------------------------ measures


def test_measures_show_percentages_labelled_periods_and_the_town_total(
    town: Town, client_for: Any, monday: Any
) -> None:
    cases = _many(town, 3)
    for case in cases[:2]:
        services.case_accept(actor=town.sam, case=case)
    clock.set_now(at(2026, 10, 20, 12))
    html = client_for("alice").get(reverse("cases:measures"), {"year": 2026, "month": 9})
    text = html.content.decode()
    assert "66.7%" in text and "0.6667" not in text
    assert re.search(r'<label[^>]+for="id_year"', text)
    assert re.search(r'<label[^>]+for="id_month"', text)
    assert html.context["totals"][0][1].cases == 3
    assert "测试镇" in text and 'data-total="town"' in text


def test_each_count_on_measures_and_board_opens_the_cases_it_counts(
    town: Town, client_for: Any, monday: Any
) -> None:
    _many(town, 3)
    _many(town, 2, place=town.group_b1)
    clock.set_now(at(2026, 10, 20, 12))
    alice = client_for("alice")
    html = alice.get(reverse("cases:measures"), {"year": 2026, "month": 9}).content.decode()
    links = sorted(set(re.findall(r'href="(/cases/\?month=2026-09&amp;under=\d+)"', html)))
    assert len(links) == 3  # the town (tile and total row), then each village with cases
    counts = [
        alice.get(link.replace("&amp;", "&")).context["page"].paginator.count for link in links
    ]
    assert sorted(counts) == [2, 3, 5]
    board = alice.get(reverse("cases:board")).content.decode()
    for link in re.findall(r'href="(/cases/\?overdue=true&amp;under=\d+)"', board):
        assert alice.get(link.replace("&amp;", "&")).context["page"].paginator.count in (2, 3)
    # A malformed month is ignored by the page (the API answers 400, as for every filter).
    assert alice.get(reverse("cases:inbox"), {"month": "0000-13"}).status_code == 200


# ------------------------------------------------------------------ resident form


def test_the_report_form_does_not_list_every_place(town: Town, monday: Any) -> None:
    before = len(Client().get(reverse("cases:report")).content)
    for n in range(40):
        grid.place_create(
            actor=town.root, parent=town.village_a, kind=Place.Kind.GROUP, name=f"新建{n}组"
        )
    html = Client().get(reverse("cases:report")).content.decode()
    assert "新建7组" not in html
    assert len(html.encode()) - before < 200


def test_the_report_form_brings_up_the_phone_keyboard_and_labels_read_well(
    town: Town, monday: Any
) -> None:
    html = Client().get(reverse("cases:report")).content.decode()
    phone = re.search(r'<input[^>]+name="phone"[^>]*>', html)
    assert phone is not None
    assert 'type="tel"' in phone.group(0) and 'inputmode="tel"' in phone.group(0)
    for doubled in ("？:", "?:", "：:", "）:", "):"):
        assert doubled not in html


def test_a_resident_still_files_at_a_chosen_group(town: Town, monday: Any) -> None:
    client = Client()
    client.get(reverse("cases:report"))
    response = client.post(
        reverse("cases:report"),
        {
            "place": town.group_a2.pk,
            "text": "二组的路灯全都不亮了",
            "answer": client.session["case_challenge"],
        },
    )
    assert response.status_code == 302
    assert Case.objects.get().place == town.group_a2
    filed = client.get(response["Location"]).content.decode()
    code = Case.objects.get().code
    # The tracking code can be copied with one tap.
    assert f'id="tracking-code">{code}<' in filed and 'data-copy="tracking-code"' in filed
    client.get(reverse("cases:report"))
    far = client.post(
        reverse("cases:report"),
        {"place": town.town.pk, "text": "镇上的问题", "answer": client.session["case_challenge"]},
    )
    assert far.status_code == 200 and Case.objects.count() == 1


# ------------------------------------------------------------------ one name, saved changes


def test_the_case_actions_take_their_names_from_the_glossary() -> None:
    from grassroots.core.glossary import ACTIONS

    shared = set(ACTIONS) & set(workflow.ACTION_LABELS)
    assert {"accept", "assign", "take", "reply", "close", "reject", "supervise"} <= shared
    for action in shared:
        assert workflow.ACTION_LABELS[action] is ACTIONS[action]


def test_a_saved_action_says_so_in_a_fading_message(
    town: Town, client_for: Any, monday: Any
) -> None:
    case = file_case(town)
    sam = client_for("sam")
    page = sam.post(reverse("cases:act", args=[case.pk, "accept"]), follow=True)
    html = page.content.decode()
    assert "msg--fade" in html and "已完成：受理" in html
    other = file_case(town, text="另一处路面破损需要修补")
    swapped = sam.post(
        reverse("cases:act", args=[other.pk, "accept"]), HTTP_HX_REQUEST="true"
    ).content.decode()
    assert 'id="case-body"' in swapped and "msg--fade" in swapped


def test_every_case_list_says_what_to_do_when_it_is_empty(
    town: Town, client_for: Any, monday: Any
) -> None:
    alice = client_for("alice")
    for url in (reverse("cases:inbox"), reverse("cases:board")):
        html = alice.get(url).content.decode()
        assert 'class="empty' in html
    filtered = alice.get(reverse("cases:inbox"), {"status": "closed"}).content.decode()
    assert 'class="empty' in filtered and "清除筛选" in filtered
    html = Client().get(reverse("cases:public_board", args=[town.village_a.pk])).content.decode()
    assert 'class="empty' in html


def test_the_api_lists_a_month_under_a_place_and_refuses_a_malformed_one(
    town: Town, api_for: Any, monday: Any
) -> None:
    _many(town, 2)
    file_case(town, place=town.group_b1)
    api = api_for("alice")
    listed = api.get("/api/cases/", {"month": "2026-09", "under": town.village_a.pk})
    assert listed.status_code == 200 and listed.json()["count"] == 2
    assert api.get("/api/cases/", {"month": "2026-13"}).status_code == 400
    assert api.get("/api/cases/", {"under": "99999999999999999999"}).status_code == 400
