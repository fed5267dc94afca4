from __future__ import annotations

import gc

import pytest

from grassroots.core.models import AuditEvent
from grassroots.exchange import services
from grassroots.exchange.tests.helpers import (
    HH_HEADERS,
    ID_C,
    ID_D,
    RES_HEADERS,
    csv_bytes,
    good_households,
    xlsx,
)
from grassroots.grid.models import Household, Representative, RepresentativeLink, Resident, Tag
from grassroots.testing import Town


@pytest.fixture
def tags(town: Town) -> None:
    Tag.objects.create(name="独居老人")
    Tag.objects.create(name="退役军人")


def bad_file() -> bytes:
    return xlsx(
        {
            "户": [
                HH_HEADERS,
                ["明月村", "一组", "A-101", "孙一", "13811112222", "", 3, "", "", ""],  # row 2 ok
                ["不存在村", "一组", "A-103", "周三", "", "", "", "", "", ""],  # 3 village
                ["明月村", "九组", "A-104", "周四", "", "", "", "", "", ""],  # 4 group
                ["明月村", "一组", "A-101", "周五", "", "", "", "", "", ""],  # 5 dup in file
                ["明月村", "一组", "A-001", "周六", "", "", "", "", "", ""],  # 6 dup in DB
                ["明月村", "一组", "A-107", "周七", "12345", "", "", "", "", ""],  # 7 phone
                ["明月村", "一组", "A-108", "", "", "", "", "", "", ""],  # 8 head missing
                ["明月村", "一组", "A-109", "周九", "", "", "三口", "", "", ""],  # 9 size
                ["上杉市村", "一组", "B-110", "周十", "", "", "", "", "", ""],  # 10 scope
                ["明月村", "二组", "A-111", "周十一", "", "", "", "", "", "火星人"],  # 11 tag
            ],
            "居民": [
                RES_HEADERS,
                ["A-101", "孙一", "户主", ID_C, "", ""],  # row 2 ok
                ["A-101", "孙小一", "儿子", ID_C[:-1] + "1", "", ""],  # 3 checksum
                ["Z-999", "无名", "户主", "", "", ""],  # 4 no such household
                ["A-101", "孙小二", "女儿", "", "555", ""],  # 5 phone
            ],
        }
    )


def test_a_file_with_bad_rows_of_every_kind_imports_nothing_and_lists_every_one(
    town: Town, tags: None
) -> None:
    before = (Household.objects.count(), Resident.objects.count(), Representative.objects.count())
    report = services.import_file(
        actor=town.sam, kind="households", filename="roster.xlsx", data=bad_file()
    )
    assert not report.ok and not report.written
    found = {(e.sheet, e.row, e.column) for e in report.errors}
    assert found == {
        ("户", 3, "村(社区)"),
        ("户", 4, "村民小组"),
        ("户", 5, "户编号"),
        ("户", 6, "户编号"),
        ("户", 7, "联系电话"),
        ("户", 8, "户主姓名"),
        ("户", 9, "家庭人口"),
        ("户", 10, "村(社区)"),
        ("户", 11, "标签"),
        ("居民", 3, "身份证号"),
        ("居民", 4, "户编号"),
        ("居民", 5, "联系电话"),
    }
    by_row = {(e.sheet, e.row): e for e in report.errors}
    assert "row 2" in by_row[("户", 5)].reason or "2" in by_row[("户", 5)].reason
    assert "独居老人" in by_row[("户", 11)].reason  # names the allowed list
    assert by_row[("居民", 3)].value == ID_C[:6] + "********" + ID_C[-4:-1] + "1"  # masked
    assert by_row[("户", 7)].value == "12345".replace("12345", "*****")
    assert [(e.sheet, e.row) for e in report.errors] == sorted(
        [(e.sheet, e.row) for e in report.errors], key=lambda k: (k[0] != "户", k[1])
    )
    after = (Household.objects.count(), Resident.objects.count(), Representative.objects.count())
    assert after == before


