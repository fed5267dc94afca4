"""The demo town 路口镇 (DOMAIN.md §4): grid, Party tree, accounts, visits.

`load_demo` is one service: deterministic (seeded), idempotent (a second call
finds the town and does nothing) and fast (households, residents and links go
through `households_bulk_create`; visits are bulk-inserted here). Places,
organisations, representatives, members and instructors are few hundred rows
each and go through their own services so they are audited like real data.

`reset_demo` removes the demo town and everything hanging off it, plus the
demo accounts (marked by their e-mail domain, since User has no is_demo flag).
"""

from __future__ import annotations

import datetime as dt
import logging
import random
import secrets
import time
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.apps import apps
from django.contrib.auth.models import Permission
from django.db import models, transaction
from django.db.models import OuterRef, ProtectedError, RestrictedError, Subquery

from grassroots.accounts import services as account_services
from grassroots.accounts.models import User
from grassroots.core import audit, clock
from grassroots.core.roles import Role
from grassroots.demo.names import NameGen
from grassroots.grid import services as grid
from grassroots.grid.models import (
    Household,
    Place,
    Representative,
    RepresentativeLink,
    Resident,
    Tag,
    Visit,
)
from grassroots.party import services as party
from grassroots.party.models import (
    GuidanceAssignment,
    GuidanceVisit,
    Instructor,
    Member,
    Organization,
)

log = logging.getLogger(__name__)

PASSWORD = "grassroots-demo"  # noqa: S105 - the published demo password
DEMO_EMAIL_DOMAIN = "demo.grassroots.invalid"
SYSTEM_USERNAME = "system"
SEED = 20230101

HOUSEHOLDS = 6896
REPRESENTATIVES = 605
TOWN_NAME = "路口镇"
ANCESTORS = (
    (Place.Kind.PROVINCE, "湖南省", "430000000000"),
    (Place.Kind.CITY, "长沙市", "430100000000"),
    (Place.Kind.COUNTY, "长沙县", "430121000000"),
)


@dataclass(frozen=True)
class VillageSpec:
    name: str
    kind: str
    groups: int
    weight: int  # households at full size; the weights sum to HOUSEHOLDS


VILLAGES: tuple[VillageSpec, ...] = (
    VillageSpec("明月村", Place.Kind.VILLAGE, 16, 820),
    VillageSpec("上杉市村", Place.Kind.VILLAGE, 18, 860),
    VillageSpec("麻林社区", Place.Kind.COMMUNITY, 12, 700),
    VillageSpec("路口社区", Place.Kind.COMMUNITY, 10, 640),
    VillageSpec("花果村", Place.Kind.VILLAGE, 14, 620),
    VillageSpec("新桥村", Place.Kind.VILLAGE, 12, 560),
    VillageSpec("石塘村", Place.Kind.VILLAGE, 11, 520),
    VillageSpec("龙泉村", Place.Kind.VILLAGE, 10, 480),
    VillageSpec("荷叶村", Place.Kind.VILLAGE, 9, 450),
    VillageSpec("白沙村", Place.Kind.VILLAGE, 9, 430),
    VillageSpec("松林村", Place.Kind.VILLAGE, 8, 420),
    VillageSpec("枫树村", Place.Kind.VILLAGE, 8, 396),
)


@dataclass(frozen=True)
class TagSpec:
    name: str
    share: float  # of the eligible households
    sensitive: bool = False
    rule: str = ""  # "elderly" | "child" | "" (any household)


DEFAULT_TAGS: tuple[TagSpec, ...] = (
    TagSpec("独居老人", 0.35, rule="elderly"),
    TagSpec("留守儿童", 0.25, rule="child"),
    TagSpec("退役军人", 0.03),
    TagSpec("低保户", 0.04, sensitive=True),
    TagSpec("残疾人", 0.03, sensitive=True),
    TagSpec("脱贫户", 0.06),
)

