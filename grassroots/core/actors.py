"""Who acts on the system: the type every service's `actor` parameter carries.

An actor is a signed-in user (`accounts.User`), an Open311 API key acting for a
client (`open311.ApiKey`), or nobody (`None`: the worker, the demo loader, a
migration). `core` names the shape both kinds share instead of importing the apps
that define them.
"""

from __future__ import annotations

from typing import Any, Protocol, TypeAlias, runtime_checkable


@runtime_checkable
class Principal(Protocol):
    """What every acting object has: an id and whether it is a signed-in person."""

    @property
    def pk(self) -> Any: ...

    @property
    def is_authenticated(self) -> bool: ...


Actor: TypeAlias = Principal | None


def acting_user(actor: Actor) -> Any:
    """The signed-in user behind `actor`, or None (an API key or the system)."""
    return actor if getattr(actor, "is_authenticated", False) else None
