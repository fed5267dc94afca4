"""Screenshots of the main pages on a phone (390×844) and a desktop (1366×768), issue #10.

`make screenshots` (GRASSROOTS_SCREENSHOTS=1) writes them to docs/screenshots/ as
<name>-phone.png and <name>-desktop.png, where the README links them; otherwise they go
to a temporary directory, so the suite still exercises every page without touching the
repository. A phone shot is the top of the page, at most two screens tall; a desktop shot
is the first screen.
"""

from __future__ import annotations

import io
import os
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from django.urls import reverse
from PIL import Image

from grassroots.browser_testing import DESKTOP, PHONE, VIEWPORTS, new_context
from grassroots.cases.models import OPEN_STATUSES, Case, Status
from grassroots.core import clock
from grassroots.core.tests.browser.conftest import UiTown
from grassroots.grid import selectors as grid_selectors
from grassroots.portal.models import Article
from grassroots.trainings.models import Kind, Programme

pytestmark = [pytest.mark.browser, pytest.mark.once, pytest.mark.django_db(transaction=True)]

REPO = Path(__file__).resolve().parents[4]
PHONE_SCREENS = 2  # a phone shot is at most this many screens tall


@dataclass(frozen=True)
class Shot:
    name: str
    persona: str  # a persona label prefix (conftest.UiTown.persona); "anonymous" for none
    url: Callable[[UiTown], str]


def _case_for(town: UiTown, persona: str, *statuses: str) -> Case:
    user = town.persona(persona).user
    cases = Case.objects.visible_to(user).order_by("pk")  # type: ignore[attr-defined]
    return cases.filter(status__in=statuses).first() or cases.first()


def _rep_household(town: UiTown) -> int:
    return grid_selectors.my_households(town.persona("representative").user)[0].pk


def _winter_spring() -> Programme:
    """The demo's current winter–spring training (the newest members' training)."""
    return Programme.objects.filter(kind=Kind.MEMBER_TRAINING).order_by("-starts_on").first()


def _venue_screen() -> str:
    """The main venue's screen for the training's next (or latest) offline session."""
    programme = _winter_spring()
    main = programme.venues.get(is_main=True)
    sessions = main.sessions.order_by("starts_at")
    session = sessions.filter(starts_at__gte=clock.now()).first() or sessions.last()
    return reverse("trainings:venue_screen", args=[session.pk, main.pk])


def _portal_article() -> str:
    article = Article.objects.filter(status=Article.Status.PUBLISHED).order_by("-published_at")
    return reverse("portal:article", args=[article.first().pk])  # type: ignore[union-attr]


SHOTS: tuple[Shot, ...] = (
    Shot("login", "anonymous", lambda t: reverse("accounts:login")),
    Shot("home-town-admin", "town administrator", lambda t: reverse("home:home")),
    Shot("home-secretary", "secretary", lambda t: reverse("home:home")),
    Shot("home-representative", "representative", lambda t: reverse("home:home")),
    Shot("home-organisation-officer", "organisation officer", lambda t: reverse("home:home")),
    Shot("home-instructor", "instructor", lambda t: reverse("home:home")),
    Shot("home-handler", "handler", lambda t: reverse("home:home")),
    Shot("my-households", "representative", lambda t: reverse("grid:mine")),
    Shot(
        "household",
        "representative",
        lambda t: reverse("grid:household", args=[_rep_household(t)]),
    ),
    Shot(
        "visit-form",
        "representative",
        lambda t: reverse("grid:visit_new", args=[_rep_household(t)]),
    ),
    Shot(
        "case-intake",
        "representative",
        lambda t: reverse("cases:intake") + f"?household={_rep_household(t)}",
    ),
    Shot("inbox", "secretary", lambda t: reverse("cases:inbox")),
    Shot(
        "case",
        "secretary",
        lambda t: reverse("cases:detail", args=[_case_for(t, "secretary", *OPEN_STATUSES).pk]),
    ),
    Shot("supervision-board", "town administrator", lambda t: reverse("cases:board")),
    Shot("measures", "town administrator", lambda t: reverse("cases:measures")),
    Shot("party-tree", "organisation officer", lambda t: reverse("party:tree")),
    Shot("import-export", "town administrator", lambda t: reverse("exchange:index")),
    Shot("notices", "secretary", lambda t: reverse("notify:inbox")),
    Shot("report", "anonymous", lambda t: reverse("cases:report")),
    Shot(
        "track",
        "anonymous",
        lambda t: reverse(
            "cases:track", args=[_case_for(t, "town administrator", Status.CLOSED).code]
        ),
    ),
    Shot("public-board", "anonymous", lambda t: reverse("cases:public_index")),
    Shot("duties-week", "secretary", lambda t: reverse("duties:week")),
    Shot("duty-board", "organisation officer", lambda t: reverse("duties:board")),
    Shot("rectification-ledger", "inspector", lambda t: reverse("rectify:ledger")),
    Shot("meetings", "secretary", lambda t: reverse("orglife:list")),
    Shot("site-board", "organisation officer", lambda t: reverse("sites:board")),
    Shot(
        "training",
        "organisation officer",
        lambda t: reverse("trainings:programme", args=[_winter_spring().pk]),
    ),
    Shot("training-hours", "secretary", lambda t: reverse("trainings:hours")),
    Shot("venue-screen", "town administrator", lambda t: _venue_screen()),
    Shot("cockpit", "town administrator", lambda t: reverse("dashboards:cockpit")),
    Shot("reports", "town administrator", lambda t: reverse("reports:list")),
    Shot("portal", "anonymous", lambda t: reverse("portal:home")),
    Shot("portal-article", "anonymous", lambda t: _portal_article()),
)


