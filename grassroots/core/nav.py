"""The navigation registry: each app says where its people can go; the shell draws it.

Templates never write navigation. Each app registers its destinations from its
`AppConfig.ready()` (`register(NavItem(...), ...)`); core imports no app. The context
processor `core.context_processors.nav` gives every page `nav.tabs` (the phone's bottom
bar: at most five, "Me" always last) and `nav.groups` (the desktop sidebar, every
destination the user can open, grouped by domain). A destination is shown only when its
`visible(scope)` says the user can open it (UI.md: every link works for who sees it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise

from grassroots.core.glossary import GROUPS
from grassroots.core.scoping import Scope

MAX_TABS = 5


def everyone(scope: Scope) -> bool:
    return True


@dataclass(frozen=True)
class NavItem:
    key: str
    label: str | Promise
    url_name: str
    icon: str = "chevron-right"
    group: str = "main"
    order: int = 100
    # Whether the destination may take a place in the phone's bottom bar: a bool, or a
    # function of the scope (a representative's home is his households, not the home page).
    tab: bool | Callable[[Scope], bool] = False
    visible: Callable[[Scope], bool] = everyone
    # public: shown to anonymous visitors only (resident services); staff: is_staff only.
    public: bool = False
    staff: bool = False
    # "Me" (and the anonymous "Log in") always close the phone bar.
    last: bool = False
    # Paths under the destination that also light it up (besides its own URL prefix).
    also: tuple[str, ...] = field(default=())

    @property
    def url(self) -> str:
        return reverse(self.url_name)


_items: dict[str, NavItem] = {}


def register(*items: NavItem) -> None:
    """Add (or replace, by key) destinations; idempotent, so ready() may run twice."""
    for item in items:
        _items[item.key] = item


def registered() -> list[NavItem]:
    return sorted(_items.values(), key=lambda i: (i.order, i.key))


def _shown(item: NavItem, scope: Scope, user: Any) -> bool:
    authenticated = bool(user is not None and getattr(user, "is_authenticated", False))
    if item.public:
        return not authenticated
    if not authenticated:
        return False
    if item.staff and not getattr(user, "is_staff", False):
        return False
    try:
        item.url  # noqa: B018 - an unresolvable destination is never shown
    except NoReverseMatch:
        return False
    return bool(item.visible(scope))


def _tab(item: NavItem, scope: Scope) -> bool:
    return bool(item.tab(scope)) if callable(item.tab) else item.tab


@dataclass(frozen=True)
class Link:
    item: NavItem
    url: str
    active: bool

    @property
    def key(self) -> str:
        return self.item.key

    @property
    def label(self) -> str | Promise:
        return self.item.label

    @property
    def icon(self) -> str:
        return self.item.icon


@dataclass(frozen=True)
class Group:
    key: str
    label: str | Promise
    links: list[Link]


@dataclass(frozen=True)
class Nav:
    tabs: list[Link]
    groups: list[Group]
    links: list[Link]

    @property
    def active(self) -> Link | None:
        return next((link for link in self.links if link.active), None)


def _active_key(links: Iterable[Link], path: str) -> str | None:
    """The link whose URL is the longest prefix of the path ("/" only for itself)."""
    best: tuple[int, str] | None = None
    for link in links:
        for prefix in (link.url, *link.item.also):
            hit = path == prefix if prefix == "/" else path.startswith(prefix)
            if hit and (best is None or len(prefix) > best[0]):
                best = (len(prefix), link.key)
    return best[1] if best else None


def build(scope: Scope, user: Any, path: str = "/") -> Nav:
    items = [i for i in registered() if _shown(i, scope, user)]
    plain = [Link(i, i.url, False) for i in items]
    active = _active_key(plain, path)
    links = [Link(link.item, link.url, link.key == active) for link in plain]
    closing = [link for link in links if link.item.last]
    room = MAX_TABS - len(closing)
    tabs = [link for link in links if not link.item.last and _tab(link.item, scope)][:room]
    groups: dict[str, list[Link]] = {}
    for link in links:
        groups.setdefault(link.item.group, []).append(link)
    order = list(GROUPS)
    ordered = sorted(groups.items(), key=lambda kv: order.index(kv[0]) if kv[0] in order else 99)
    return Nav(
        tabs=tabs + closing,
        groups=[Group(key, GROUPS.get(key, key), links) for key, links in ordered],
        links=links,
    )