# Village branches: general branches (党总支) over several branches for the larger places.
GENERAL_BRANCH_SIZES = {"明月村": 4, "上杉市村": 4, "麻林社区": 3, "路口社区": 3, "花果村": 3}
TWO_NEW_GENERAL = "路口镇非公有制经济组织综合党总支"
TWO_NEW = (
    ("长沙明月农业科技有限公司", True),
    ("湖南麻林食品有限公司", True),
    ("长沙县路口物流有限公司", True),
    ("湖南新桥机械制造有限公司", True),
    ("湖南石塘新材料有限公司", True),
    ("长沙枫树电子有限公司", True),
    ("路口花木产业园联合", False),
    ("路口镇商会", False),
    ("上杉市生态农业专业合作社", False),
    ("湖南龙泉建材有限公司", False),
    ("花果山茶叶专业合作社", False),
    ("路口镇个体劳动者协会", False),
    ("长沙荷叶纺织有限公司", False),
    ("白沙湖渔业专业合作社", False),
    ("湖南松林木业有限公司", False),
    ("路口镇社会工作服务站", False),
    ("麻林老街商户联合", False),
    ("路口镇志愿者协会", False),
)
INSTITUTION_GENERALS = {"机关": "路口镇机关党总支", "教育": "路口镇教育系统党总支"}
INSTITUTIONS = (
    ("路口镇机关第一", "机关"),
    ("路口镇机关第二", "机关"),
    ("路口镇中心学校", "教育"),
    ("路口镇中学", "教育"),
    ("明月小学", "教育"),
    ("路口镇卫生院", ""),
    ("路口镇农业综合服务中心", ""),
    ("路口镇社会事务综合服务中心", ""),
    ("路口镇退役军人服务站", ""),
    ("路口镇敬老院", ""),
    ("路口镇财政所", ""),
    ("路口镇自然资源所", ""),
    ("路口镇综合行政执法大队", ""),
    ("路口镇退休干部", ""),
)
BRANCHES = 24 + len(TWO_NEW) + len(INSTITUTIONS)  # 56
INSTRUCTORS = 42
MEMBERS_PER_BRANCH = {
    Organization.OrgType.VILLAGE: (25, 40),
    Organization.OrgType.TWO_NEW: (7, 16),
    Organization.OrgType.INSTITUTION: (10, 22),
}
INSTRUCTOR_TITLES = ("镇机关干部", "镇直单位干部", "退休老干部", "驻村工作队员", "党建指导员")
LEADERS = (
    ("镇党委书记", 3),
    ("镇党委副书记、镇长", 3),
    ("镇党委副书记", 2),
    ("镇党委组织委员", 2),
    ("镇党委宣传委员", 2),
)
GUIDANCE_TOPICS = (
    "“三会一课”执行情况指导",
    "主题党日活动指导",
    "发展党员工作指导",
    "党费收缴情况核查",
    "组织生活会准备工作指导",
    "冬春训工作部署",
    "党建阵地建设指导",
    "党务公开情况检查",
)
VISIT_NOTES = ("", "", "", "家中情况正常", "了解近期生产生活情况", "宣传政策", "询问就医需求")
CN_NUM = "零一二三四五六七八九十"
MINGYUE = "明月村"


@dataclass(frozen=True)
class DemoLogin:
    username: str
    role: str
    where: str


@dataclass
class DemoResult:
    town: Place
    created: bool
    seconds: float = 0.0
    counts: dict[str, int] = field(default_factory=dict)
    logins: list[DemoLogin] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def cn_number(n: int) -> str:
    """1 → 一, 12 → 十二, 20 → 二十 (group names up to 99)."""
    tens, ones = divmod(n, 10)
    if n < 10:
        return CN_NUM[n]
    return (CN_NUM[tens] if tens > 1 else "") + "十" + (CN_NUM[ones] if ones else "")


def split_evenly(total: int, weights: Sequence[float]) -> list[int]:
    """Integers proportional to weights that sum exactly to total (largest remainder)."""
    whole = sum(weights)
    raw = [total * w / whole for w in weights]
    out = [int(r) for r in raw]
    by_rest = sorted(range(len(raw)), key=lambda i: (out[i] - raw[i], i))
    for i in by_rest[: total - sum(out)]:
        out[i] += 1
    return out


def partition(rng: random.Random, n: int, parts: int, lo: int = 5, hi: int = 15) -> list[int]:
    """Split n into `parts` sizes summing to n, jittered but kept within [lo, hi] when possible."""
    sizes = split_evenly(n, [1] * parts)
    for _ in range(parts * 3):
        i, j = rng.randrange(parts), rng.randrange(parts)
        k = rng.randint(1, 3)
        if i != j and sizes[i] - k >= lo and sizes[j] + k <= hi:
            sizes[i] -= k
            sizes[j] += k
    return sizes


