"""Demo branch-site construction (issue #12): one project per branch of the demo town.

Every project is past design (survey, siting and design done in the months before `now`);
most are under construction (design reached, construction not yet done), some have finished
construction and wait for acceptance, some passed acceptance, a few are in use. Three are
demonstration sites tied to development projects (the demonstration farm area, the 麻林老街
old-street renovation, a rural-tourism belt). All are due the next 31 May; each carries the
standard acceptance checklist; 30+ guidance visits are logged through party's service by
the branches' instructors and linked. Everything goes through `sites.services`;
deterministic for a seed, and nothing is made twice.
"""

from __future__ import annotations

import datetime as dt
import random
from typing import Any

from grassroots.core import clock
from grassroots.grid.models import Place
from grassroots.party.models import GuidanceAssignment, Organization
from grassroots.sites import services
from grassroots.sites.models import STAGES, CheckItem, Project, Stage

CHECKLIST = [
    "场所使用面积达标，功能分区合理",
    "党旗、党徽、入党誓词规范上墙",
    "“一厅一室一站”功能齐全",
    "组织架构、制度职责、办事流程公开上墙",
    "党员活动室配齐学习资料和电教设备",
    "便民服务窗口和值班制度落实",
    "消防安全和无障碍设施验收合格",
    "标识标牌统一规范",
]
DEMONSTRATIONS = [
    ("麻林", "麻林老街改造提升工程"),
    ("明月", "稻虾共养示范片区（200亩）"),
    ("花果", "花果山乡村旅游示范带"),
]
# Last stage reached → how many projects (56 in all, in this order after the demonstrations).
SPREAD = [(Stage.IN_USE, 4), (Stage.ACCEPTANCE, 6), (Stage.BUILD, 8)]
GAPS = {  # days from the previous stage, (low, high)
    Stage.SITING: (15, 30),
    Stage.DESIGN: (20, 35),
    Stage.BUILD: (50, 75),
    Stage.ACCEPTANCE: (5, 15),
    Stage.IN_USE: (3, 10),
}
TOPICS = [
    "指导阵地选址和功能布局",
    "督促建设进度和质量",
    "对照验收清单查漏补缺",
    "指导“一厅一室一站”功能设置",
    "协调解决建设资金缺口",
    "指导制度上墙和标识设置",
]


def _stage_target(index: int, demonstration: bool) -> str:
    if demonstration:
        return Stage.IN_USE if index < 2 else Stage.ACCEPTANCE
    for stage, n in SPREAD:
        if index < n:
            return stage
        index -= n
    return Stage.DESIGN


def _dates(rng: random.Random, today: dt.date, upto: str) -> dict[str, dt.date]:
    """Actual dates of the stages up to `upto`, in order, all on or before today."""
    wanted = STAGES[: STAGES.index(upto) + 1]
    gaps = [rng.randint(*GAPS[s]) if s in GAPS else 0 for s in wanted]
    end = today - dt.timedelta(days=rng.randint(1, 12))
    start = end - dt.timedelta(days=sum(gaps))
    found, day = {}, start
    for stage, gap in zip(wanted, gaps, strict=True):
        day += dt.timedelta(days=gap)
        found[stage] = day
    return found


def _planned(
    rng: random.Random, done: dict[str, dt.date], today: dt.date, deadline: dt.date
) -> dict[str, dt.date]:
    """Planned dates: a little before the actual ones; ahead, spread up to the deadline
    (a few construction plans already missed, so the board shows red)."""
    planned: dict[str, dt.date] = {}
    last = dt.date.min
    for stage, day in done.items():
        planned[stage] = last = max(day - dt.timedelta(days=rng.randint(0, 7)), last)
    ahead = [s for s in STAGES if s not in done]
    for n, stage in enumerate(ahead, start=1):
        share = n / len(ahead)
        when = today + dt.timedelta(days=int((deadline - today).days * share))
        if stage == Stage.BUILD and rng.random() < 0.15:
            when = today - dt.timedelta(days=rng.randint(3, 20))
        planned[stage] = last = max(when, last)
    return planned


