from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404
from python_calamine import CalamineWorkbook

from grassroots.accounts import services as accounts
from grassroots.core import personal
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.core.roles import Role
from grassroots.exchange import services
from grassroots.exchange.tests.helpers import HH_HEADERS, RES_HEADERS, xlsx
from grassroots.grid import services as grid
from grassroots.grid.models import Household, Place, Tag
from grassroots.testing import Town, make_user


def sheets(content: bytes) -> dict[str, list[list[object]]]:
    book = CalamineWorkbook.from_filelike(io.BytesIO(content))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_rita_exports_only_her_own_households(town: Town) -> None:
    content, count = services.export_data(actor=town.rita, kind="households")
    book = sheets(content)
    assert count == 1
    assert [row[2] for row in book["户"][1:]] == ["B-001"]
    assert [row[0] for row in book["居民"][1:]] == ["B-001"]


def test_exports_mask_phones_and_ids_unless_revealed_with_a_reason(town: Town) -> None:
    content, _ = services.export_data(actor=town.alice, kind="households")
    book = sheets(content)
    a1 = next(r for r in book["户"] if r[2] == "A-001")
    assert a1[4] == "138****5678" and a1[8] == "138****0001"
    assert all("*" in str(r[3]) for r in book["居民"][1:] if r[3])
    with pytest.raises(PermissionDenied):
        services.export_data(actor=town.alice, kind="households", reveal=True, reason="")
    content, count = services.export_data(
        actor=town.alice, kind="households", reveal=True, reason="上报民政办"
    )
    a1 = next(r for r in sheets(content)["户"] if r[2] == "A-001")
    assert str(a1[4]) == "13812345678"
    event = AuditEvent.objects.filter(action=Action.EXCHANGE_EXPORTED).latest("id")
    assert event.reason == "上报民政办" and event.data["count"] == count == 4
    assert event.data["revealed"] is True


def test_export_honours_the_household_list_filters(town: Town) -> None:
    content, count = services.export_data(
        actor=town.alice, kind="households", params={"place": str(town.group_a2.pk)}
    )
    assert count == 1 and sheets(content)["户"][1][2] == "A-002"


def test_an_out_of_scope_place_filter_is_a_404_not_an_empty_file(town: Town) -> None:
    with pytest.raises(Http404):
        services.export_data(
            actor=town.sam, kind="households", params={"place": str(town.village_b.pk)}
        )


def test_a_formula_in_a_cell_is_neutralised(town: Town) -> None:
    grid.household_create(
        actor=town.root,
        group=town.group_a1,
        code="A-666",
        head_name='=HYPERLINK("http://evil","x")',
        address="@SUM(1+1)",
    )
    content, _ = services.export_data(actor=town.alice, kind="households")
    row = next(r for r in sheets(content)["户"] if r[2] == "A-666")
    assert row[3] == '\'=HYPERLINK("http://evil","x")' and row[5] == "'@SUM(1+1)"


def test_sensitive_tags_are_left_out_for_roles_that_cannot_reveal(town: Town) -> None:
    poor = Tag.objects.create(name="低保户", sensitive=True)
    town.household_a1.tags.add(poor)
    handler = make_user("hank")
    accounts.role_grant(actor=town.root, user=handler, role=Role.HANDLER, place=town.town)
    content, _ = services.export_data(actor=town.alice, kind="households")
    assert next(r for r in sheets(content)["户"] if r[2] == "A-001")[9] == "低保户"
    with pytest.raises(PermissionDenied):  # a handler has no export capability at all
        services.export_data(actor=handler, kind="households")


def test_organisation_export_contains_only_visible_members(town: Town) -> None:
    content, _ = services.export_data(actor=town.sam, kind="organizations")
    book = sheets(content)
    assert [r[1] for r in book["党员"][1:]] == ["王书记"]
    assert book["党员"][1][6] == "135****0001"


def test_round_trip_export_then_import_into_a_fresh_town_gives_the_same_households(
    town: Town,
) -> None:
    tag = Tag.objects.create(name="退役军人")
    town.household_b1.tags.add(tag)
    content, _ = services.export_data(
        actor=town.root, kind="households", reveal=True, reason="迁移"
    )
    new_town = grid.place_create(actor=town.root, parent=None, kind="town", name="新镇")
    for village, groups in (("明月村", ["一组", "二组"]), ("上杉市村", ["一组"])):
        v = grid.place_create(actor=town.root, parent=new_town, kind="village", name=village)
        for g in groups:
            grid.place_create(actor=town.root, parent=v, kind="group", name=g)
    report = services.import_file(
        actor=town.root, kind="households", filename="x.xlsx", data=content, town=new_town
    )
    assert report.ok and report.written, report.errors

    def snapshot(t: Place) -> set[tuple[object, ...]]:
        return {
            (
                h.place.name,
                h.code,
                h.head_name,
                personal.decrypt(h.phone),
                h.address,
                h.size,
                h.representative.name if h.representative else "",
                tuple(sorted(x.name for x in h.tags.all())),
                tuple(
                    sorted(
                        (r.name, r.relation, personal.decrypt(r.id_number))
                        for r in h.residents.all()
                    )
                ),
            )
            for h in Household.objects.filter(town=t)
        }

    assert snapshot(new_town) == snapshot(town.town)
    assert len(snapshot(new_town)) == 4


def test_a_large_export_costs_the_same_few_queries_as_a_small_one(
    town: Town, django_assert_max_num_queries: object
) -> None:
    tag = Tag.objects.create(name="退役军人")
    rows = [HH_HEADERS] + [
        ["明月村", "一组", f"A-{i}", f"户主{i}", "", "", 2, "张代表", "", "退役军人"]
        for i in range(1000, 1300)
    ]
    people = [RES_HEADERS] + [
        [f"A-{i}", f"人{i}", "户主", "", "", "退役军人"] for i in range(1000, 1300)
    ]
    report = services.import_file(
        actor=town.alice,
        kind="households",
        filename="x.xlsx",
        data=xlsx({"户": rows, "居民": people}),
    )
    assert report.ok, report.errors[:3]
    with django_assert_max_num_queries(12):  # type: ignore[operator]
        content, count = services.export_data(actor=town.alice, kind="households")
    book = sheets(content)
    assert count == 304 and len(book["居民"]) == 1 + 302
    assert next(r for r in book["户"] if r[2] == "A-1299")[9] == tag.name