def _first_gets(sizes: list[int], wanted: int, lo: int = 5, hi: int = 15) -> list[int]:
    """Give the first representative exactly `wanted` households, rebalancing the others."""
    sizes = list(sizes)
    diff = sizes[0] - wanted
    if len(sizes) < 2 or sum(sizes[1:]) + diff < len(sizes) - 1:
        return sizes
    sizes[0] = wanted
    step = 1 if diff > 0 else -1
    j = 1
    while diff:
        if lo <= sizes[j] + step <= hi or all(not lo <= s + step <= hi for s in sizes[1:]):
            sizes[j] += step
            diff -= step
        j = j % (len(sizes) - 1) + 1
    return sizes


def demo_town() -> Place | None:
    return Place.objects.filter(kind=Place.Kind.TOWN, name=TOWN_NAME, is_demo=True).first()


def demo_users() -> models.QuerySet:
    return User.objects.filter(email__endswith="@" + DEMO_EMAIL_DOMAIN)


def system_user() -> User:
    """The superuser the loader acts as (unusable password: nobody logs in as it)."""
    user = User.objects.filter(username=SYSTEM_USERNAME).first()
    if user is None:
        user = account_services.user_create(
            actor=None,
            username=SYSTEM_USERNAME,
            password=secrets.token_urlsafe(24),
            display_name="系统",
            is_superuser=True,
        )
        user.set_unusable_password()
        user.save(update_fields=["password"])
    return user


def demo_logins(town: Place | None = None) -> list[DemoLogin]:
    """The published demo accounts, described from the data (works for an existing demo)."""
    town = town or demo_town()
    rows: list[DemoLogin] = []
    users = {u.username: u for u in demo_users()}
    for username in ("admin", "organizer", "secretary.mingyue"):
        if username in users:
            ra = users[username].role_assignments.select_related("place", "organization").first()
            anchor = (ra.place or ra.organization) if ra else None
            rows.append(
                DemoLogin(username, ra.get_role_display() if ra else "", str(anchor or town or ""))
            )
    for rep in (
        Representative.objects.filter(user__in=users.values())
        .select_related("user", "place")
        .order_by("user__username")
    ):
        rows.append(DemoLogin(rep.user.username, str(Role.REPRESENTATIVE.label), rep.place.name))
    for ins in (
        Instructor.objects.filter(user__in=users.values())
        .select_related("user")
        .prefetch_related("assignments__organization")
        .order_by("user__username")
    ):
        branches = "、".join(a.organization.name for a in ins.assignments.all())
        rows.append(DemoLogin(ins.user.username, str(Role.INSTRUCTOR.label), branches))
    return rows


def _demo_user(username: str, display_name: str) -> User:
    user = account_services.user_create(
        actor=None, username=username, password=PASSWORD, display_name=display_name
    )
    # The e-mail domain marks demo accounts so --reset can find them again.
    user.email = f"{username}@{DEMO_EMAIL_DOMAIN}"
    user.save(update_fields=["email"])
    return user


def _ensure_tags(specs: Sequence[TagSpec]) -> dict[str, Tag]:
    tags: dict[str, Tag] = {}
    for spec in specs:
        tag, _created = Tag.objects.get_or_create(
            name=spec.name, defaults={"sensitive": spec.sensitive}
        )
        tags[spec.name] = tag
    return tags


def _ancestors(actor: User) -> Place:
    """湖南省 → 长沙市 → 长沙县, reusing nodes that already exist."""
    parent: Place | None = None
    for kind, name, code in ANCESTORS:
        siblings = Place.objects.get_children(parent) if parent else Place.objects.get_root_nodes()
        node = siblings.filter(kind=kind, name=name).first()
        if node is None:
            free = not Place.objects.filter(code=code).exists()
            node = grid.place_create(
                actor=actor,
                parent=parent,
                kind=kind,
                name=name,
                code=code if free else None,
                is_demo=True,
            )
        parent = node
    assert parent is not None
    return parent


# --- residents -----------------------------------------------------------------


@dataclass
class _Person:
    relation: str
    gender: str
    birth: dt.date
    name: str


