"""The words spreadsheets use: relations, Party categories, posts, and how names compare.

Pure functions and mappings (no database): the importers read with them, the
exports and templates write their labels.
"""

from __future__ import annotations

import datetime as dt
import functools
import re

from grassroots.grid.models import Resident
from grassroots.party.models import Member, Organization

TAG_SPLIT = re.compile(r"[、,，;；/\s]+")
CN_DIGITS = "零一二三四五六七八九"

RELATIONS = {
    Resident.Relation.HEAD: ("户主", "本人", "户主本人"),
    Resident.Relation.SPOUSE: ("配偶", "妻", "妻子", "夫", "丈夫", "夫妻"),
    Resident.Relation.CHILD: (
        "子女",
        "子",
        "女",
        "儿子",
        "女儿",
        "长子",
        "次子",
        "三子",
        "长女",
        "次女",
        "三女",
        "独子",
        "独女",
        "养子",
        "养女",
        "继子",
        "继女",
    ),
    Resident.Relation.PARENT: (
        "父母",
        "父亲",
        "母亲",
        "父",
        "母",
        "继父",
        "继母",
        "公公",
        "婆婆",
        "岳父",
        "岳母",
    ),
    Resident.Relation.GRANDCHILD: (
        "孙子女",
        "孙子",
        "孙女",
        "外孙子",
        "外孙女",
        "外孙",
        "曾孙子",
        "曾孙女",
    ),
    Resident.Relation.SIBLING: ("兄弟姐妹", "兄", "弟", "姐", "妹", "哥哥", "弟弟", "姐姐", "妹妹"),
    Resident.Relation.OTHER: (
        "其他",
        "儿媳",
        "女婿",
        "祖父母",
        "祖父",
        "祖母",
        "外祖父",
        "外祖母",
        "侄子",
        "侄女",
        "其它",
    ),
}
RELATION_BY_TEXT = {text: code for code, texts in RELATIONS.items() for text in texts}

ORG_KINDS = {
    "党委": Organization.Kind.COMMITTEE,
    "党委会": Organization.Kind.COMMITTEE,
    "委员会": Organization.Kind.COMMITTEE,
    "党总支": Organization.Kind.GENERAL_BRANCH,
    "党总支部": Organization.Kind.GENERAL_BRANCH,
    "总支": Organization.Kind.GENERAL_BRANCH,
    "党支部": Organization.Kind.BRANCH,
    "支部": Organization.Kind.BRANCH,
    "党小组": Organization.Kind.GROUP,
}
ORG_TYPES = {
    "村(社区)": Organization.OrgType.VILLAGE,
    "村社区": Organization.OrgType.VILLAGE,
    "村": Organization.OrgType.VILLAGE,
    "社区": Organization.OrgType.VILLAGE,
    "两新": Organization.OrgType.TWO_NEW,
    "两新组织": Organization.OrgType.TWO_NEW,
    "非公企业": Organization.OrgType.TWO_NEW,
    "社会组织": Organization.OrgType.TWO_NEW,
    "机关事业单位": Organization.OrgType.INSTITUTION,
    "机关": Organization.OrgType.INSTITUTION,
    "事业单位": Organization.OrgType.INSTITUTION,
}
GENDERS = {"男": "M", "女": "F", "M": "M", "F": "F"}
STATUSES = {
    "正式": Member.Status.FULL,
    "正式党员": Member.Status.FULL,
    "预备": Member.Status.PROBATIONARY,
    "预备党员": Member.Status.PROBATIONARY,
}
POSTS = {
    "书记": Member.Post.SECRETARY,
    "党支部书记": Member.Post.SECRETARY,
    "副书记": Member.Post.DEPUTY_SECRETARY,
    "组织委员": Member.Post.ORGANIZER,
    "宣传委员": Member.Post.PROPAGANDA,
    "纪检委员": Member.Post.DISCIPLINE,
    "纪律检查委员": Member.Post.DISCIPLINE,
    "党小组长": Member.Post.GROUP_LEADER,
    "党小组组长": Member.Post.GROUP_LEADER,
    "无": Member.Post.NONE,
    "党员": Member.Post.NONE,
}
# Labels written by templates and exports (first text of each mapping wins).
RELATION_LABELS = {code: texts[0] for code, texts in RELATIONS.items()}
ORG_KIND_LABELS = {
    Organization.Kind.COMMITTEE: "党委",
    Organization.Kind.GENERAL_BRANCH: "党总支",
    Organization.Kind.BRANCH: "党支部",
    Organization.Kind.GROUP: "党小组",
}
ORG_TYPE_LABELS = {
    Organization.OrgType.VILLAGE: "村(社区)",
    Organization.OrgType.TWO_NEW: "两新",
    Organization.OrgType.INSTITUTION: "机关事业单位",
}
GENDER_LABELS = {"M": "男", "F": "女"}
STATUS_LABELS = {Member.Status.FULL: "正式", Member.Status.PROBATIONARY: "预备"}
POST_LABELS = {
    Member.Post.SECRETARY: "书记",
    Member.Post.DEPUTY_SECRETARY: "副书记",
    Member.Post.ORGANIZER: "组织委员",
    Member.Post.PROPAGANDA: "宣传委员",
    Member.Post.DISCIPLINE: "纪检委员",
    Member.Post.GROUP_LEADER: "党小组长",
}

MAX_HOUSEHOLD_SIZE = 99
EARLIEST_JOIN = dt.date(1921, 7, 1)


# Pure functions of a cell's text, called for every row with a few hundred
# distinct values (villages, groups): cached, they stop costing per row.
@functools.lru_cache(maxsize=8192)
def name_key(text: str) -> str:
    """Compare place/organisation names loosely: no spaces, brackets unified."""
    return re.sub(r"\s", "", text).replace("（", "(").replace("）", ")")


def _cn_number(n: int) -> str:
    if n < 10:
        return CN_DIGITS[n]
    if n < 20:
        return "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    if n < 100:
        return CN_DIGITS[n // 10] + "十" + (CN_DIGITS[n % 10] if n % 10 else "")
    return str(n)


@functools.lru_cache(maxsize=8192)
def group_key(text: str) -> str:
    """'1组', '01组', '一组', '第一村民小组' all name the same villager group."""
    key = name_key(text)
    key = re.sub(r"^第", "", key)
    key = re.sub(r"(村民小组|居民小组|小组|组)$", "", key)
    if key.isdigit():
        key = _cn_number(int(key))
    return key


def parse_date(text: str) -> dt.date | None:
    """Dates as typed in Chinese spreadsheets; None when unreadable."""
    text = text.strip()
    if re.fullmatch(r"\d{5}", text):  # an Excel serial day number
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(text))
    m = re.fullmatch(r"(\d{4})[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?", text) or re.fullmatch(
        r"(\d{4})(\d{2})(\d{2})", text
    )
    if not m:
        m2 = re.fullmatch(r"(\d{4}-\d{2}-\d{2})T.*", text)
        return parse_date(m2.group(1)) if m2 else None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3) or 1))
    except ValueError:
        return None
