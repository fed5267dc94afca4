"""The one chokepoint deciding what a user may see.

Every scoped model's manager is built from `ScopedQuerySet` and implements
`scope_filter(scope)`. Pages, API viewsets and exports call
`Model.objects.visible_to(user)` or `get_visible_or_404(...)`; nothing filters by
hand. A record outside the caller's scope is indistinguishable from a missing one.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

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
    """What one user reaches: subtrees of the grid and of the Party tree, plus links."""

    everything: bool = False
    place_paths: tuple[str, ...] = ()
    org_paths: tuple[str, ...] = ()
    representative_ids: tuple[int, ...] = ()
    instructor_ids: tuple[int, ...] = ()
    roles: frozenset[str] = field(default_factory=frozenset)
    capabilities: frozenset[str] = field(default_factory=frozenset)

    def can(self, capability: str) -> bool:
        return self.everything or capability in self.capabilities

    def places(self, field_name: str = "place_path") -> Q:
        return Q() if self.everything else prefix_q(field_name, self.place_paths)

    def orgs(self, field_name: str = "org_path") -> Q:
        return Q() if self.everything else prefix_q(field_name, self.org_paths)

    def covers_place_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.place_paths)

    def covers_org_path(self, path: str) -> bool:
        return self.everything or any(path.startswith(p) for p in self.org_paths)


EMPTY = Scope()


def scope_for(user: Any) -> Scope:
    """The caller's scope, computed once per user object (per request)."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return EMPTY
    cached = getattr(user, "_grassroots_scope", None)
    if cached is None:
        from grassroots.accounts.scope import compute_scope

        cached = compute_scope(user)
        user._grassroots_scope = cached
    return cached


def forget_scope(user: Any) -> None:
    if hasattr(user, "_grassroots_scope"):
        del user._grassroots_scope


class ScopedQuerySet(models.QuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:  # pragma: no cover - abstract
        raise NotImplementedError

    def visible_to(self, user: Any) -> models.QuerySet:
        scope = scope_for(user)
        if scope.everything:
            return self.all()
        return self.scope_filter(scope)


M = TypeVar("M", bound=models.Model)


def get_visible_or_404(model_or_qs: type[M] | models.QuerySet, user: Any, **lookup: Any) -> M:
    # `Any`: `visible_to` lives on the scoped queryset, which the stubs cannot see
    model: Any = model_or_qs
    qs: Any = model_or_qs if isinstance(model_or_qs, models.QuerySet) else model.objects.all()
    try:
        return qs.visible_to(user).get(**lookup)
    except (qs.model.DoesNotExist, ValueError, TypeError) as exc:
        raise Http404(str(qs.model._meta.verbose_name)) from exc