def _family(names: NameGen, size: int, today: dt.date) -> list[_Person]:
    rng = names.rng
    surname = names.surname()
    head_gender = "M" if rng.random() < 0.82 else "F"
    head_birth = names.birth_date(1942, 1992)
    people = [_Person("head", head_gender, head_birth, names.person(head_gender, surname))]
    latest = today - dt.timedelta(days=200)

    def add(relation: str, birth: dt.date, gender: str | None = None, same: bool = True) -> None:
        gender = gender or names.gender()
        people.append(
            _Person(relation, gender, birth, names.person(gender, surname if same else None))
        )

    def shifted(base: dt.date, years_from: int, years_to: int) -> dt.date:
        birth = base + dt.timedelta(days=365 * rng.randint(years_from, years_to))
        return min(birth + dt.timedelta(days=rng.randrange(300)), latest)

    if size >= 2 and rng.random() < 0.9:
        add(
            "spouse",
            shifted(head_birth, -4, 4),
            gender="F" if head_gender == "M" else "M",
            same=False,
        )
    if len(people) < size and head_birth.year >= 1960 and rng.random() < 0.35:
        add("parent", shifted(head_birth, -32, -22), same=rng.random() < 0.5)
    children: list[dt.date] = []
    while len(people) < size:
        child_birth = shifted(head_birth, 22, 34)
        old_enough = child_birth.year < today.year - 24
        if children and old_enough and shifted(children[0], 22, 30) < latest:
            add("grandchild", shifted(children[0], 22, 30))
        elif len(people) == 1 and size > 1 and rng.random() < 0.1:
            add("sibling", shifted(head_birth, -6, 6))
        else:
            children.append(child_birth)
            add("child", child_birth)
    return people


# --- the loader ------------------------------------------------------------------


