"""Every change to the Party tree: organisations, members, instructors, guidance."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, clock, personal
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.events import Event, emit
from grassroots.core.personal import clean_id_number, clean_phone
from grassroots.core.roles import Cap
from grassroots.core.scoping import scope_for
from grassroots.core.services import require, require_reach, require_visible
from grassroots.grid.models import Place
from grassroots.party.models import (
    GuidanceAssignment,
    GuidanceVisit,
    Instructor,
    Member,
    Organization,
)

# The `core.records` kind of a guidance visit (registered in PartyConfig.ready()).
GUIDANCE_VISIT_RECORD = "party.guidance_visit"

CHILD_KINDS = {
    Organization.Kind.COMMITTEE: {Organization.Kind.GENERAL_BRANCH, Organization.Kind.BRANCH},
    Organization.Kind.GENERAL_BRANCH: {Organization.Kind.BRANCH},
    Organization.Kind.BRANCH: {Organization.Kind.GROUP},
    Organization.Kind.GROUP: set(),
}


def _town_of_place(place: Place | None) -> Place | None:
    if place is None:
        return None
    path = place.town_path()
    return place if place.path == path else Place.objects.filter(path=path).first()


@transaction.atomic
def organization_create(
    *,
    actor: Actor,
    parent: Organization | None,
    kind: str,
    name: str,
    org_type: str = Organization.OrgType.VILLAGE,
    place: Place | None = None,
    is_demo: bool = False,
) -> Organization:
    fields = {
        "kind": kind,
        "name": name,
        "org_type": org_type,
        "place": place,
        "place_path": place.path if place else "",
        "town": _town_of_place(place),
        "is_demo": is_demo,
    }
    if parent is None:
        if not scope_for(actor).everything:
            raise ValidationError(_("Only a superuser can create a top-level organisation."))
        if kind != Organization.Kind.COMMITTEE:
            raise ValidationError(_("The top of the tree is a Party committee."))
        org = Organization.objects.add_root(fields)
    else:
        require(actor, Cap.EDIT_PARTY)
        require_reach(actor, parent)
        if kind not in CHILD_KINDS[parent.kind]:
            allowed = ", ".join(str(Organization.Kind(k).label) for k in CHILD_KINDS[parent.kind])
            raise ValidationError(
                _("A %(child)s cannot be placed under a %(parent)s; allowed: %(allowed)s")
                % {
                    "child": Organization.Kind(kind).label,
                    "parent": parent.get_kind_display(),
                    "allowed": allowed or "—",
                }
            )
        if fields["town"] is None:
            fields["town"] = parent.town
        org = Organization.objects.add_child(parent, fields)
    audit.record(
        actor=actor, action=Action.PARTY_ORGANIZATION_CREATED, obj=org, data={"name": name}
    )
    return org


@transaction.atomic
def member_create(
    *,
    actor: Actor,
    organization: Organization,
    name: str,
    status: str = Member.Status.FULL,
    joined_on: dt.date | None = None,
    post: str = "",
    gender: str = "",
    phone: str = "",
    id_number: str = "",
    is_demo: bool = False,
) -> Member:
    require(actor, Cap.EDIT_PARTY)
    require_reach(actor, organization)
    if status not in Member.Status.values:
        raise ValidationError(_("Unknown member status %(status)s") % {"status": status})
    member = Member(
        organization=organization,
        org_path=organization.path,
        town=organization.town,
        name=name,
        status=status,
        joined_on=joined_on,
        post=post,
        gender=gender,
        is_demo=is_demo,
    )
    personal.assign(member, "phone", "phone", clean_phone(phone))
    personal.assign(member, "id_number", "id_number", clean_id_number(id_number))
    member.save()
    audit.record(actor=actor, action=Action.PARTY_MEMBER_CREATED, obj=member)
    return member


@transaction.atomic
def member_update(
    *,
    actor: Actor,
    member: Member,
    organization: Organization | None = None,
    status: str | None = None,
    post: str | None = None,
    active: bool | None = None,
    phone: str | None = None,
) -> Member:
    require(actor, Cap.EDIT_PARTY)
    require_visible(actor, member)
    changed: dict[str, Any] = {}
    if organization is not None and organization.pk != member.organization_id:
        require_reach(actor, organization)
        member.organization, member.org_path, member.town = (
            organization,
            organization.path,
            organization.town,
        )
        changed["organization"] = organization.pk
    for name, value in (("status", status), ("post", post), ("active", active)):
        if value is not None and getattr(member, name) != value:
            setattr(member, name, value)
            changed[name] = value
    if phone is not None:
        personal.assign(member, "phone", "phone", clean_phone(phone))
        changed["phone"] = "changed"
    member.save()
    audit.record(actor=actor, action=Action.PARTY_MEMBER_UPDATED, obj=member, data=changed)
    return member


@transaction.atomic
def instructor_create(
    *,
    actor: Actor,
    name: str,
    kind: str = Instructor.Kind.INSTRUCTOR,
    title: str = "",
    phone: str = "",
    user: Any = None,
    town: Place | None = None,
    is_demo: bool = False,
) -> Instructor:
    require(actor, Cap.EDIT_PARTY)
    instructor = Instructor(
        name=name, kind=kind, title=title, user=user, town=town, is_demo=is_demo
    )
    personal.assign(instructor, "phone", "phone", clean_phone(phone))
    instructor.save()
    audit.record(actor=actor, action=Action.PARTY_INSTRUCTOR_CREATED, obj=instructor)
    return instructor


@transaction.atomic
def instructor_assign(
    *, actor: Actor, instructor: Instructor, organization: Organization, on: dt.date | None = None
) -> GuidanceAssignment:
    require(actor, Cap.EDIT_PARTY)
    require_reach(actor, organization)
    if organization.kind not in (Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH):
        raise ValidationError(_("Instructors are assigned to branches."))
    if GuidanceAssignment.objects.filter(
        instructor=instructor, organization=organization, ended_on__isnull=True
    ).exists():
        raise ValidationError(
            _("%(name)s is already assigned to this branch.") % {"name": instructor.name}
        )
    assignment = GuidanceAssignment.objects.create(
        instructor=instructor, organization=organization, started_on=on or clock.today()
    )
    audit.record(actor=actor, action=Action.PARTY_INSTRUCTOR_ASSIGNED, obj=assignment)
    return assignment


@transaction.atomic
def instructor_unassign(
    *, actor: Actor, assignment: GuidanceAssignment, on: dt.date | None = None
) -> GuidanceAssignment:
    require(actor, Cap.EDIT_PARTY)
    require_reach(actor, assignment.organization)
    if assignment.ended_on is not None:
        raise ValidationError(_("This assignment has already ended."))
    assignment.ended_on = on or clock.today()
    assignment.save(update_fields=["ended_on"])
    audit.record(actor=actor, action=Action.PARTY_INSTRUCTOR_UNASSIGNED, obj=assignment)
    return assignment


@transaction.atomic
def guidance_visit_log(
    *,
    actor: Actor,
    organization: Organization,
    topic: str,
    notes: str = "",
    visited_on: dt.date | None = None,
    instructor: Instructor | None = None,
    is_demo: bool = False,
) -> GuidanceVisit:
    require(actor, Cap.LOG_GUIDANCE)
    require_reach(actor, organization)
    instructor = instructor or getattr(actor, "instructor", None)
    if instructor is None:
        raise ValidationError(_("Only an instructor can log a guidance visit."))
    visited_on = visited_on or clock.today()
    if visited_on > clock.today():
        raise ValidationError(_("A visit cannot be in the future."))
    visit = GuidanceVisit.objects.create(
        instructor=instructor,
        organization=organization,
        visited_on=visited_on,
        topic=topic,
        notes=notes,
        created_at=clock.now(),
        is_demo=is_demo,
    )
    audit.record(actor=actor, action=Action.PARTY_GUIDANCE_VISIT_LOGGED, obj=visit)
    # A logged visit may complete a duty item of the branch (core.records, issue #11).
    emit(
        Event.BRANCH_RECORD,
        kind=GUIDANCE_VISIT_RECORD,
        organization_id=organization.pk,
        on=visited_on,
        record_id=visit.pk,
    )
    return visit


# --- bulk import (organisations + members), used by grassroots.exchange ---------


@dataclass
class OrganizationRow:
    name: str
    kind: str
    org_type: str = Organization.OrgType.VILLAGE
    place: Place | None = None
    parent_name: str = ""
    # An existing parent; when None the parent is an earlier row named parent_name.
    parent: Organization | None = None


@dataclass
class MemberRow:
    organization_name: str
    name: str
    organization: Organization | None = None
    gender: str = ""
    status: str = Member.Status.FULL
    joined_on: dt.date | None = None
    post: str = ""
    phone: str = ""
    id_number: str = ""


@transaction.atomic
def organizations_bulk_create(
    *,
    actor: Actor,
    organizations: Sequence[OrganizationRow],
    members: Sequence[MemberRow],
    is_demo: bool = False,
    batch_size: int = 2000,
) -> dict[str, int]:
    """Write validated rows: all of them or none. Rows are ordered parents first.

    Callers validate first (grassroots.exchange); this re-checks scope and the
    tree rules so a bad caller cannot write outside the actor's organisations.
    """
    require(actor, Cap.IMPORT)
    scope = scope_for(actor)
    created: dict[str, Organization] = {}
    for row in organizations:
        parent = row.parent or created.get(row.parent_name)
        if parent is None:
            raise ValidationError(
                _("No such parent organisation: %(name)s") % {"name": row.parent_name}
            )
        if row.parent is not None and not scope.covers_org_path(parent.path):
            raise ValidationError(_("%(name)s is outside your area") % {"name": parent.name})
        if row.kind not in CHILD_KINDS[parent.kind]:
            raise ValidationError(
                _("A %(child)s cannot be placed under a %(parent)s")
                % {
                    "child": Organization.Kind(row.kind).label,
                    "parent": parent.get_kind_display(),
                }
            )
        # Treebeard locks and re-reads the parent, so stale numchild cannot collide.
        created[row.name] = Organization.objects.add_child(
            parent,
            {
                "kind": row.kind,
                "name": row.name,
                "org_type": row.org_type,
                "place": row.place,
                "place_path": row.place.path if row.place else "",
                "town": _town_of_place(row.place) or parent.town,
                "is_demo": is_demo,
            },
        )

    new_members: list[Member] = []
    for row in members:
        org = row.organization or created.get(row.organization_name)
        if org is None:
            raise ValidationError(
                _("No such organisation: %(name)s") % {"name": row.organization_name}
            )
        if row.organization is not None and not scope.covers_org_path(org.path):
            raise ValidationError(_("%(name)s is outside your area") % {"name": org.name})
        member = Member(
            organization=org,
            org_path=org.path,
            town=org.town,
            name=row.name,
            gender=row.gender,
            status=row.status,
            joined_on=row.joined_on,
            post=row.post,
            is_demo=is_demo,
        )
        personal.assign(member, "phone", "phone", clean_phone(row.phone))
        personal.assign(member, "id_number", "id_number", clean_id_number(row.id_number))
        new_members.append(member)
    Member.objects.bulk_create(new_members, batch_size=batch_size)
    counts = {"organizations": len(created), "members": len(new_members)}
    audit.record(actor=actor, action=Action.PARTY_ORGANIZATIONS_IMPORTED, data=counts)
    return counts
