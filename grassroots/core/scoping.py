"""The one chokepoint deciding what a user may see.

`Scope` is the only object that says what a user may reach. It is computed once
per user object (per request) by the provider that `accounts` registers from
`AccountsConfig.ready()`, then handed to the parts apps above accounts register
(cases adds the households of the cases a handler holds); `core` imports neither.

Every scoped model's manager is built from `ScopedQuerySet` and states its rule
only as `scope_filter(scope)`. Pages, API viewsets and exports call
`Model.objects.visible_to(user)` or `get_visible_or_404(...)`; nothing filters by
hand. A record outside the caller's scope is indistinguishable from a missing one.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, ClassVar, TypeVar, cast

from django.core.exceptions import ImproperlyConfigured
from django.db import models
from django.db.models import Q
from django.http import Http404

NOTHING = Q(pk__in=[])


def minimal_prefixes(paths: Iterable[str]) -> tuple[str, ...]:
    """Drop every path that lies under another one in the set."""
    kept: list[str] = []
    for path in sorted({p for p in paths if p}):
        if not kept or not path.startswith(kept[-1]):
            kept.append(path)
    return tuple(kept)


def prefix_q(field_name: str, prefixes: Iterable[str]) -> Q:
    q = NOTHING
    for prefix in prefixes:
        q |= Q(**{f"{field_name}__startswith": prefix})
    return q


@dataclass(frozen=True)
class Scope:
    """What one user reaches: subtrees of the grid and of the Party tree, links, and cases.

    Place and organisation prefixes are subtrees; the representative and
    instructor ids are links. The case fields say in which part of the case
    tree each role acts: dispatchers (town administrators, secretaries) accept,
    assign and supervise under `dispatch_paths`; inspectors read under
    `read_paths`; town administrators supervise and read measures under
    `town_paths`; a handler works for the units `handler_place_ids`; a
    representative calls back the household-less cases of `representative_paths`.
    A handler's anchor is a unit, not a subtree: it adds nothing to `place_paths`.
    """

    everything: bool = False
    user_id: int | None = None
    place_paths: tuple[str, ...] = ()
    org_paths: tuple[str, ...] = ()
    representative_ids: tuple[int, ...] = ()
    instructor_ids: tuple[int, ...] = ()
    roles: frozenset[str] = field(default_factory=frozenset)
    capabilities: frozenset[str] = field(default_factory=frozenset)
    dispatch_paths: tuple[str, ...] = ()
    read_paths: tuple[str, ...] = ()
    town_paths: tuple[str, ...] = ()
    handler_place_ids: tuple[int, ...] = ()
    handler_place_paths: tuple[str, ...] = ()
    representative_paths: tuple[str, ...] = ()
    # The households of the cases the user holds or was summoned to, as a lazy
    # subquery of ids (evaluated inside each query, so never stale); contributed
    # by the cases app, None when it adds nothing. Not compared or printed:
    # printing a queryset would run it.
    held_household_ids: Any = field(default=None, compare=False, repr=False)

    def can(self, capability: str) -> bool:
        return self.everything or capability in self.capabilities

    def places(self, field_name: str = "place_path") -> Q:
        return Q() if self.everything else prefix_q(field_name, self.place_paths)

    def orgs(self, field_name: str = "org_path") -> Q:
        return Q() if self.everything else prefix_q(field_name, self.org_paths)

    def held_households(self, field_name: str = "pk") -> Q:
        """Rows of the households a handler's cases concern (nothing for anyone else)."""
        if self.held_household_ids is None:
            return NOTHING
        return Q(**{f"{field_name}__in": self.held_household_ids})

    def covers_place_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.place_paths)

    def covers_org_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.org_paths)


EMPTY = Scope()

ScopeProvider = Callable[[Any], Scope]
ScopePart = Callable[[Scope], Scope]

_providers: list[ScopeProvider] = []
_parts: list[ScopePart] = []


def register_scope_provider(provider: ScopeProvider) -> None:
    """Install the function computing a signed-in user's Scope (accounts, once)."""
    _providers[:] = [provider]


def register_scope_part(part: ScopePart) -> None:
    """Add a step refining every computed Scope (an app above accounts; idempotent)."""
    if part not in _parts:
        _parts.append(part)


def compute(user: Any) -> Scope:
    """A fresh Scope for a signed-in, active user: the provider, then every part."""
    if not _providers:
        raise ImproperlyConfigured("No scope provider: is grassroots.accounts installed?")
    scope = _providers[0](user)
    for part in _parts:
        scope = part(scope)
    return scope


def scope_for(user: Any) -> Scope:
    """The caller's scope, computed once per user object (per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    cached = getattr(user, "_grassroots_scope", None)
    if cached is None:
        cached = compute(user)
        user._grassroots_scope = cached
    return cached


def forget_scope(user: Any) -> None:
    if hasattr(user, "_grassroots_scope"):
        del user._grassroots_scope


class ScopedQuerySet(models.QuerySet):
    # False for personal rows (an inbox): even a superuser sees only their own.
    everything_sees_all: ClassVar[bool] = True

    def scope_filter(self, scope: Scope) -> models.QuerySet:  # pragma: no cover - abstract
        raise NotImplementedError

    def visible_to(self, user: Any) -> models.QuerySet:
        scope = scope_for(user)
        if scope.everything and self.everything_sees_all:
            return self.all()
        return self.scope_filter(scope)


M = TypeVar("M", bound=models.Model)


def get_visible_or_404(model_or_qs: type[M] | models.QuerySet, user: Any, **lookup: Any) -> M:
    if isinstance(model_or_qs, models.QuerySet):
        qs = cast(ScopedQuerySet, model_or_qs)
    else:
        qs = cast(ScopedQuerySet, cast(Any, model_or_qs).objects.all())
    try:
        return cast(M, qs.visible_to(user).get(**lookup))
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(str(qs.model._meta.verbose_name)) from exc


class Unscoped(enum.StrEnum):
    """Why a read of a scoped model ignores the caller's reach (named at every such read)."""

    # A page or API without login (resident self-service, the public board, Open311):
    # it shows public fields only, never personal data.
    PUBLIC = "public"
    # A lookup whose result is checked against the caller's scope before anyone sees it,
    # or work done by the system itself (the worker, the per-process memos).
    SYSTEM = "system"


def unscoped(model: type[M], *, why: Unscoped) -> models.QuerySet:
    """Every row of `model`, for a read that serves no user's reach.

    The one sanctioned way around `visible_to`: the convention gate accepts it and
    nothing else, so each such read is visible in a search for `unscoped(`.
    """
    if not isinstance(why, Unscoped):
        raise TypeError("unscoped() needs a reason from core.scoping.Unscoped")
    return model._default_manager.all()
