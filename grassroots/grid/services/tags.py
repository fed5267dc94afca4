"""The tag list households and residents are labelled from (imports accept only these)."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.scoping import scope_for
from grassroots.grid.models import Tag


@transaction.atomic
def tag_add(
    *, actor: Actor, name: str, applies_to: str = Tag.AppliesTo.BOTH, sensitive: bool = False
) -> Tag:
    """Add a label to the list imports accept (town administrators and superusers)."""
    scope = scope_for(actor)
    if not (scope.everything or "town_admin" in scope.roles):
        raise PermissionDenied(_("Only a town administrator can add tags."))
    name = name.strip()
    if not name or len(name) > 40 or any(c in name for c in "、,，;； "):
        raise ValidationError(_("A tag is one word of at most 40 characters."))
    if applies_to not in Tag.AppliesTo.values:
        raise ValidationError(_("Unknown tag target."))
    if Tag.objects.filter(name=name).exists():
        raise ValidationError(_("The tag %(name)s already exists.") % {"name": name})
    tag = Tag.objects.create(name=name, applies_to=applies_to, sensitive=sensitive)
    audit.record(actor=actor, action=Action.GRID_TAG_ADDED, obj=tag, data={"name": name})
    return tag


def ensure_tags(names: Iterable[str]) -> dict[str, Tag]:
    """The named tags by name, creating those missing (bulk writes, the demo)."""
    names = {n for n in names if n}
    found = {t.name: t for t in Tag.objects.filter(name__in=names)}
    missing = [Tag(name=n) for n in sorted(names - set(found))]
    if missing:
        Tag.objects.bulk_create(missing)
        found.update({t.name: t for t in Tag.objects.filter(name__in=[t.name for t in missing])})
    return found
