"""Validate every row of an import before anything is written.

Each validator preloads what it needs (villages, groups, existing numbers,
tags) into dicts so that checking 7,000 households costs a handful of queries,
collects every problem into the report, and returns the rows ready for the bulk
services. Nothing here writes.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from grassroots.core import clock, personal
from grassroots.core.scoping import Scope
from grassroots.exchange.readers import (
    HOUSEHOLD_COLUMNS,
    MEMBER_COLUMNS,
    ORGANIZATION_COLUMNS,
    RESIDENT_COLUMNS,
    Sheet,
)
from grassroots.exchange.report import ImportReport
from grassroots.grid.models import Household, Place, Representative, Resident, Tag
from grassroots.grid.services import HouseholdRow, ResidentRow, clean_id_number, clean_phone
from grassroots.party.models import Member, Organization
from grassroots.party.services import CHILD_KINDS, MemberRow, OrganizationRow

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


_clean_rep_phone = functools.lru_cache(maxsize=65536)(clean_phone)


def _phone(value: str) -> str:
    return personal.mask_phone(value) if value else ""


def _id(value: str) -> str:
    return personal.mask_id_number(value) if value else ""


def _error_text(exc: ValidationError) -> str:
    return "; ".join(str(m) for m in exc.messages)


def town_places(town: Place) -> tuple[dict[str, Place], dict[tuple[str, str], Place]]:
    """Villages of the town by name, and groups by (village path, group key)."""
    villages: dict[str, Place] = {}
    groups: dict[tuple[str, str], Place] = {}
    for place in Place.objects.filter(path__startswith=town.path, depth__gt=town.depth).filter(
        depth__lte=town.depth + 2
    ):
        if place.depth == town.depth + 1:
            villages[name_key(place.name)] = place
        else:
            groups[(place.path[: -Place.steplen], group_key(place.name))] = place
    return villages, groups


@dataclass
class HouseholdPlan:
    rows: list[HouseholdRow] = field(default_factory=list)
    # Residents added to households that already exist (resident sheet only).
    extra_residents: list[tuple[str, ResidentRow]] = field(default_factory=list)


class TagChecker:
    """Tags come from the configured list; unknown ones are errors naming the list."""

    def __init__(self) -> None:
        self.tags = {t.name: t for t in Tag.objects.all()}

    def allowed(self, target: str) -> list[str]:
        return [
            name for name, t in self.tags.items() if t.applies_to in (Tag.AppliesTo.BOTH, target)
        ]

    def check(
        self, report: ImportReport, sheet: str, row: int, column: str, value: str, target: str
    ) -> list[str]:
        if not value:
            return []
        names = [t for t in TAG_SPLIT.split(value) if t]
        allowed = self.allowed(target)
        good: list[str] = []
        for name in names:
            if name in allowed:
                good.append(name)
            else:
                report.add(
                    sheet,
                    row,
                    column,
                    name,
                    _("unknown tag; allowed tags: %(tags)s") % {"tags": "、".join(allowed) or "—"},
                )
        return list(dict.fromkeys(good))


def validate_households(
    *,
    scope: Scope,
    town: Place,
    households: Sheet | None,
    residents: Sheet | None,
    report: ImportReport,
) -> HouseholdPlan:
    plan = HouseholdPlan()
    villages, groups = town_places(town)
    existing = dict(Household.objects.filter(town=town).values_list("code", "place_path"))
    tags = TagChecker()
    # Existing active representatives by (village path, name), to reuse them.
    reps: dict[tuple[str, str], list[Representative]] = defaultdict(list)
    for rep in Representative.objects.filter(town=town, active=True).only(
        "place_path", "name", "phone"
    ):
        reps[(rep.place_path, rep.name)].append(rep)

    by_code: dict[str, HouseholdRow] = {}
    first_row: dict[str, int] = {}
    if households is not None:
        sheet = households.name

        def col(key: str) -> str:
            return households.label(key, HOUSEHOLD_COLUMNS)

        for row, v in households.rows:
            bad = False
            before = len(report.errors)
            for key in ("village", "group", "code", "head"):
                if not v.get(key):
                    report.add(sheet, row, col(key), "", _("required"))
                    bad = True
            village = villages.get(name_key(v.get("village", "")))
            group = None
            if v.get("village") and village is None:
                report.add(
                    sheet,
                    row,
                    col("village"),
                    v["village"],
                    _("no such village or community in %(town)s") % {"town": town.name},
                )
                bad = True
            elif village is not None and v.get("group"):
                group = groups.get((village.path, group_key(v["group"])))
                if group is None:
                    report.add(
                        sheet,
                        row,
                        col("group"),
                        v["group"],
                        _("no such villager group in %(village)s") % {"village": village.name},
                    )
                    bad = True
            if village is not None and not scope.covers_place_path(
                group.path if group else village.path
            ):
                report.add(
                    sheet,
                    row,
                    col("village"),
                    v["village"],
                    _("outside your area: you may not import households here"),
                )
                bad = True
            code = v.get("code", "")
            if code:
                if code in first_row:
                    report.add(
                        sheet,
                        row,
                        col("code"),
                        code,
                        _("duplicate household number: also on row %(row)s")
                        % {"row": first_row[code]},
                    )
                    bad = True
                elif code in existing:
                    report.add(
                        sheet, row, col("code"), code, _("this household number already exists")
                    )
                    bad = True
                else:
                    first_row[code] = row
            phone = rep_phone = ""
            try:
                phone = clean_phone(v.get("phone", ""))
            except ValidationError:
                report.add(
                    sheet, row, col("phone"), _phone(v["phone"]), _("not a valid phone number")
                )
                bad = True
            try:
                # A representative's phone repeats on each of their ~11 rows.
                rep_phone = _clean_rep_phone(v.get("rep_phone", ""))
            except ValidationError:
                report.add(
                    sheet,
                    row,
                    col("rep_phone"),
                    _phone(v["rep_phone"]),
                    _("not a valid phone number"),
                )
                bad = True
            if rep_phone and not v.get("rep"):
                report.add(
                    sheet,
                    row,
                    col("rep"),
                    "",
                    _("a representative's phone needs the representative's name"),
                )
                bad = True
            size = None
            if v.get("size"):
                try:
                    size = int(v["size"])
                except ValueError:
                    report.add(sheet, row, col("size"), v["size"], _("not a whole number"))
                    bad = True
                else:
                    if not 1 <= size <= MAX_HOUSEHOLD_SIZE:
                        report.add(
                            sheet,
                            row,
                            col("size"),
                            v["size"],
                            _("must be between 1 and %(max)s") % {"max": MAX_HOUSEHOLD_SIZE},
                        )
                        bad = True
            names = tags.check(report, sheet, row, col("tags"), v.get("tags", ""), "household")
            if bad or group is None or len(report.errors) > before:
                continue
            rep_name = v.get("rep", "")
            if rep_name and not rep_phone:
                # Reuse the one existing representative of that name in the village.
                same = reps.get((village.path, rep_name), [])
                if len(same) == 1:
                    rep_phone = personal.decrypt(same[0].phone)
            hh = HouseholdRow(
                group=group,
                code=code,
                head_name=v["head"],
                phone=phone,
                address=v.get("address", ""),
                size=size or 0,
                tags=names,
                rep_name=rep_name,
                rep_phone=rep_phone,
            )
            by_code[code] = hh
            plan.rows.append(hh)

    seen_ids: dict[str, int] = {}
    if residents is not None:
        sheet = residents.name

        def rcol(key: str) -> str:
            return residents.label(key, RESIDENT_COLUMNS)

        for row, v in residents.rows:
            bad = False
            before = len(report.errors)
            for key in ("code", "name"):
                if not v.get(key):
                    report.add(sheet, row, rcol(key), "", _("required"))
                    bad = True
            code = v.get("code", "")
            # A household outside the importer's area looks exactly like a missing one.
            if (
                code
                and code not in first_row
                and (code not in existing or not scope.covers_place_path(existing[code]))
            ):
                report.add(
                    sheet,
                    row,
                    rcol("code"),
                    code,
                    _("no household with this number in the file or the database"),
                )
                bad = True
            relation = Resident.Relation.OTHER
            if v.get("relation"):
                relation = RELATION_BY_TEXT.get(name_key(v["relation"]))
                if relation is None:
                    report.add(
                        sheet,
                        row,
                        rcol("relation"),
                        v["relation"],
                        _("unknown relation; use one of: %(values)s")
                        % {"values": "、".join(RELATION_LABELS.values())},
                    )
                    bad = True
            id_number, phone, personal_bad = check_id_and_phone(
                report, sheet, row, rcol, v, seen_ids
            )
            bad = bad or personal_bad
            names = tags.check(report, sheet, row, rcol("tags"), v.get("tags", ""), "resident")
            if bad or len(report.errors) > before:
                continue
            person = ResidentRow(
                name=v["name"], relation=relation, id_number=id_number, phone=phone, tags=names
            )
            if code in by_code:
                by_code[code].residents.append(person)
            elif code not in first_row:
                plan.extra_residents.append((code, person))

    # IDs already registered in this town would create the same person twice.
    if seen_ids:
        hashes = {personal.lookup_hash(i): (i, r) for i, r in seen_ids.items()}
        for h in Resident.objects.filter(town=town, id_number_hash__in=list(hashes)).values_list(
            "id_number_hash", flat=True
        ):
            value, row = hashes[h]
            report.add(
                residents.name if residents else "",
                row,
                residents.label("id_number", RESIDENT_COLUMNS) if residents else "",
                _id(value),
                _("a resident with this ID number is already registered"),
            )
    for hh in plan.rows:
        if not hh.size:
            hh.size = max(1, len(hh.residents))
    return plan


# --- organisations and members ------------------------------------------------


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


def _out_of_area(scope: Scope, org: Organization) -> str:
    """An organisation the actor cannot even see reads as missing (no leak)."""
    if scope.everything or any(p.startswith(org.path) for p in scope.org_paths):
        return _("outside your area")
    return _("no such organisation in the file or the database")


@dataclass
class OrganizationPlan:
    organizations: list[OrganizationRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)


def validate_organizations(
    *,
    scope: Scope,
    town: Place,
    organizations: Sheet | None,
    members: Sheet | None,
    report: ImportReport,
) -> OrganizationPlan:
    plan = OrganizationPlan()
    villages, _groups = town_places(town)
    villages.setdefault(name_key(town.name), town)
    existing: dict[str, Organization] = {}
    for org in Organization.objects.filter(town=town):
        existing.setdefault(name_key(org.name), org)

    pending: dict[str, tuple[int, OrganizationRow]] = {}
    if organizations is not None:
        sheet = organizations.name

        def col(key: str) -> str:
            return organizations.label(key, ORGANIZATION_COLUMNS)

        for row, v in organizations.rows:
            bad = False
            for key in ("name", "kind", "parent"):
                if not v.get(key):
                    report.add(sheet, row, col(key), "", _("required"))
                    bad = True
            name = v.get("name", "")
            key_ = name_key(name)
            if name and key_ in pending:
                report.add(
                    sheet,
                    row,
                    col("name"),
                    name,
                    _("duplicate organisation: also on row %(row)s") % {"row": pending[key_][0]},
                )
                bad = True
            elif name and key_ in existing:
                report.add(sheet, row, col("name"), name, _("this organisation already exists"))
                bad = True
            kind = ORG_KINDS.get(name_key(v.get("kind", "")))
            if v.get("kind") and kind is None:
                report.add(
                    sheet,
                    row,
                    col("kind"),
                    v["kind"],
                    _("unknown category; use one of: %(values)s")
                    % {"values": "、".join(ORG_KIND_LABELS.values())},
                )
                bad = True
            org_type = Organization.OrgType.VILLAGE
            if v.get("org_type"):
                org_type = ORG_TYPES.get(name_key(v["org_type"]))
                if org_type is None:
                    report.add(
                        sheet,
                        row,
                        col("org_type"),
                        v["org_type"],
                        _("unknown type; use one of: %(values)s")
                        % {"values": "、".join(ORG_TYPE_LABELS.values())},
                    )
                    bad = True
            place = None
            if v.get("place"):
                place = villages.get(name_key(v["place"]))
                if place is None:
                    report.add(
                        sheet,
                        row,
                        col("place"),
                        v["place"],
                        _("no such village or community in %(town)s") % {"town": town.name},
                    )
                    bad = True
            parent_name = v.get("parent", "")
            parent = existing.get(name_key(parent_name)) if parent_name else None
            if parent is not None:
                if not scope.covers_org_path(parent.path):
                    report.add(sheet, row, col("parent"), parent_name, _out_of_area(scope, parent))
                    bad = True
                elif kind and kind not in CHILD_KINDS[parent.kind]:
                    report.add(
                        sheet,
                        row,
                        col("kind"),
                        v["kind"],
                        _("a %(child)s cannot be placed under a %(parent)s")
                        % {"child": ORG_KIND_LABELS[kind], "parent": ORG_KIND_LABELS[parent.kind]},
                    )
                    bad = True
            if bad:
                # Keep the name known so members/children do not report it twice.
                pending.setdefault(key_ or f"#{row}", (row, None))  # type: ignore[arg-type]
                continue
            pending[key_] = (
                row,
                OrganizationRow(
                    name=name,
                    kind=kind,
                    org_type=org_type,
                    place=place,
                    parent_name=parent_name,
                    parent=parent,
                ),
            )

        # Parents named in the file: order rows so each parent comes first.
        resolved = {k for k, (_r, o) in pending.items() if o is not None and o.parent is not None}
        ordered = [o for k, (_r, o) in pending.items() if k in resolved]
        progress = True
        while progress:
            progress = False
            for k, (row, o) in pending.items():
                if o is None or k in resolved or o.parent is not None:
                    continue
                parent_row = pending.get(name_key(o.parent_name))
                if parent_row is None:
                    report.add(
                        sheet,
                        row,
                        col("parent"),
                        o.parent_name,
                        _("no such organisation in the file or the database"),
                    )
                    resolved.add(k)
                    continue
                parent_obj = parent_row[1]
                if parent_obj is None:
                    resolved.add(k)  # the parent row is itself bad: already reported
                    continue
                if name_key(parent_obj.name) in resolved:
                    if o.kind not in CHILD_KINDS[parent_obj.kind]:
                        report.add(
                            sheet,
                            row,
                            col("kind"),
                            ORG_KIND_LABELS[o.kind],
                            _("a %(child)s cannot be placed under a %(parent)s")
                            % {
                                "child": ORG_KIND_LABELS[o.kind],
                                "parent": ORG_KIND_LABELS[parent_obj.kind],
                            },
                        )
                    else:
                        o.parent_name = parent_obj.name  # the exact spelling the service keys by
                        ordered.append(o)
                    resolved.add(k)
                    progress = True
        for k, (row, o) in pending.items():
            if o is not None and k not in resolved:
                report.add(
                    sheet, row, col("parent"), o.parent_name, _("circular parent organisations")
                )
        plan.organizations = ordered

    if members is not None:
        sheet = members.name

        def mcol(key: str) -> str:
            return members.label(key, MEMBER_COLUMNS)

        seen_ids: dict[str, int] = {}
        for row, v in members.rows:
            bad = False
            for key in ("organization", "name"):
                if not v.get(key):
                    report.add(sheet, row, mcol(key), "", _("required"))
                    bad = True
            org_name = v.get("organization", "")
            org = existing.get(name_key(org_name)) if org_name else None
            if org_name and org is None and name_key(org_name) not in pending:
                report.add(
                    sheet,
                    row,
                    mcol("organization"),
                    org_name,
                    _("no such organisation in the file or the database"),
                )
                bad = True
            elif org is not None and not scope.covers_org_path(org.path):
                report.add(sheet, row, mcol("organization"), org_name, _out_of_area(scope, org))
                bad = True
            gender = ""
            if v.get("gender"):
                gender = GENDERS.get(v["gender"].upper(), "")
                if not gender:
                    report.add(sheet, row, mcol("gender"), v["gender"], _("use 男 or 女"))
                    bad = True
            status = Member.Status.FULL
            if v.get("status"):
                status = STATUSES.get(name_key(v["status"]))
                if status is None:
                    report.add(sheet, row, mcol("status"), v["status"], _("use 正式 or 预备"))
                    bad = True
            joined = None
            if v.get("joined_on"):
                joined = parse_date(v["joined_on"])
                if joined is None:
                    report.add(
                        sheet,
                        row,
                        mcol("joined_on"),
                        v["joined_on"],
                        _("not a date (e.g. 2001-07-01)"),
                    )
                    bad = True
                elif not EARLIEST_JOIN <= joined <= clock.today():
                    report.add(
                        sheet, row, mcol("joined_on"), v["joined_on"], _("date out of range")
                    )
                    bad = True
            post = ""
            if v.get("post"):
                post = POSTS.get(name_key(v["post"]))
                if post is None:
                    report.add(
                        sheet,
                        row,
                        mcol("post"),
                        v["post"],
                        _("unknown post; use one of: %(values)s")
                        % {"values": "、".join(POST_LABELS.values())},
                    )
                    bad = True
            id_number, phone, personal_bad = check_id_and_phone(
                report, sheet, row, mcol, v, seen_ids
            )
            bad = bad or personal_bad
            if bad:
                continue
            if org is None and pending[name_key(org_name)][1] is not None:
                org_name = pending[name_key(org_name)][1].name
            plan.members.append(
                MemberRow(
                    organization_name=org_name,
                    organization=org,
                    name=v["name"],
                    gender=gender,
                    status=status,
                    joined_on=joined,
                    post=post,
                    phone=phone,
                    id_number=id_number,
                )
            )
        if seen_ids:
            hashes = {personal.lookup_hash(i): (i, r) for i, r in seen_ids.items()}
            for h in Member.objects.filter(
                active=True, id_number_hash__in=list(hashes)
            ).values_list("id_number_hash", flat=True):
                value, row = hashes[h]
                report.add(
                    sheet,
                    row,
                    mcol("id_number"),
                    _id(value),
                    _("a Party member with this ID number is already registered"),
                )
    return plan


def check_id_and_phone(
    report: ImportReport,
    sheet: str,
    row: int,
    col: Callable[[str], str],
    v: dict[str, str],
    seen_ids: dict[str, int],
) -> tuple[str, str, bool]:
    """Validate one row's ID number (checksum, once per file) and phone.

    Returns the clean values and whether the row had an error; each error is
    added to the report with its column.
    """
    bad = False
    id_number = phone = ""
    try:
        id_number = clean_id_number(v.get("id_number", ""))
    except ValidationError:
        report.add(
            sheet,
            row,
            col("id_number"),
            _id(v["id_number"]),
            _("not a valid resident ID number (wrong length, date or check digit)"),
        )
        bad = True
    if id_number:
        if id_number in seen_ids:
            report.add(
                sheet,
                row,
                col("id_number"),
                _id(id_number),
                _("the same ID number is also on row %(row)s") % {"row": seen_ids[id_number]},
            )
            bad = True
        else:
            seen_ids[id_number] = row
    try:
        phone = clean_phone(v.get("phone", ""))
    except ValidationError:
        report.add(sheet, row, col("phone"), _phone(v["phone"]), _("not a valid phone number"))
        bad = True
    return id_number, phone, bad
