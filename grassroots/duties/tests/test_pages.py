"""The pages: this week, the board (constant queries), a branch, plans; out of reach → 404."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.duties import services
from grassroots.duties.models import Assignment, Cadence, DueRule, Evidence, Item, Plan
from grassroots.duties.tests.conftest import item_fields, items_of, make_plan
from grassroots.party import services as party
from grassroots.party.models import Organization

pytestmark = pytest.mark.django_db
S = Assignment.Status


@pytest.fixture
def generated(town, now, visit_kind):
    plan = make_plan(
        town,
        item_fields(title="周工作提醒", weight=20, steps=["查看通知", "安排工作"]),
        item_fields(title="需文件", weight=20, evidence=Evidence.REQUIRED),
        item_fields(title="指导员联系", weight=20, completes_on=visit_kind.key),
        item_fields(
            title="主题党日",
            weight=40,
            cadence=Cadence.MONTHLY,
            due_rule=DueRule.LAST_WORKING_DAY,
        ),
    )
    services.generate(on=clock.today())
    return plan


def mine(town, title: str) -> Assignment:
    return Assignment.objects.get(organization=town.branch_a, version__title=title)


def test_secretary_week_shows_the_branch_cards(town, generated, client_for) -> None:
    page = client_for("sam").get(reverse("duties:week"))
    assert page.status_code == 200
    text = page.content.decode()
    assert "周工作提醒" in text and "查看通知" in text and "明月村党支部" in text
    assert "guidance visit (test)" in text  # completes itself: no tick button
    a = mine(town, "指导员联系")
    assert reverse("duties:complete", args=[a.pk]) not in text
    assert reverse("duties:complete", args=[mine(town, "周工作提醒").pk]) in text
    assert "主题党日" in text  # the month, below


def test_tick_undo_and_steps_from_the_page(town, generated, client_for) -> None:
    c = client_for("sam")
    a = mine(town, "周工作提醒")
    here = reverse("duties:week")
    r = c.post(reverse("duties:step", args=[a.pk]), {"index": 1, "next": here})
    assert r.status_code == 302 and r.url == here
    a.refresh_from_db()
    assert a.steps[1]["done"] is True
    r = c.post(reverse("duties:complete", args=[a.pk]), {"next": here}, follow=True)
    a.refresh_from_db()
    assert a.status == S.DONE
    assert "周工作提醒" in r.content.decode()
    assert reverse("duties:undo", args=[a.pk]) in r.content.decode()
    c.post(reverse("duties:undo", args=[a.pk]))
    a.refresh_from_db()
    assert a.status == S.NOT_STARTED
    # An outside `next` is not followed.
    r = c.post(reverse("duties:complete", args=[a.pk]), {"next": "https://evil.example/"})
    assert r.url == reverse("duties:week")


def test_required_file_is_uploaded_in_the_sheet(town, generated, client_for) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    c = client_for("sam")
    a = mine(town, "需文件")
    r = c.post(reverse("duties:complete", args=[a.pk]), follow=True)
    a.refresh_from_db()
    assert a.status == S.NOT_STARTED and "请上传一份文件" in r.content.decode()
    upload = SimpleUploadedFile("纪要.pdf", b"%PDF-1.4 x", content_type="application/pdf")
    c.post(reverse("duties:complete", args=[a.pk]), {"note": "已上传", "evidence": upload})
    a.refresh_from_db()
    assert a.status == S.DONE and a.note == "已上传"
    got = c.get(reverse("duties:file", args=[a.pk]))
    assert got.status_code == 200 and b"".join(got.streaming_content).startswith(b"%PDF")
    assert client_for("olga").get(reverse("duties:file", args=[a.pk])).status_code == 200
    assert client_for("ivan").get(reverse("duties:file", args=[a.pk])).status_code == 404
    b = mine(town, "周工作提醒")
    assert c.get(reverse("duties:file", args=[b.pk])).status_code == 404


def test_out_of_reach_assignments_are_404(town, generated, client_for) -> None:
    theirs = Assignment.objects.filter(organization=town.branch_b).first()
    c = client_for("sam")
    for name in ("duties:assignment", "duties:file"):
        assert c.get(reverse(name, args=[theirs.pk])).status_code == 404
    for name in ("duties:complete", "duties:undo", "duties:step", "duties:review"):
        assert c.post(reverse(name, args=[theirs.pk])).status_code == 404
    assert c.get(reverse("duties:branch", args=[town.branch_b.pk])).status_code == 404
    assert c.get(reverse("duties:branch", args=[town.branch_a.pk])).status_code == 200
    theirs.refresh_from_db()
    assert theirs.status == S.NOT_STARTED


def test_review_from_the_assignment_page(town, now, client_for) -> None:
    make_plan(town, item_fields(review_required=True))
    services.generate(on=clock.today())
    a = Assignment.objects.get(organization=town.branch_a)
    client_for("sam").post(reverse("duties:complete", args=[a.pk]))
    olga = client_for("olga")
    page = olga.get(reverse("duties:assignment", args=[a.pk])).content.decode()
    assert reverse("duties:review", args=[a.pk]) in page
    r = olga.post(
        reverse("duties:review", args=[a.pk]), {"approve": "0", "reason": ""}, follow=True
    )
    a.refresh_from_db()
    assert a.status == S.SUBMITTED and "请填写退回理由" in r.content.decode()
    olga.post(reverse("duties:review", args=[a.pk]), {"approve": "0", "reason": "请补充"})
    a.refresh_from_db()
    assert (a.status, a.returned_reason) == (S.RETURNED, "请补充")


def test_pages_refuse_who_has_no_business_there(town, generated, client_for) -> None:
    assert client_for("olga").get(reverse("duties:week")).status_code == 404
    for name in ("duties:board", "duties:board_export", "duties:plans", "duties:plan_new"):
        assert client_for("sam").get(reverse(name)).status_code == 404
        assert client_for("oscar").get(reverse(name)).status_code == 404
    assert client_for("ivan").get(reverse("duties:plans")).status_code == 404
    assert client_for("ivan").get(reverse("duties:board")).status_code == 200


def test_board_reads_prepared_figures_in_constant_queries(town, generated, client_for) -> None:
    c = client_for("olga")
    c.get(reverse("duties:board"))  # warm the session and the scope
    with CaptureQueriesContext(connection) as few:
        page = c.get(reverse("duties:board"))
    text = page.content.decode()
    assert "明月村党支部" in text and "上杉市村党支部" in text and "0.0%" in text
    for i in range(8):
        party.organization_create(
            actor=town.root, parent=town.committee, kind=Organization.Kind.BRANCH, name=f"新支部{i}"
        )
    services.generate(on=clock.today())  # the new branches' duties
    assert Assignment.objects.filter(cadence=Cadence.WEEKLY).count() == 3 * 11
    with CaptureQueriesContext(connection) as many:
        c.get(reverse("duties:board") + "?sort=-overdue")
    assert len(many) == len(few)
    services.assignment_complete(actor=town.sam, assignment=mine(town, "周工作提醒"))
    text = c.get(reverse("duties:board")).content.decode()
    assert "33.3%" in text  # 1 of branch a's 3 weekly duties


def test_instructor_board_shows_his_branch_only(town, generated, client_for) -> None:
    text = client_for("ivan").get(reverse("duties:board") + "?cadence=monthly").content.decode()
    assert "上杉市村党支部" in text and "明月村党支部" not in text


def test_board_export_is_a_formula_safe_audited_workbook(town, generated, client_for) -> None:
    Organization.objects.filter(pk=town.branch_b.pk).update(name="=HYPERLINK(1)")
    r = client_for("olga").get(reverse("duties:board_export") + "?cadence=weekly")
    assert r.status_code == 200
    rows = list(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + 3
    assert "'=HYPERLINK(1)" in {row[1] for row in rows}
    assert AuditEvent.objects.filter(action=Action.DUTIES_BOARD_EXPORTED).count() == 1
    ivan = client_for("ivan").get(reverse("duties:board_export"))
    names = {
        row[1]
        for row in list(
            load_workbook(io.BytesIO(ivan.content)).worksheets[0].iter_rows(values_only=True)
        )[1:]
    }
    assert names == {"'=HYPERLINK(1)"}


def test_board_sorts_and_ranks(town, generated, client_for) -> None:
    services.assignment_complete(actor=town.sam, assignment=mine(town, "周工作提醒"))
    c = client_for("olga")
    for sort in (
        "rank",
        "name",
        "-name",
        "rate",
        "weight",
        "overdue",
        "submitted",
        "returned",
        "junk",
    ):
        assert c.get(reverse("duties:board") + f"?sort={sort}&cadence=quarterly").status_code == 200
    text = c.get(reverse("duties:board") + "?sort=-rank").content.decode()
    assert text.index("上杉市村党支部") < text.index("明月村党支部")


def test_a_page_of_the_board_reads_its_rows_and_keeps_the_whole_boards_ranks_and_totals(
    town, generated, client_for, monkeypatch
) -> None:
    from grassroots.duties.views import board as board_view

    for i in range(3):
        party.organization_create(
            actor=town.root, parent=town.committee, kind=Organization.Kind.BRANCH, name=f"新支部{i}"
        )
    services.generate(on=clock.today())
    services.assignment_complete(actor=town.sam, assignment=mine(town, "周工作提醒"))
    monkeypatch.setattr(board_view, "ROWS_PER_PAGE", 2)
    c = client_for("olga")
    first = c.get(reverse("duties:board") + "?page=1").context
    second = c.get(reverse("duties:board") + "?page=2").context
    ranks = [r.rank for r in first["page"].object_list] + [
        r.rank for r in second["page"].object_list
    ]
    # Branch a did one of its three: first alone; the other five tie, second place.
    assert ranks == [1, 2, 2, 2]
    assert second["page"].paginator.count == 6  # the town's three branches and three new
    assert second["board"].total == 6 * 3 and second["board"].done == 1
    reversed_first = c.get(reverse("duties:board") + "?sort=-rank").context["page"].object_list
    assert [r.rank for r in reversed_first] == [2, 2]


def test_plan_pages_create_add_change_publish(town, now, client_for) -> None:
    c = client_for("olga")
    assert c.get(reverse("duties:plans")).status_code == 200
    r = c.post(
        reverse("duties:plan_new"),
        {
            "title": "年度清单",
            "organization": town.committee.pk,
            "starts_on": "2026-01-01",
            "ends_on": "2026-12-31",
        },
    )
    plan = Plan.objects.get()
    assert r.url == reverse("duties:plan", args=[plan.pk])
    bad = c.post(
        reverse("duties:item_new", args=[plan.pk]),
        {
            "title": "周提醒",
            "category": "other",
            "cadence": "weekly",
            "due_rule": "weekday",
            "weight": 100,
            "target_rule": "all",
            "evidence": "none",
        },
    )
    assert bad.status_code == 200 and "1 至 7" in bad.content.decode()
    c.post(
        reverse("duties:item_new", args=[plan.pk]),
        {
            "title": "周提醒",
            "category": "other",
            "cadence": "weekly",
            "due_rule": "weekday",
            "due_n": 5,
            "weight": 90,
            "target_rule": "all",
            "evidence": "none",
            "steps": "一\n二",
        },
    )
    (item,) = items_of(plan)
    assert item.current.steps == ["一", "二"]
    r = c.post(reverse("duties:plan_publish", args=[plan.pk]), follow=True)
    assert "90" in r.content.decode()
    page = c.get(reverse("duties:item_change", args=[item.pk]))
    assert page.status_code == 200 and "周提醒" in page.content.decode()
    c.post(
        reverse("duties:item_change", args=[item.pk]),
        {
            "title": "周提醒",
            "category": "other",
            "cadence": "weekly",
            "due_rule": "weekday",
            "due_n": 5,
            "weight": 100,
            "target_rule": "all",
            "evidence": "none",
        },
    )
    item.refresh_from_db()
    assert item.current.number == 2
    r = c.post(reverse("duties:plan_publish", args=[plan.pk]), follow=True)
    plan.refresh_from_db()
    assert plan.status == Plan.Status.PUBLISHED
    assert Assignment.objects.filter(plan=plan, period="2026-W48").count() == 3
    assert "3" in r.content.decode()
    detail = c.get(reverse("duties:plan", args=[plan.pk])).content.decode()
    assert "周提醒" in detail and "星期五截止" in detail and "第 2 版" in detail
    c.post(reverse("duties:item_retire", args=[item.pk]))
    assert Item.objects.get(pk=item.pk).retired
    c.post(reverse("duties:plan_close", args=[plan.pk]))
    assert Plan.objects.get(pk=plan.pk).status == Plan.Status.CLOSED
    assert client_for("sam").get(reverse("duties:plan", args=[plan.pk])).status_code == 404


def test_week_shows_the_latest_ten_overdue_and_links_to_the_rest(town, now, client_for) -> None:
    make_plan(town)
    for week in range(13):
        services.generate(on=dt.date(2026, 8, 31) + dt.timedelta(weeks=week))
    page = client_for("sam").get(reverse("duties:week")).content.decode()
    cards = page.count('<li id="a')
    assert cards == 1 + 10  # this week's, then the ten most recent overdue
    assert "2 项" in page or "2 older" in page
    oldest = Assignment.objects.get(organization=town.branch_a, period="2026-W36")
    assert f'id="a{oldest.pk}"' not in page


def test_the_assignment_page_offers_only_what_the_viewer_may_do(
    town, generated, client_for
) -> None:
    a = mine(town, "周工作提醒")
    tick = reverse("duties:complete", args=[a.pk])
    assert tick in client_for("sam").get(reverse("duties:assignment", args=[a.pk])).content.decode()
    page = client_for("olga").get(reverse("duties:assignment", args=[a.pk])).content.decode()
    assert tick not in page and reverse("duties:step", args=[a.pk]) not in page
    services.assignment_complete(actor=town.sam, assignment=a)
    page = client_for("olga").get(reverse("duties:assignment", args=[a.pk])).content.decode()
    assert reverse("duties:undo", args=[a.pk]) in page
    page = client_for("irene").get(reverse("duties:assignment", args=[a.pk])).content.decode()
    assert reverse("duties:undo", args=[a.pk]) not in page


def test_due_rules_in_words() -> None:
    from types import SimpleNamespace

    from grassroots.duties.views.common import due_text

    def text(rule: str, n: int | None) -> str:
        return due_text(SimpleNamespace(due_rule=rule, due_n=n))

    assert text(DueRule.WEEKDAY, 5) == "due on Friday"
    assert text(DueRule.DAY_OF_MONTH, 20) == "due on day 20 of the month"
    assert (
        text(DueRule.WORKING_DAYS_AFTER_START, 10) == "due 10 working days after the period starts"
    )
    assert text(DueRule.LAST_WORKING_DAY, None) == "the last working day of the period"


def test_the_branch_page_leads_back_where_the_viewer_came_from(town, generated, client_for) -> None:
    url = reverse("duties:branch", args=[town.branch_a.pk])
    sam = client_for("sam").get(url).content.decode()
    olga = client_for("olga").get(url).content.decode()
    assert f'href="{reverse("duties:board")}"' not in sam and reverse("duties:week") in sam
    assert f'href="{reverse("duties:board")}"' in olga


def test_branch_export_one_row_per_duty_in_reach(town, generated, client_for) -> None:
    services.assignment_complete(actor=town.sam, assignment=mine(town, "周工作提醒"))
    url = reverse("duties:branch_export", args=[town.branch_a.pk])
    r = client_for("sam").get(url)
    rows = list(load_workbook(io.BytesIO(r.content)).worksheets[0].iter_rows(values_only=True))
    assert len(rows) == 1 + Assignment.objects.filter(organization=town.branch_a).count()
    assert rows[0][0] == "周期" and {row[1] for row in rows[1:]} >= {"周工作提醒", "主题党日"}
    assert AuditEvent.objects.filter(action=Action.DUTIES_ASSIGNMENTS_EXPORTED).count() == 1
    assert (
        client_for("sam").get(reverse("duties:branch_export", args=[town.branch_b.pk])).status_code
        == 404
    )
    assert client_for("ivan").get(url).status_code == 404


def test_a_rate_that_changed_between_the_boards_two_queries_still_gets_a_rank() -> None:
    from grassroots.duties.selectors import BoardSums

    sums = BoardSums({(100.0, 100.0): 1, (50.0, 40.0): 2, (0.0, 0.0): 5}, 9, {})
    assert sums.rank_of(50.0, 40.0) == 2
    # Not among the rates counted: one row is better (rank 1), so 2, as 50 % would be.
    assert sums.rank_of(60.0, 0.0) == 2
    assert sums.rank_of(100.0, 100.0) == 1 and sums.rank_of(200.0, 0.0) == 1
    assert sums.rank_of(-1.0, 0.0) == 10  # below every rate: after all nine rows