def test_the_fixed_file_imports_households_residents_and_representative_links(
    town: Town, tags: None
) -> None:
    report = services.import_file(
        actor=town.sam, kind="households", filename="roster.xlsx", data=xlsx(good_households())
    )
    assert report.ok and report.written, report.errors
    assert report.counts == {"households": 2, "residents": 3, "representatives_created": 1}
    a101 = Household.objects.get(code="A-101")
    a102 = Household.objects.get(code="A-102")
    assert a101.place == town.group_a1 and a101.size == 3 and a101.phone_masked == "138****2222"
    # An existing representative of that name in the village is reused, not duplicated.
    assert a101.representative == town.rep_a
    assert a102.representative.name == "新代表" and a102.representative.place == town.village_a
    assert a102.size == 1  # empty size: the residents listed
    assert a102.phone_masked == "138****3333"  # a phone typed as a number
    assert [t.name for t in a101.tags.all()] == ["独居老人"]
    assert RepresentativeLink.objects.filter(household__in=[a101, a102], ended_at=None).count() == 2
    residents = {r.name: r for r in Resident.objects.filter(household__in=[a101, a102])}
    assert residents["孙小一"].relation == "child" and residents["孙一"].relation == "head"
    assert residents["孙二"].id_number_masked == ID_D[:6] + "********" + ID_D[-4:]
    assert [t.name for t in residents["孙二"].tags.all()] == ["独居老人"]
    event = AuditEvent.objects.filter(action="grid.households_imported").latest("id")
    assert event.actor == town.sam and event.data["households"] == 2


def test_dry_run_validates_but_writes_nothing(town: Town, tags: None) -> None:
    count = Household.objects.count()
    report = services.import_file(
        actor=town.sam,
        kind="households",
        filename="roster.xlsx",
        data=xlsx(good_households()),
        dry_run=True,
    )
    assert report.ok and not report.written
    assert report.counts == {"households": 2, "residents": 3}
    assert Household.objects.count() == count


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_a_households_csv_with_header_variants_imports_in_any_chinese_encoding(
    town: Town, encoding: str
) -> None:
    rows = [
        ["村（社区）", " 组 ", "户号", "户主", "手机", "家庭住址", "人口*"],
        [" 明月村 ", "1组", "Ａ-201", "钱一", "13811112222.0", "明月村一组", "４"],
        ["明月村", "第二组", "A-202", "钱二", "138 1111 3333", "", "2.0"],
    ]
    report = services.import_file(
        actor=town.alice,
        kind="households",
        filename="hh.csv",
        data=csv_bytes(rows, encoding),
    )
    assert report.ok and report.written, report.errors
    h1 = Household.objects.get(code="A-201")
    assert (h1.place, h1.size, h1.phone_masked) == (town.group_a1, 4, "138****2222")
    assert Household.objects.get(code="A-202").place == town.group_a2


def test_a_residents_csv_adds_people_to_households_already_registered(town: Town) -> None:
    rows = [["户编号", "姓名", "关系", "身份证号码"], ["A-001", "王小明", "子", ID_C]]
    report = services.import_file(
        actor=town.sam, kind="households", filename="people.csv", data=csv_bytes(rows, "gb18030")
    )
    assert report.ok and report.written, report.errors
    assert town.household_a1.residents.filter(name="王小明", relation="child").exists()


def test_a_secretary_cannot_import_into_another_village_even_alone(town: Town) -> None:
    data = xlsx({"户": [HH_HEADERS, ["上杉市村", "一组", "B-300", "吴一", "", "", 1, "", "", ""]]})
    report = services.import_file(actor=town.sam, kind="households", filename="x.xlsx", data=data)
    assert [(e.row, e.column) for e in report.errors] == [(2, "村(社区)")]
    assert not Household.objects.filter(code="B-300").exists()
    # ...nor add residents to a household of another village.
    rows = [["户编号", "姓名"], ["B-001", "赵小柱"]]
    report = services.import_file(
        actor=town.sam, kind="households", filename="p.csv", data=csv_bytes(rows, "utf-8")
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "户编号")]
    missing = services.import_file(
        actor=town.sam,
        kind="households",
        filename="p.csv",
        data=csv_bytes([["户编号", "姓名"], ["Q-404", "无此户"]], "utf-8"),
    )
    # Nothing tells the secretary that B-001 exists in another village.
    assert report.errors[0].reason == missing.errors[0].reason
    assert not Resident.objects.filter(name="赵小柱").exists()


