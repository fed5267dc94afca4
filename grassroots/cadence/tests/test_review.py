"""Acceptance 1: the quarterly ranking is computed once and matches a hand-computed fixture."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from grassroots.cadence.models import CadenceRun, QuarterScore
from grassroots.cadence.services import review, tick
from grassroots.cadence.services.review import Figures
from grassroots.cadence.tests.helpers import assignment, at, plan
from grassroots.core import clock
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.inspections.models import IndicatorSet, Inspection
from grassroots.notify.models import Notice
from grassroots.party import services as party
from grassroots.party.models import Organization

pytestmark = pytest.mark.django_db

D = dt.date
Q3 = D(2026, 7, 1)


@pytest.fixture
def quarter(town):  # noqa: ANN001, ANN201
    """Four branches' Q3 2026, worked out by hand below.

    branch      items (weight: how done)                     completion  timeliness  score
    明月村       50 on time, 35 on time, 15 not done          85/100      2/2         (5×0.85+2×1)/7 = 89.2857 → 89.3 B
    上杉市村     50 on time, 50 on time                        100/100     2/2
                 + inspections 80.0 and 90.0 in Q3 (mean 85.0): 50 + 20 + 0.3 × 85 = 95.5 A
    测试科技     60 on time, 40 not done                       60/100      1/1         (5×0.6+2)/7 = 71.4286 → 71.4 C
    东风村       40 on time, 40 late, 20 not done              80/100      1/2         (5×0.8+2×0.5)/7 = 71.4286 → 71.4 C
    Ranking: 上杉市村 1, 明月村 2, 东风村 3 (71.4, completion 0.8), 测试科技 4 (71.4, 0.6).
    Only 上杉市村 was inspected in Q3 (a draft and an October inspection do not count); the
    others are scored with the 5 : 2 formula.
    """
    east = party.organization_create(
        actor=town.root,
        parent=town.committee,
        kind=Organization.Kind.BRANCH,
        name="东风村党支部",
        place=town.town,
    )
    p = plan(town)
    sep30 = D(2026, 9, 30)

    def item(branch, weight, how, start=Q3):  # noqa: ANN001, ANN202
        done_on = {"on time": D(2026, 9, 20), "late": D(2026, 10, 1), "not done": None}[how]
        assignment(p, branch, period_start=start, due_on=sep30, weight=weight, done_on=done_on)

    for weight, how in ((50, "on time"), (35, "on time"), (15, "not done")):
        item(town.branch_a, weight, how)
    item(town.branch_a, 100, "not done", start=D(2026, 6, 30))  # Q2: not counted
    item(town.branch_a, 100, "not done", start=D(2026, 10, 1))  # Q4: not counted
    for weight in (50, 50):
        item(town.branch_b, weight, "on time")
    for weight, how in ((60, "on time"), (40, "not done")):
        item(town.branch_firm, weight, how)
    for weight, how in ((40, "on time"), (40, "late"), (20, "not done")):
        item(east, weight, how)
    indicators = IndicatorSet.objects.create(
        town=town.town,
        owner=town.committee,
        org_path=town.committee.path,
        name="督查指标",
        purpose=IndicatorSet.Purpose.INSPECTION,
        status=IndicatorSet.Status.ACTIVE,
        created_at=at(2026, 7, 1),
    )
    for day, total, status in (
        (D(2026, 8, 10), "80.0", Inspection.Status.ACKNOWLEDGED),
        (D(2026, 9, 15), "90.0", Inspection.Status.SUBMITTED),
        (D(2026, 9, 20), "10.0", Inspection.Status.DRAFT),
        (D(2026, 10, 9), "10.0", Inspection.Status.SUBMITTED),
    ):
        Inspection.objects.create(
            organization=town.branch_b,
            org_path=town.branch_b.path,
            town=town.town,
            indicator_set=indicators,
            inspected_on=day,
            status=status,
            total=Decimal(total),
            created_at=at(day.year, day.month, day.day),
        )
    return east


EXPECTED = [
    # (rank, branch, completion, timeliness, score, band)
    (1, "上杉市村党支部", "1.0000", "1.0000", "95.5", "A"),
    (2, "明月村党支部", "0.8500", "1.0000", "89.3", "B"),
    (3, "东风村党支部", "0.8000", "0.5000", "71.4", "C"),
    (4, "测试科技有限公司党支部", "0.6000", "1.0000", "71.4", "C"),
]


def ranking() -> list[tuple]:
    return [
        (r.rank, r.branch_name, str(r.completion), str(r.timeliness), str(r.score), r.band)
        for r in QuarterScore.objects.filter(period="2026-Q3").order_by("rank")
    ]


def test_the_ranking_matches_the_hand_computed_fixture_and_is_computed_once(town, quarter) -> None:  # noqa: ANN001
    # Q3's review is due on the first working day after it: 8 October (1–7 are off).
    now = at(2026, 10, 7, 9)
    clock.set_now(now)
    tick(now=now)
    assert not QuarterScore.objects.exists()
    now = at(2026, 10, 8, 9)
    clock.set_now(now)
    tick(now=now)
    assert ranking() == EXPECTED
    row = QuarterScore.objects.get(organization=town.branch_a, period="2026-Q3")
    assert (row.assignments, row.done, row.done_on_time, row.weight_total, row.weight_done) == (
        3,
        2,
        2,
        100,
        85,
    )
    assert row.inspection is None and row.org_path == town.branch_a.path
    inspected = QuarterScore.objects.get(organization=town.branch_b, period="2026-Q3")
    assert inspected.inspection == Decimal("0.8500")
    leaders = Notice.objects.filter(
        message="cadence.review", key=f"cadence:review:{town.town.pk}:2026-Q3"
    )
    assert sorted(leaders.values_list("recipient__username", flat=True)) == ["alice", "olga"]
    assert leaders.first().params == {"period": "2026-Q3", "branches": 4}
    ids = set(QuarterScore.objects.values_list("pk", flat=True))
    notices = Notice.objects.count()
    # A second (and third) tick: no new rows, no new notices.
    for minutes in (15, 60 * 24 * 3):
        later = now + dt.timedelta(minutes=minutes)
        clock.set_now(later)
        tick(now=later)
    assert set(QuarterScore.objects.values_list("pk", flat=True)) == ids
    assert Notice.objects.filter(message="cadence.review").count() == 2
    assert Notice.objects.count() >= notices
    assert AuditEvent.objects.filter(action=Action.CADENCE_REVIEW_PUBLISHED).count() == 1
    # Publishing again by hand returns the stored rows, unchanged.
    again = review.review_publish(town=town.town, period="2026-Q3", now=later)
    assert {r.pk for r in again} == ids


def test_score_with_an_inspection_and_the_tie_breaks() -> None:
    def f(name, wt, wd, done, on_time, mean=None):  # noqa: ANN001, ANN202
        return Figures(
            organization_id=len(name),
            name=name,
            weight_total=wt,
            weight_done=wd,
            done=done,
            done_on_time=on_time,
            inspection_mean=None if mean is None else Decimal(mean),
        )

    # 100 × (0.5 × 0.8 + 0.2 × 0.5 + 0.3 × 0.9) = 40 + 10 + 27 = 77.0
    assert review.score(f("甲", 100, 80, 2, 1, "90")).score == Decimal("77.0")
    # 100 × (0.5 + 0.2 + 0.3 × 0.955) = 98.65 → 98.7 (half up)
    assert review.score(f("乙", 10, 10, 1, 1, "95.5")).score == Decimal("98.7")
    assert review.score(f("丙", 10, 0, 0, 0)).timeliness == Decimal("0")
    rows = review.rank(
        [
            review.score(f("b", 100, 60, 1, 1)),  # 71.4, completion 0.6
            review.score(f("a", 100, 60, 1, 1)),  # same score and completion: by name
            review.score(f("c", 100, 80, 2, 1)),  # 71.4, completion 0.8
            review.score(f("d", 100, 100, 1, 1, "60")),  # 50 + 20 + 18 = 88.0 → B
        ]
    )
    assert [(r.figures.name, str(r.score), r.rank, r.band) for r in rows] == [
        ("d", "88.0", 1, "B"),
        ("c", "71.4", 2, "C"),
        ("a", "71.4", 3, "C"),
        ("b", "71.4", 4, "C"),
    ]


def test_bands_come_from_the_settings(settings) -> None:  # noqa: ANN001
    assert [review.band_of(Decimal(v)) for v in ("90", "89.9", "80", "60", "59.9")] == [
        "A",
        "B",
        "B",
        "C",
        "D",
    ]
    settings.CADENCE_BANDS = (("A", 95), ("B", 85), ("C", 70))
    assert [review.band_of(Decimal(v)) for v in ("94", "85", "69.9")] == ["B", "B", "D"]


@pytest.fixture
def published(town, quarter):  # noqa: ANN001, ANN201
    now = at(2026, 10, 8, 9)
    clock.set_now(now)
    tick(now=now)


def test_the_review_page_and_its_exports(town, published, client_for) -> None:  # noqa: ANN001
    olga = client_for("olga")
    page = olga.get("/cadence/reviews/2026-Q3/")
    text = page.content.decode()
    assert page.status_code == 200
    for _, name, *_rest in EXPECTED:
        assert name in text
    assert "89.3" in text and "85.0%" in text
    assert f'href="/duties/branch/{town.branch_a.pk}/"' in text  # drill to the branch
    assert client_for("olga").get(f"/duties/branch/{town.branch_a.pk}/").status_code == 200
    assert "2026-Q3" in olga.get("/cadence/reviews/").content.decode()
    sheet = olga.get("/cadence/reviews/2026-Q3/xlsx/")
    rows = list(load_workbook(io.BytesIO(sheet.content)).worksheets[0].values)
    assert [r[1:3] + (r[6], r[7]) for r in rows[1:]] == [
        (rank, name, float(score), band) for rank, name, _c, _t, score, band in EXPECTED
    ]
    pdf = olga.get("/cadence/reviews/2026-Q3/pdf/")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")
    assert AuditEvent.objects.filter(action=Action.CADENCE_EXPORTED, actor=town.olga).count() == 2


def test_reach_of_the_review(town, published, client_for) -> None:  # noqa: ANN001
    sam = client_for("sam").get("/cadence/reviews/2026-Q3/").content.decode()
    assert "明月村党支部" in sam and "上杉市村党支部" not in sam
    ivan = client_for("ivan").get("/cadence/reviews/2026-Q3/").content.decode()
    assert "上杉市村党支部" in ivan and "明月村党支部" not in ivan
    for url in ("/cadence/reviews/2026-Q3/", "/cadence/reviews/2026-Q3/xlsx/"):
        assert client_for("rita").get(url).status_code == 404
    for bad in ("2026-Q2", "2026-Q9", "nonsense", "2026-Q3x"):
        assert client_for("olga").get(f"/cadence/reviews/{bad}/").status_code == 404


def test_the_api_lists_the_scores_in_reach(town, published, api_for) -> None:  # noqa: ANN001
    olga = api_for("olga").get("/api/cadence-scores/?period=2026-Q3").json()
    rows = olga["results"] if isinstance(olga, dict) else olga
    assert [(r["rank"], r["branch_name"], r["score"], r["band"]) for r in rows] == [
        (rank, name, score, band) for rank, name, _c, _t, score, band in EXPECTED
    ]
    sam = api_for("sam").get("/api/cadence-scores/").json()
    sam_rows = sam["results"] if isinstance(sam, dict) else sam
    assert [r["branch_name"] for r in sam_rows] == ["明月村党支部"]
    other = QuarterScore.objects.get(organization=town.branch_b)
    assert api_for("sam").get(f"/api/cadence-scores/{other.pk}/").status_code == 404
    assert api_for("olga").get(f"/api/cadence-scores/{other.pk}/").status_code == 200
    assert api_for("olga").get("/api/cadence-scores/?organization=x").status_code == 400
    assert api_for("olga").get("/api/cadence-scores/?band=Z").status_code == 400


def test_a_failing_run_is_left_unfinished_and_retried_by_the_next_tick(town, quarter) -> None:  # noqa: ANN001
    # A real failure: a stray score row of 明月村 (filed under another town) is in the
    # way of the unique (branch, quarter), so the review's insert fails.
    stray = QuarterScore.objects.create(
        organization=town.branch_a,
        org_path=town.branch_a.path,
        town=town.village_a,
        period="2026-Q3",
        branch_name="stray",
        completion=Decimal(0),
        timeliness=Decimal(0),
        score=Decimal(0),
        rank=1,
        band="D",
        computed_at=at(2026, 10, 1),
    )
    now = at(2026, 10, 8, 9)
    clock.set_now(now)
    result = tick(now=now)
    assert result["failed"] == 1 and "quarterly_review" not in result
    run = CadenceRun.objects.get(job="quarterly_review", period="2026-Q3")
    assert run.finished_at is None and run.lease_until is None  # released at once
    assert not Notice.objects.filter(message="cadence.review").exists()
    assert QuarterScore.objects.filter(town=town.town).count() == 0  # all or nothing
    stray.delete()
    later = now + dt.timedelta(minutes=15)
    clock.set_now(later)
    assert tick(now=later)["quarterly_review"] == 1
    assert ranking() == EXPECTED
    run.refresh_from_db()
    assert run.finished_at == later and run.attempts == 2