@transaction.atomic
def load_demo(
    *,
    actor: User | None = None,
    households: int = HOUSEHOLDS,
    seed: int = SEED,
    tags: Sequence[TagSpec] = DEFAULT_TAGS,
    extras: bool = True,
) -> DemoResult:
    """Load the demo town unless it is there already; returns what was loaded.

    `households` below the full 6,896 scales the grid down (quick benchmarks,
    tests); the Party tree keeps its full size.
    """
    existing = demo_town()
    if existing is not None:
        return DemoResult(town=existing, created=False, logins=demo_logins(existing))
    started = time.perf_counter()
    actor = actor or system_user()
    rng = random.Random(seed)
    names = NameGen(rng)
    now = clock.now()
    today = clock.today()
    _ensure_tags(tags)

    county = _ancestors(actor)
    town = grid.place_create(
        actor=actor, parent=county, kind=Place.Kind.TOWN, name=TOWN_NAME, is_demo=True
    )
    counts = split_evenly(households, [v.weight for v in VILLAGES])
    rep_total = max(len(VILLAGES), round(households * REPRESENTATIVES / HOUSEHOLDS))
    rep_counts = [max(1, c) for c in split_evenly(rep_total, counts)]

    # Accounts first: representatives and instructors are created with their user.
    admin = _demo_user("admin", "路口镇管理员")
    organizer = _demo_user("organizer", "镇党委组织委员")
    secretary = _demo_user("secretary.mingyue", "明月村党总支书记")
    rep_users = {
        0: _demo_user("rep.0001", "明月村代表"),
        1: _demo_user("rep.0002", "上杉市村代表"),
        2: _demo_user("rep.0003", "麻林社区代表"),
    }

    rows: list[grid.HouseholdRow] = []
    villages: list[Place] = []
    special_codes: list[str] = []  # rep.0001's households, given a fixed visit pattern
    for vi, (spec, n_households, n_reps) in enumerate(
        zip(VILLAGES, counts, rep_counts, strict=True)
    ):
        village = grid.place_create(
            actor=actor, parent=town, kind=spec.kind, name=spec.name, is_demo=True
        )
        villages.append(village)
        groups = [
            grid.place_create(
                actor=actor,
                parent=village,
                kind=Place.Kind.GROUP,
                name=(
                    f"第{cn_number(g + 1)}居民小组"
                    if spec.kind == Place.Kind.COMMUNITY
                    else f"{cn_number(g + 1)}组"
                ),
                is_demo=True,
            )
            for g in range(spec.groups)
        ]
        sizes = partition(rng, n_households, n_reps)
        if vi == 0:
            sizes = _first_gets(sizes, 11)
        reps: list[Representative] = []
        rep_phones: dict[int, str] = {}
        for ri in range(n_reps):
            gender = "M" if rng.random() < 0.6 else "F"
            rep_phone = names.phone()
            rep = grid.representative_create(
                actor=actor,
                village=village,
                name=names.person(gender),
                phone=rep_phone,
                user=rep_users.get(vi) if ri == 0 else None,
                is_demo=True,
            )
            rep_phones[rep.pk] = rep_phone
            reps.append(rep)
        rep_of = [rep for rep, size in zip(reps, sizes, strict=True) for _ in range(size)]
        group_sizes = split_evenly(n_households, [rng.uniform(0.7, 1.3) for _ in groups])
        number = 0
        for gi, (group, group_size) in enumerate(zip(groups, group_sizes, strict=True)):
            for k in range(group_size):
                rep = rep_of[number]
                number += 1
                code = f"{vi + 1:02d}{gi + 1:02d}{k + 1:03d}"
                size = rng.choices((2, 3, 4, 5), weights=(28, 30, 25, 17))[0]
                family = _family(names, size, today)
                residents = []
                for p in family:
                    has_id = rng.random() < 0.7
                    adult = p.birth.year <= today.year - 18
                    residents.append(
                        grid.ResidentRow(
                            name=p.name,
                            relation=p.relation,
                            id_number=names.id_number(p.birth, p.gender) if has_id else "",
                            phone=names.phone() if adult and rng.random() < 0.4 else "",
                        )
                    )
                phone = names.phone() if rng.random() < 0.9 else ""
                if phone:
                    residents[0].phone = phone
                rows.append(
                    grid.HouseholdRow(
                        group=group,
                        code=code,
                        head_name=family[0].name,
                        phone=phone,
                        address=f"{spec.name}{group.name}{k + 1}号",
                        size=len(residents),
                        tags=_tags_for(rng, family, tags, today),
                        rep_name=rep.name,
                        rep_phone=rep_phones[rep.pk],
                        residents=residents,
                    )
                )
                if vi == 0 and rep is reps[0]:
                    special_codes.append(code)
    summary = grid.households_bulk_create(actor=actor, town=town, rows=rows, is_demo=True)
    visits = _visits(rng=rng, town=town, villages=villages, special_codes=special_codes, now=now)

    committee, party_counts = _party(
        actor=actor,
        rng=rng,
        names=names,
        town=town,
        villages=villages,
        today=today,
        organizer=organizer,
    )
    account_services.role_grant(actor=actor, user=admin, role=Role.TOWN_ADMIN, place=town)
    _back_office_permissions(admin)
    account_services.role_grant(
        actor=actor, user=organizer, role=Role.ORG_OFFICER, organization=committee
    )
    account_services.role_grant(actor=actor, user=secretary, role=Role.SECRETARY, place=villages[0])

    result = DemoResult(town=town, created=True)
    result.counts = {
        "households": summary.households,
        "residents": summary.residents,
        "representatives": sum(rep_counts),
        "links": summary.links,
        "visits": visits,
        **party_counts,
    }
    result.warnings.extend(_extras(actor=actor, town=town, now=now, seed=seed, cases=extras))
    result.seconds = time.perf_counter() - started
    audit.record(actor=actor, action="demo.loaded", obj=town, data=result.counts)
    result.logins = demo_logins(town)
    return result


def _tags_for(
    rng: random.Random, family: list[_Person], specs: Sequence[TagSpec], today: dt.date
) -> list[str]:
    head = family[0]
    elderly = head.birth.year <= today.year - 70 and len(family) <= 2
    child = any(
        p.relation in ("child", "grandchild") and p.birth.year > today.year - 16 for p in family
    )
    eligible = {"": True, "elderly": elderly, "child": child}
    return [s.name for s in specs if eligible.get(s.rule, False) and rng.random() < s.share]