def test_a_title_row_above_the_header_keeps_excel_row_numbers(town: Town) -> None:
    data = xlsx(
        {
            "户": [
                ["明月村农户花名册"],
                HH_HEADERS,
                ["明月村", "一组", "A-401", "", "", "", 1, "", "", ""],
            ]
        }
    )
    report = services.import_file(actor=town.sam, kind="households", filename="x.xlsx", data=data)
    assert [(e.sheet, e.row, e.column) for e in report.errors] == [("户", 3, "户主姓名")]


def test_a_file_without_known_headers_is_reported_not_crashed(town: Town) -> None:
    report = services.import_file(
        actor=town.sam,
        kind="households",
        filename="x.csv",
        data=csv_bytes([["foo", "bar"], [1, 2]], "utf-8"),
    )
    assert not report.ok and report.errors[0].row == 1


def test_an_upload_that_is_not_a_spreadsheet_is_reported(town: Town) -> None:
    report = services.import_file(
        actor=town.sam, kind="households", filename="x.xlsx", data=b"not a zip"
    )
    assert not report.ok and not report.written


def test_a_user_without_the_import_capability_is_refused(town: Town) -> None:
    from django.core.exceptions import PermissionDenied

    with pytest.raises(PermissionDenied):
        services.import_file(
            actor=town.rita, kind="households", filename="r.xlsx", data=xlsx(good_households())
        )


def test_validation_does_not_query_per_row(
    town: Town, django_assert_max_num_queries: object
) -> None:
    rows = [HH_HEADERS] + [
        ["明月村", "一组", f"A-{i:04d}", f"户主{i}", "", "", 2, "张代表", "", ""]
        for i in range(1000, 1400)
    ]
    people = [RES_HEADERS] + [
        [f"A-{i:04d}", f"人{i}", "户主", "", "", ""] for i in range(1000, 1400)
    ]
    data = xlsx({"户": rows, "居民": people})
    with django_assert_max_num_queries(15):  # type: ignore[operator]
        report = services.import_file(
            actor=town.alice, kind="households", filename="x.xlsx", data=data, dry_run=True
        )
    assert report.ok, report.errors[:3]


def test_a_cell_longer_than_its_column_is_reported_and_nothing_is_written(town: Town) -> None:
    long_name = "欧阳" * 26  # 52 characters; a head of household's name holds 50
    data = xlsx(
        {
            "户": [
                HH_HEADERS,
                ["明月村", "一组", "A-501", "孙五", "", "", 1, "", "", ""],
                ["明月村", "一组", "A-502", long_name, "", "", 1, "", "", ""],
            ]
        }
    )
    report = services.import_file(actor=town.sam, kind="households", filename="x.xlsx", data=data)
    assert [(e.sheet, e.row, e.column, e.value) for e in report.errors] == [
        ("户", 3, "户主姓名", long_name)
    ]
    assert "50" in report.errors[0].reason
    assert not report.written
    assert not Household.objects.filter(code__in=["A-501", "A-502"]).exists()


def test_an_import_runs_without_cyclic_collections_and_gives_the_collector_back(
    town: Town, tags: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    seen: list[bool] = []
    read = services.readers.read_grids

    def reading(filename: str, data: bytes) -> object:
        seen.append(gc.isenabled())
        return read(filename, data)

    monkeypatch.setattr(services.readers, "read_grids", reading)
    report = services.import_file(
        actor=town.sam, kind="households", filename="roster.xlsx", data=xlsx(good_households())
    )
    assert report.written and seen == [False]
    assert gc.isenabled()