def _instructors(branches: list[Organization]) -> tuple[dict[int, Any], list[Any]]:
    """Each branch's instructor, and every instructor of the town (for branches without one)."""
    rows = GuidanceAssignment.objects.filter(
        organization__in=branches, ended_on__isnull=True
    ).select_related("instructor")
    by_branch = {row.organization_id: row.instructor for row in rows}
    return by_branch, sorted(set(by_branch.values()), key=lambda i: i.pk)


def _project(
    actor: Any, branch: Organization, index: int, demo: tuple[str, str] | None, ctx: dict[str, Any]
) -> Project:
    rng, today, deadline = ctx["rng"], ctx["today"], ctx["deadline"]
    target = _stage_target(index, demo is not None)
    done = _dates(rng, today, target)
    village = branch.name.removesuffix("党支部").removesuffix("党总支")
    project = services.project_create(
        actor=actor,
        branch=branch,
        name=f"{village}党群服务中心",
        address=f"{village}村部",
        area_m2=rng.choice([200, 260, 300, 350, 420]) if demo is None else 600,
        deadline=deadline,
        is_demonstration=demo is not None,
        linked_projects=demo[1] if demo else "",
        planned=_planned(rng, done, today, deadline),
        checklist=CHECKLIST,
        is_demo=True,
    )
    for stage, on in done.items():
        if stage == Stage.IN_USE:
            for item in CheckItem.objects.filter(project=project):
                services.check_set(actor=actor, item=item, done=True)
        services.stage_reach(actor=actor, project=project, stage=stage, on=on)
    if target == Stage.ACCEPTANCE:
        for item in CheckItem.objects.filter(project=project).order_by("position")[:5]:
            services.check_set(actor=actor, item=item, done=True)
    project.first_day = done[Stage.SURVEY]  # type: ignore[attr-defined]
    return project


def load_demo_sites(*, actor: Any, town: Place, now: dt.datetime, seed: int) -> dict[str, int]:
    """The site projects of `town`'s branches; counts by what was made (nothing the second time)."""
    if Project.objects.filter(town=town, is_demo=True).exists():
        return {"projects": 0, "visits": 0}
    today = min(now.date(), clock.today())
    ctx = {
        "rng": random.Random(seed * 104729 + 12),
        "today": today,
        "deadline": services.default_deadline(today),
    }
    branches = list(
        Organization.objects.filter(town=town, kind=Organization.Kind.BRANCH).order_by("path")
    )
    demos: dict[int, tuple[str, str]] = {}
    for word, linked in DEMONSTRATIONS:
        found = next((b for b in branches if word in b.name and b.pk not in demos), None)
        found = found or next((b for b in branches if b.pk not in demos), None)
        if found is not None:
            demos[found.pk] = (word, linked)
    projects, index, shown = [], 0, 0
    for branch in branches:
        demo = demos.get(branch.pk)
        if demo is not None:
            projects.append(_project(actor, branch, shown, demo, ctx))
            shown += 1
        else:
            projects.append(_project(actor, branch, index, None, ctx))
            index += 1
    visits = _visits(actor, projects, _instructors(branches), ctx)
    return {"projects": len(projects), "visits": visits}


def _visits(
    actor: Any,
    projects: list[Project],
    instructors: tuple[dict[int, Any], list[Any]],
    ctx: dict[str, Any],
) -> int:
    rng, today, made = ctx["rng"], ctx["today"], 0
    by_branch, everyone = instructors
    for project in projects:
        instructor = by_branch.get(project.branch_id) or (
            rng.choice(everyone) if everyone else None
        )
        if instructor is None:
            continue
        first_day: dt.date = project.first_day  # type: ignore[attr-defined]
        for _ in range(2 if project.is_demonstration else rng.choice([0, 1, 1])):
            span = max((today - first_day).days, 1)
            services.visit_log(
                actor=actor,
                project=project,
                topic=rng.choice(TOPICS),
                visited_on=first_day + dt.timedelta(days=rng.randint(0, span)),
                instructor=instructor,
                is_demo=True,
            )
            made += 1
    return made
