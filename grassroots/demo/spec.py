"""The demo town's shape: sizes, villages, tags, Party units, and the helpers that share them out.

Pure data and arithmetic (no writes); the loader modules build the town from it.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from grassroots.grid.models import Place
from grassroots.party.models import Organization

SEED = 20230101

HOUSEHOLDS = 6896
REPRESENTATIVES = 605
TOWN_NAME = "路口镇"
# Division codes (GB/T 2260 + the statistics bureau's town and village digits):
# county 430121, town 110, then 0xx for communities and 2xx for villages. Real-looking,
# not official; Open311 clients give the town's as jurisdiction_id (docs/OPEN311.md).
TOWN_CODE = "430121110000"
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


def village_code(index: int) -> str:
    """The division code of VILLAGES[index]: communities 001…, villages 201… in order."""
    spec = VILLAGES[index]
    same = [
        v
        for v in VILLAGES[: index + 1]
        if (v.kind == Place.Kind.COMMUNITY) == (spec.kind == Place.Kind.COMMUNITY)
    ]
    base = 0 if spec.kind == Place.Kind.COMMUNITY else 200
    return f"{TOWN_CODE[:9]}{base + len(same):03d}"


# The villages' pinyin, for the secretaries' logins (secretary.<pinyin>).
VILLAGE_SLUGS = {
    "明月村": "mingyue",
    "上杉市村": "shangshanshi",
    "麻林社区": "malin",
    "路口社区": "lukou",
    "花果村": "huaguo",
    "新桥村": "xinqiao",
    "石塘村": "shitang",
    "龙泉村": "longquan",
    "荷叶村": "heye",
    "白沙村": "baisha",
    "松林村": "songlin",
    "枫树村": "fengshu",
}
# The town's case-handling units: (login suffix, display name) → handler.<suffix>.
HANDLER_UNITS = (("water", "镇水务站"), ("build", "镇城建办"), ("civil", "镇民政办"))


@dataclass(frozen=True)
class TagSpec:
    name: str
    share: float  # of the eligible households
    sensitive: bool = False
    rule: str = ""  # "elderly" | "child" | "" (any household)
    name_en: str = ""  # shown on English pages


DEFAULT_TAGS: tuple[TagSpec, ...] = (
    TagSpec("独居老人", 0.35, rule="elderly", name_en="Elderly living alone"),
    TagSpec("留守儿童", 0.25, rule="child", name_en="Left-behind children"),
    TagSpec("退役军人", 0.03, name_en="Veteran"),
    TagSpec("低保户", 0.04, sensitive=True, name_en="Subsistence allowance"),
    TagSpec("残疾人", 0.03, sensitive=True, name_en="Disability"),
    TagSpec("脱贫户", 0.06, name_en="Lifted out of poverty"),
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


def first_gets(sizes: list[int], wanted: int, lo: int = 5, hi: int = 15) -> list[int]:
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