def _visits(
    *,
    rng: random.Random,
    town: Place,
    villages: list[Place],
    special_codes: list[str],
    now: dt.datetime,
) -> int:
    """Visits over the last 90 days, bulk-inserted; coverage differs by village.

    rep.0001's households get a fixed mix so their page shows green, amber and red.
    """
    coverage = {v.path: rng.uniform(0.45, 0.95) for v in villages}
    coverage[villages[0].path] = 0.8
    special = {code: i for i, code in enumerate(special_codes)}
    # Index of rep.0001's household → days since last visit (None = never visited).
    pattern: list[int | None] = [2, 5, 9, 14, 21, 27, 35, 48, 75, None, None]
    modes = (Visit.Mode.DOOR, Visit.Mode.PHONE, Visit.Mode.WECHAT)
    visits: list[Visit] = []
    for h in Household.objects.filter(town=town).only(
        "pk", "code", "place_path", "representative_id", "town_id"
    ):
        if h.code in special:
            i = special[h.code]
            last_days: int | None = pattern[i] if i < len(pattern) else 40
        else:
            roll = rng.random()
            if roll < coverage[h.place_path[: -Place.steplen]]:
                last_days = rng.randrange(30)
            elif rng.random() < 0.6:
                last_days = rng.randint(31, 89)
            else:
                last_days = None
        if last_days is None:
            continue
        days = [last_days] + [
            rng.randint(last_days + 1, 90) for _ in range(rng.randint(0, 2)) if last_days < 89
        ]
        for d in days:
            at = now - dt.timedelta(days=d, minutes=rng.randrange(8 * 60))
            at = min(at, now)
            visits.append(
                Visit(
                    representative_id=h.representative_id,
                    household_id=h.pk,
                    town_id=h.town_id,
                    place_path=h.place_path,
                    visited_at=at,
                    mode=rng.choices(modes, weights=(60, 25, 15))[0],
                    notes=rng.choice(VISIT_NOTES),
                    server_time=at,
                    is_demo=True,
                )
            )
    Visit.objects.bulk_create(visits, batch_size=2000)
    # One UPDATE from the visits table instead of a CASE per household.
    latest_visit = (
        Visit.objects.filter(household=OuterRef("pk"))
        .order_by("-visited_at")
        .values("visited_at")[:1]
    )
    Household.objects.filter(town=town).update(last_visit_at=Subquery(latest_visit))
    return len(visits)