TITLES = {
    "cockpit": "The town's cockpit: figures, charts and drill-down (town administrator)",
    "reports": "Monthly and quarterly reports (town administrator)",
    "portal": "The public portal's home",
    "portal-article": "A portal article (专题资料库 > 正文)",
    "site-board": "Branch sites by stage (organisation officer)",
    "training": "The winter–spring training, attendance by village (organisation officer)",
    "training-hours": "Study hours and who is behind (secretary)",
    "venue-screen": "A venue's check-in screen (the code changes every 30 s)",
    "duties-week": "This week's duties (secretary)",
    "duty-board": "Duty board (organisation officer)",
    "rectification-ledger": "Rectification ledger (inspector)",
    "meetings": "Organisational life (secretary)",
    "login": "Log in",
    "home-town-admin": "Home: town administrator",
    "home-secretary": "Home: village secretary",
    "home-representative": "Home: representative",
    "home-organisation-officer": "Home: organisation officer",
    "home-instructor": "Home: Party-building instructor",
    "home-handler": "Home: case handler",
    "my-households": "My households (representative)",
    "household": "Household",
    "visit-form": "Log a visit",
    "case-intake": "Report a need",
    "inbox": "Case inbox (secretary)",
    "case": "Case with its actions (secretary)",
    "supervision-board": "Supervision board",
    "measures": "Measures",
    "party-tree": "Party tree",
    "import-export": "Import / export",
    "notices": "Notices",
    "report": "Resident: report a problem",
    "track": "Resident: track a case",
    "public-board": "Public progress board",
}
INDEX_HEAD = """# Screenshots

Generated by the browser suite (`make screenshots`, grassroots/core/tests/browser/test_screenshots.py)
on the demo town: a phone at 390×844 (the top two screens) and a desktop at 1366×768 (the first screen).
Do not edit by hand; run `make screenshots` after changing a page.

| Page | Phone | Desktop |
|---|---|---|
"""


def write_index(target: Path) -> None:
    rows = [
        f'| {TITLES[s.name]} | <img src="{s.name}-phone.png" width="195" alt="{TITLES[s.name]}, phone"> '
        f'| <img src="{s.name}-desktop.png" width="480" alt="{TITLES[s.name]}, desktop"> |'
        for s in SHOTS
    ]
    (target / "README.md").write_text(INDEX_HEAD + "\n".join(rows) + "\n", encoding="utf-8")


def shots_dir(tmp_path: Path) -> Path:
    if os.environ.get("GRASSROOTS_SCREENSHOTS") == "1":
        target = REPO / "docs" / "screenshots"
        target.mkdir(parents=True, exist_ok=True)
        return target
    return tmp_path


def test_screenshots_of_the_main_pages(
    ui_town: UiTown, browser: Any, live_server: Any, tmp_path: Path
) -> None:
    target = shots_dir(tmp_path)
    contexts: dict[tuple[str, str], Any] = {}
    problems = []
    try:
        for shot in SHOTS:
            url = live_server.url + shot.url(ui_town)
            for viewport, suffix in ((PHONE, "phone"), (DESKTOP, "desktop")):
                key = (shot.persona, viewport)
                if key not in contexts:
                    user = ui_town.persona(shot.persona).user
                    contexts[key] = new_context(browser, live_server.url, user, viewport)
                page = contexts[key].new_page()
                response = page.goto(url, wait_until="load")
                if response is None or response.status >= 400:
                    problems.append(
                        f"{shot.name} ({shot.persona}): {url} answers "
                        f"{response.status if response else 'nothing'}"
                    )
                take(page, target / f"{shot.name}-{suffix}.png", viewport)
                page.close()
    finally:
        for context in contexts.values():
            context.close()
    assert not problems, "\n".join(problems)
    write_index(target)
    for shot in SHOTS:
        for suffix in ("phone", "desktop"):
            assert (target / f"{shot.name}-{suffix}.png").stat().st_size > 1000


def take(page: Any, path: Path, viewport: str) -> None:
    """The first screen on a desktop; on a phone the page's top, at most PHONE_SCREENS tall;
    saved as a 256-colour PNG."""
    size = VIEWPORTS[viewport]
    page.wait_for_timeout(100)  # messages and htmx swaps settle
    if viewport == DESKTOP:
        png = page.screenshot()
    else:
        # A taller screen rather than a full-page shot: the tab bar stays at the bottom.
        height = page.evaluate("document.documentElement.scrollHeight")
        tall = {"width": size["width"], "height": min(height, size["height"] * PHONE_SCREENS)}
        page.set_viewport_size(tall)
        page.wait_for_timeout(50)
        png = page.screenshot()
        page.set_viewport_size(size)
    # 256 colours, no dithering: a third of the bytes, and text stays sharp.
    image = Image.open(io.BytesIO(png)).convert("RGB")
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
