from __future__ import annotations

from grassroots.cases import measures, services
from grassroots.cases.models import Case, Category, Closure, Status
from grassroots.cases.suggest import MIN_TRAINING, similar_open_cases, suggest_category
from grassroots.cases.tests.helpers import at, file_case
from grassroots.core import clock
from grassroots.testing import Town


def when(*args: int) -> None:
    clock.set_now(at(*args))


def build_september(town: Town, hank) -> dict[str, Case]:
    """Five cases in village A and one in village B, September 2026 (see expectations)."""
    when(2026, 9, 1, 9)
    c1 = file_case(town, text="一组路面破损")
    c2 = file_case(town, text="二组路面破损")
    when(2026, 9, 1, 10)
    services.case_accept(actor=town.sam, case=c1)  # on time (due 2 Sep 09:00)
    services.case_assign(actor=town.sam, case=c1, handler=hank)
    services.case_take(actor=hank, case=c1)
    when(2026, 9, 2, 9)
    c3 = file_case(town, text="重复反映的事")
    c4 = file_case(town, text="水沟堵塞")
    when(2026, 9, 2, 10)
    services.case_reject(actor=town.sam, case=c3, reason="重复")  # on time
    services.case_accept(actor=town.sam, case=c4)  # on time
    services.case_assign(actor=town.sam, case=c4, handler=hank)
    services.case_take(actor=hank, case=c4)  # never answered: overdue at the end
    when(2026, 9, 3, 9)
    c5 = file_case(town, text="无人处理的事")  # never touched
    when(2026, 9, 3, 10)
    services.case_reply(actor=hank, case=c1, reply="已修")
    services.case_call_back(actor=town.sam, case=c1, solved=True, satisfied=True)
    services.case_accept(actor=town.sam, case=c2)  # late
    services.case_assign(actor=town.sam, case=c2, handler=hank)
    services.case_return(actor=hank, case=c2, reason="非本站")
    services.case_assign(actor=town.sam, case=c2, handler=hank)
    services.case_take(actor=hank, case=c2)
    when(2026, 9, 4, 10)
    services.case_reply(actor=hank, case=c2, reply="已修")
    services.case_call_back(actor=town.sam, case=c2, solved=False, satisfied=False)
    when(2026, 9, 15, 10)
    services.case_reply(actor=hank, case=c2, reply="重新修好")  # after the 10 Sep deadline
    services.case_call_back(
        actor=town.sam, case=c2, solved=True, satisfied=True, closure=Closure.PARTLY
    )
    when(2026, 9, 8, 9)
    file_case(town, place=town.group_b1, text="上杉市村的事")
    return {"c1": c1, "c2": c2, "c3": c3, "c4": c4, "c5": c5}


def test_the_village_measures_match_the_hand_computed_values(town: Town, hank) -> None:
    build_september(town, hank)
    m = measures.measures_for(town.village_a, 2026, 9, as_of=at(2026, 9, 30, 12))
    assert m.cases == 5
    # Response: c1, c3, c4 in time; c2 late; c5 never (and due) → 3 / 5.
    assert m.response_rate == 0.6
    # Resolution: c1 resolved, c2 partly → 2 / 2 closed.
    assert m.resolution_rate == 1.0
    # Satisfaction: call-backs c1 ✓, c2 ✗, c2 ✓ → 2 / 3.
    assert m.satisfaction_rate == 0.6667
    # On time: c1 ✓, c2 ✗ (answered 15 Sep, due 10 Sep), c4 and c5 overdue → 1 / 4.
    assert m.on_time_rate == 0.25
    # Returns: c2 of c1, c2, c4 assigned → 1 / 3; rework: c2 of c1, c2 called back → 1 / 2.
    assert m.return_rate == 0.3333
    assert m.rework_rate == 0.5
    # c1: 1 Sep 09:00 → 3 Sep 10:00 = 49 h = 2.04 days; c2: → 15 Sep 10:00 = 241 h = 10.04.
    assert m.avg_days_to_resolve == 6.04


def test_measures_read_at_an_earlier_instant_ignore_later_events(town: Town, hank) -> None:
    build_september(town, hank)
    m = measures.measures_for(town.village_a, 2026, 9, as_of=at(2026, 9, 3, 9, 30))
    assert m.cases == 5
    assert m.satisfaction_rate is None  # no call-back yet
    assert m.response_rate == 0.75  # c5 not due yet: c1, c3, c4 of c1–c4 (c2 is late)


def test_villages_are_ranked_and_the_town_adds_up(town: Town, hank) -> None:
    build_september(town, hank)
    ranking = measures.village_ranking(town.town, 2026, 9, as_of=at(2026, 9, 30, 12))
    assert [p for p, _ in ranking] == [town.village_a, town.village_b]
    assert ranking[1][1].cases == 1 and ranking[1][1].response_rate == 0.0
    assert measures.measures_for(town.town, 2026, 9, as_of=at(2026, 9, 30, 12)).cases == 6


def test_similar_open_cases_in_the_same_village_are_found(town: Town, monday) -> None:
    first = file_case(town, text="一组村口的路灯坏了，晚上很黑")
    file_case(town, text="低保补贴什么时候发放")
    file_case(town, place=town.group_b1, text="村口的路灯坏了")
    found = similar_open_cases("村口路灯不亮了", place=town.group_a2)
    assert [s.case for s in found] == [first]


def test_the_category_is_suggested_by_keywords_then_learned_from_closed_cases(
    town: Town, monday
) -> None:
    assert suggest_category("家里停电了", town=town.town).code == "utilities-power"
    assert suggest_category("随便说点什么", town=town.town).code == "other"
    # The town's own history: "围墙" cases were filed as disputes and closed.
    disputes = Category.objects.get(code="disputes")
    for n in range(MIN_TRAINING):
        case = file_case(town, text=f"围墙 倒了 第{n}家", category=disputes)
        Case.objects.filter(pk=case.pk).update(status=Status.CLOSED, closure=Closure.RESOLVED)
    assert suggest_category("邻居家围墙倒了", town=town.town) == disputes


def test_the_last_event_decides_to_the_microsecond_then_by_timeline_order(town: Town, hank) -> None:
    """The rates read "the last close/withdraw/reopen" from timeline keys (at, pk)."""
    when(2026, 9, 1, 9)  # a whole second: stored without microseconds on SQLite
    case = file_case(town, text="路灯不亮")
    services.case_accept(actor=town.sam, case=case)
    services.case_assign(actor=town.sam, case=case, handler=hank)
    services.case_take(actor=hank, case=case)
    services.case_reply(actor=hank, case=case, reply="已修")
    services.case_call_back(actor=town.sam, case=case, solved=True, satisfied=True)
    later = at(2026, 9, 1, 10)
    assert measures.measures_for(town.village_a, 2026, 9, as_of=later).resolved == 1
    clock.set_now(at(2026, 9, 1, 9, 0, 0, 1))  # one microsecond after the call-back
    services.case_reopen(actor=town.sam, case=case, note="没修好")
    m = measures.measures_for(town.village_a, 2026, 9, as_of=later)
    assert (m.resolved, m.resolution_base, m.on_time_base) == (0, 0, 0)
    # At one instant the later event (by its order) decides: answered and closed again.
    services.case_reply(actor=hank, case=case, reply="重新修好")
    services.case_call_back(actor=town.sam, case=case, solved=True, satisfied=True)
    m = measures.measures_for(town.village_a, 2026, 9, as_of=later)
    assert (m.resolved, m.resolution_base, m.on_time, m.callbacks) == (1, 1, 1, 2)