def _party(
    *,
    actor: User,
    rng: random.Random,
    names: NameGen,
    town: Place,
    villages: list[Place],
    today: dt.date,
    organizer: User,
) -> tuple[Organization, dict[str, int]]:
    """Committee → general branches → 56 branches → groups; members; instructors."""
    OT = Organization.OrgType
    K = Organization.Kind

    def org(
        parent: Organization | None, kind: str, name: str, org_type: str, place: Place | None
    ) -> Organization:
        return party.organization_create(
            actor=actor,
            parent=parent,
            kind=kind,
            name=name,
            org_type=org_type,
            place=place,
            is_demo=True,
        )

    committee = org(None, K.COMMITTEE, f"中共{TOWN_NAME}委员会", OT.VILLAGE, town)
    branches: list[Organization] = []
    for village in villages:
        n = GENERAL_BRANCH_SIZES.get(village.name, 0)
        if n:
            general = org(committee, K.GENERAL_BRANCH, f"{village.name}党总支", OT.VILLAGE, village)
            for i in range(n):
                branches.append(
                    org(
                        general,
                        K.BRANCH,
                        f"{village.name}第{cn_number(i + 1)}党支部",
                        OT.VILLAGE,
                        village,
                    )
                )
        else:
            branches.append(org(committee, K.BRANCH, f"{village.name}党支部", OT.VILLAGE, village))
    two_new_general = org(committee, K.GENERAL_BRANCH, TWO_NEW_GENERAL, OT.TWO_NEW, town)
    for name, grouped in TWO_NEW:
        parent = two_new_general if grouped else committee
        branches.append(org(parent, K.BRANCH, f"{name}党支部", OT.TWO_NEW, town))
    generals = {
        key: org(committee, K.GENERAL_BRANCH, name, OT.INSTITUTION, town)
        for key, name in INSTITUTION_GENERALS.items()
    }
    for name, key in INSTITUTIONS:
        parent = generals[key] if key else committee
        branches.append(org(parent, K.BRANCH, f"{name}党支部", OT.INSTITUTION, town))

    members = 0
    groups = 0
    for branch in branches:
        lo, hi = MEMBERS_PER_BRANCH[branch.org_type]
        size = rng.randint(lo, hi)
        units = [branch]
        if size >= 30:
            # Larger village branches split into Party groups (党小组).
            for g in range(rng.randint(2, 3)):
                units.append(
                    org(
                        branch,
                        K.GROUP,
                        f"第{cn_number(g + 1)}党小组",
                        branch.org_type,
                        branch.place,
                    )
                )
                groups += 1
        posts = ["secretary", "deputy_secretary", "organizer", "propaganda", "discipline"]
        posts = posts[: 5 if size >= 15 else 3]
        leaders = dict.fromkeys(units[1:], False)
        for i in range(size):
            unit = branch if i < len(posts) else units[i % len(units)]
            post = posts[i] if i < len(posts) else ""
            if unit is not branch and not leaders[unit]:
                post, leaders[unit] = "group_leader", True
            gender = "M" if rng.random() < 0.7 else "F"
            probationary = rng.random() < 0.05 and not post
            joined = (
                today - dt.timedelta(days=rng.randint(30, 360))
                if probationary
                else names.birth_date(1975, today.year - 2)
            )
            born = names.birth_date(1945, min(joined.year - 18, 2000))
            party.member_create(
                actor=actor,
                organization=unit,
                name=names.person(gender),
                status=Member.Status.PROBATIONARY if probationary else Member.Status.FULL,
                joined_on=joined,
                post=post,
                gender=gender,
                phone=names.phone(),
                id_number=names.id_number(born, gender) if rng.random() < 0.6 else "",
                is_demo=True,
            )
            members += 1

    # Instructors: one branch each, the first ones take a second so every branch is covered.
    instructor_users = {
        0: _demo_user("instructor.01", "党建指导员一"),
        1: _demo_user("instructor.02", "党建指导员二"),
        2: _demo_user("instructor.03", "党建指导员三"),
    }
    order = [branches[0]] + rng.sample(branches[1:], len(branches) - 1)
    instructors: list[Instructor] = []
    assignments = 0
    since = today - dt.timedelta(days=200)
    for i in range(INSTRUCTORS):
        gender = "M" if rng.random() < 0.6 else "F"
        instructors.append(
            party.instructor_create(
                actor=actor,
                name=names.person(gender),
                title=rng.choice(INSTRUCTOR_TITLES),
                phone=names.phone(),
                user=instructor_users.get(i),
                town=town,
                is_demo=True,
            )
        )
    assigned: dict[int, list[Organization]] = {i: [] for i in range(INSTRUCTORS)}
    for j, branch in enumerate(order):
        assigned[j % INSTRUCTORS].append(branch)
    for i, instructor in enumerate(instructors):
        for branch in assigned[i]:
            party.instructor_assign(
                actor=actor, instructor=instructor, organization=branch, on=since
            )
            assignments += 1
    village_branches = [b for b in branches if b.org_type == OT.VILLAGE]
    for k, (title, n) in enumerate(LEADERS):
        leader = party.instructor_create(
            actor=actor,
            name=names.person("M" if rng.random() < 0.7 else "F"),
            kind=Instructor.Kind.LEADER,
            title=title,
            phone=names.phone(),
            town=town,
            is_demo=True,
        )
        for branch in village_branches[k * 3 : k * 3 + n]:
            party.instructor_assign(actor=actor, instructor=leader, organization=branch, on=since)

    guidance = 0
    for i, instructor in enumerate(instructors):
        for _ in range(1 if i % 3 else 2):
            party.guidance_visit_log(
                actor=actor,
                organization=rng.choice(assigned[i]),
                topic=rng.choice(GUIDANCE_TOPICS),
                notes="",
                visited_on=today - dt.timedelta(days=rng.randrange(90)),
                instructor=instructor,
                is_demo=True,
            )
            guidance += 1
    return committee, {
        "branches": len(branches),
        "party_groups": groups,
        "members": members,
        "instructors": len(instructors),
        "leaders": len(LEADERS),
        "assignments": assignments,
        "guidance_visits": guidance,
    }


def _back_office_permissions(user: User) -> None:
    """Model permissions for the Django admin, without the accounts app.

    The town administrator edits data in the back office but cannot hand out
    superuser rights there: accounts (users, roles) stay view-only.
    """
    perms = Permission.objects.filter(content_type__app_label__in=_project_labels()).exclude(
        content_type__app_label="accounts", codename__regex=r"^(add|change|delete)_"
    )
    user.user_permissions.add(*perms)


def _project_labels() -> list[str]:
    return [c.label for c in apps.get_app_configs() if c.name.startswith("grassroots.")]


