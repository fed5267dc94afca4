"""Where a figure's records are listed, for the person looking at it.

UI.md: every figure traces back to the list it counts, and every link works for the person
who sees it. `href(scope, name, ...)` answers the URL only when the reader may open that page
(the same predicate the page itself checks, or the navigation's for pages in the navigation);
otherwise "" and the tile shows its figure without a link.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.urls import reverse
from django.utils.http import urlencode

from grassroots.cases import rules as case_rules
from grassroots.core import nav
from grassroots.core.roles import Cap
from grassroots.core.scoping import Scope
from grassroots.duties import rules as duty_rules
from grassroots.trainings import rules as training_rules

# Pages outside the navigation, with the check their view makes.
GUARDS: dict[str, Callable[[Scope], bool]] = {
    "grid:place": lambda scope: scope.can(Cap.VIEW_GRID),
    "party:org": lambda scope: scope.can(Cap.VIEW_PARTY),
    "cases:measures": case_rules.reads_measures,
    "duties:board": duty_rules.sees_board,
    "duties:branch": duty_rules.sees_board,
    "trainings:hours": training_rules.sees_trainings,
}


def can_open(scope: Scope, url_name: str) -> bool:
    guard = GUARDS.get(url_name)
    if guard is not None:
        return bool(guard(scope))
    for item in nav.registered():
        if item.url_name == url_name and not item.public and not item.staff:
            return bool(item.visible(scope))
    return False


def href(scope: Scope, url_name: str, *args: Any, **query: Any) -> str:
    """The page's URL (with its filter) if the reader may open it, else ""."""
    if not can_open(scope, url_name):
        return ""
    url = reverse(url_name, args=args)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return f"{url}?{urlencode(query)}" if query else url
