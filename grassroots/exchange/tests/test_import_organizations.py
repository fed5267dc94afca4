from __future__ import annotations

import datetime as dt

from grassroots.core import clock
from grassroots.exchange import services
from grassroots.exchange.tests.helpers import ID_C, ID_D, xlsx
from grassroots.party.models import Member, Organization
from grassroots.testing import ID_A, Town

ORG = ["上级组织", "组织名称", "组织类别", "组织类型", "所在村(社区)"]
MEM = ["组织名称", "姓名", "性别", "党员类别", "入党日期", "职务", "联系电话", "身份证号"]


def good_file() -> bytes:
    return xlsx(
        {
            "组织": [
                ORG,
                # The child comes before its parent: the importer orders them.
                ["明月新村党总支", "明月新村第一党支部", "党支部", "村(社区)", "明月村"],
                ["中共测试镇委员会", "明月新村党总支", "党总支", "", "明月村"],
                ["中共测试镇委员会", "测试商会党支部", "党支部", "两新", ""],
            ],
            "党员": [
                MEM,
                [
                    "明月新村第一党支部",
                    "陈一",
                    "男",
                    "正式",
                    "2001-07-01",
                    "书记",
                    "13800001111",
                    ID_C,
                ],
                ["明月新村第一党支部", "陈二", "女", "预备", dt.date(2024, 7, 1), "", "", ID_D],
                ["明月村党支部", "陈三", "", "", "2010年5月4日", "组织委员", "", ""],
            ],
        }
    )


def test_organisations_and_members_import_with_parents_ordered_first(town: Town) -> None:
    report = services.import_file(
        actor=town.olga, kind="organizations", filename="orgs.xlsx", data=good_file()
    )
    assert report.ok and report.written, report.errors
    assert report.counts == {"organizations": 3, "members": 3}
    general = Organization.objects.get(name="明月新村党总支")
    branch = Organization.objects.get(name="明月新村第一党支部")
    assert general.path[:-4] == town.committee.path and general.kind == "general_branch"
    assert branch.path[:-4] == general.path and branch.place == town.village_a
    assert Organization.objects.get(name="测试商会党支部").org_type == "two_new"
    chen = Member.objects.get(name="陈一")
    assert (chen.organization, chen.gender, chen.post, chen.joined_on) == (
        branch,
        "M",
        "secretary",
        dt.date(2001, 7, 1),
    )
    assert Member.objects.get(name="陈二").status == "probationary"
    assert Member.objects.get(name="陈三").joined_on == dt.date(2010, 5, 4)


def test_bad_organisation_rows_of_every_kind_import_nothing(town: Town) -> None:
    clock.set_now(dt.datetime(2025, 1, 1, tzinfo=dt.UTC))
    data = xlsx(
        {
            "组织": [
                ORG,
                ["不存在的党委", "甲支部", "党支部", "", ""],  # 2 unknown parent
                ["中共测试镇委员会", "乙支部", "党团", "", ""],  # 3 unknown category
                ["中共测试镇委员会", "丙支部", "党支部", "外企", ""],  # 4 unknown type
                ["中共测试镇委员会", "明月村党支部", "党支部", "", ""],  # 5 exists
                ["明月村党支部", "丁党委", "党委", "", ""],  # 6 committee under a branch
                ["中共测试镇委员会", "戊支部", "党支部", "", "火星村"],  # 7 unknown place
            ],
            "党员": [
                MEM,
                ["明月村党支部", "甲", "男", "正式", "2001-13-45", "", "", ""],  # 2 bad date
                ["明月村党支部", "乙", "男", "正式", "2030-01-01", "", "", ""],  # 3 future
                ["明月村党支部", "丙", "男", "正式", "", "村长", "", ""],  # 4 post
                ["明月村党支部", "丁", "未知", "正式", "", "", "", ""],  # 5 gender
                ["没有的支部", "戊", "", "", "", "", "", ""],  # 6 unknown org
                ["明月村党支部", "己", "", "半正式", "", "", "", ""],  # 7 status
                ["明月村党支部", "庚", "", "", "", "", "", ID_A[:-1] + "0"],  # 8 ID
                ["明月村党支部", "", "", "", "", "", "", ""],  # 9 name
            ],
        }
    )
    before = (Organization.objects.count(), Member.objects.count())
    report = services.import_file(
        actor=town.olga, kind="organizations", filename="bad.xlsx", data=data
    )
    assert {(e.sheet, e.row, e.column) for e in report.errors} == {
        ("组织", 2, "上级组织"),
        ("组织", 3, "组织类别"),
        ("组织", 4, "组织类型"),
        ("组织", 5, "组织名称"),
        ("组织", 6, "组织类别"),
        ("组织", 7, "所在村(社区)"),
        ("党员", 2, "入党日期"),
        ("党员", 3, "入党日期"),
        ("党员", 4, "职务"),
        ("党员", 5, "性别"),
        ("党员", 6, "组织名称"),
        ("党员", 7, "党员类别"),
        ("党员", 8, "身份证号"),
        ("党员", 9, "姓名"),
    }
    assert (Organization.objects.count(), Member.objects.count()) == before


def test_a_secretary_cannot_add_members_to_another_village_branch(town: Town) -> None:
    data = xlsx({"党员": [MEM, ["上杉市村党支部", "越界", "", "", "", "", "", ""]]})
    report = services.import_file(
        actor=town.sam, kind="organizations", filename="m.xlsx", data=data
    )
    assert [(e.row, e.column) for e in report.errors] == [(2, "组织名称")]
    data = xlsx({"党员": [MEM, ["并不存在的支部", "越界", "", "", "", "", "", ""]]})
    missing = services.import_file(
        actor=town.sam, kind="organizations", filename="m.xlsx", data=data
    )
    # The other village's branch reads as missing: its existence is not leaked.
    assert report.errors[0].reason == missing.errors[0].reason
    assert not Member.objects.filter(name="越界").exists()