def _extras(*, actor: User, town: Place, now: dt.datetime, seed: int, cases: bool) -> list[str]:
    """Demo data of other apps (cases…) and the dashboards' prepared figures.

    A generator that fails is reported, not fatal: the grid and Party demo still loads.
    """
    warnings: list[str] = []
    try:
        from grassroots.cases.demo import load_demo_cases
    except ImportError:
        load_demo_cases = None
    if not cases:
        load_demo_cases = None
    if load_demo_cases is not None:
        try:
            with transaction.atomic():
                load_demo_cases(actor=actor, town=town, now=now, seed=seed)
        except Exception as exc:  # any failure of another app's generator
            log.exception("cases demo generator failed")
            warnings.append(f"cases: {exc}")
    try:
        from grassroots.analytics.services import rebuild
    except ImportError:
        return warnings
    # Visits were bulk-inserted without the per-visit hooks: recompute the prepared figures.
    try:
        with transaction.atomic():
            rebuild(actor=actor, now=now)
    except Exception as exc:
        log.exception("analytics rebuild failed")
        warnings.append(f"analytics: {exc}")
    return warnings


# --- reset -------------------------------------------------------------------------


@transaction.atomic
def reset_demo(*, actor: User | None = None) -> dict[str, int]:
    """Delete the demo town with everything under it and the demo accounts."""
    town = demo_town()
    deleted: dict[str, int] = {}

    def note(label: str, result: tuple[int, dict[str, int]]) -> None:
        for key, n in result[1].items():
            deleted[key] = deleted.get(key, 0) + n

    if town is not None:
        _delete_other_apps(town, note)
        committee = Organization.objects.filter(town=town, depth=1, is_demo=True).first()
        org_prefix = committee.path if committee else None
        if org_prefix:
            orgs = Organization.objects.filter(path__startswith=org_prefix)
            note("gv", GuidanceVisit.objects.filter(organization__in=orgs).delete())
            note("ga", GuidanceAssignment.objects.filter(organization__in=orgs).delete())
            note("m", Member.objects.filter(org_path__startswith=org_prefix).delete())
        note("ga", GuidanceAssignment.objects.filter(instructor__town=town).delete())
        note("gv", GuidanceVisit.objects.filter(instructor__town=town).delete())
        note("i", Instructor.objects.filter(town=town, is_demo=True).delete())
        if committee is not None:
            note("o", Organization.objects.filter(path__startswith=org_prefix).delete())
        note("v", Visit.objects.filter(town=town).delete())
        note("l", RepresentativeLink.objects.filter(household__town=town).delete())
        note("r", Resident.objects.filter(town=town).delete())
        note("h", Household.objects.filter(town=town).delete())
        note("rep", Representative.objects.filter(town=town).delete())
        note("p", Place.objects.filter(path__startswith=town.path).delete())
        # Ancestors the loader created go too, unless real towns now hang under them.
        for kind, name, _code in reversed(ANCESTORS):
            node = Place.objects.filter(kind=kind, name=name, is_demo=True).first()
            if node is not None and not Place.objects.get_children(node).exists():
                note("p", Place.objects.filter(pk=node.pk).delete())
    users = list(demo_users())
    if users:
        note("u", demo_users().delete())
    audit.record(
        actor=actor,
        action="demo.reset",
        object_type="demo.town",
        object_id=TOWN_NAME,
        data={"deleted": deleted, "users": [u.username for u in users]},
    )
    return deleted


def _delete_other_apps(town: Place, note: Any) -> None:
    """Demo rows of the other apps (cases, notify…) that reference the town's data.

    Their models are not known here; every project model with an `is_demo` flag
    outside grid/party is cleared for this town, in as many passes as protected
    foreign keys need.
    """
    pending = [
        m
        for m in apps.get_models()
        if m._meta.app_label not in ("grid", "party", "accounts", "core")
        and m._meta.app_config.name.startswith("grassroots.")
        and any(f.name == "is_demo" for f in m._meta.get_fields())
    ]
    for _ in range(len(pending) + 1):
        blocked = []
        for model in pending:
            qs = model._default_manager.filter(is_demo=True)
            if any(f.name == "town" for f in model._meta.get_fields()):
                qs = qs.filter(town=town)
            try:
                with transaction.atomic():
                    note(model._meta.label, qs.delete())
            except (ProtectedError, RestrictedError):
                blocked.append(model)
        if not blocked:
            return
        pending = blocked
