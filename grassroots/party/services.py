"""Every change to the Party tree: organisations, members, instructors, guidance."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.accounts.roles import Cap
from grassroots.core import audit, clock, personal
from grassroots.core.scoping import scope_for
from grassroots.core.services import require, require_visible
from grassroots.grid.models import Place
from grassroots.grid.services import clean_id_number, clean_phone
from grassroots.party.models import (
    GuidanceAssignment,
    GuidanceVisit,
    Instructor,
    Member,
    Organization,
)

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
    actor: Any,
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
        require_visible(actor, parent)
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
    audit.record(actor=actor, action="party.organization_created", obj=org, data={"name": name})
    return org


@transaction.atomic
def member_create(
    *,
    actor: Any,
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
    require_visible(actor, organization)
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
    audit.record(actor=actor, action="party.member_created", obj=member)
    return member


@transaction.atomic
def member_update(
    *,
    actor: Any,
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
        require_visible(actor, organization)
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
    audit.record(actor=actor, action="party.member_updated", obj=member, data=changed)
    return member


@transaction.atomic
def instructor_create(
    *,
    actor: Any,
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
    audit.record(actor=actor, action="party.instructor_created", obj=instructor)
    return instructor


@transaction.atomic
def instructor_assign(
    *, actor: Any, instructor: Instructor, organization: Organization, on: dt.date | None = None
) -> GuidanceAssignment:
    require(actor, Cap.EDIT_PARTY)
    require_visible(actor, organization)
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
    audit.record(actor=actor, action="party.instructor_assigned", obj=assignment)
    return assignment


@transaction.atomic
def instructor_unassign(
    *, actor: Any, assignment: GuidanceAssignment, on: dt.date | None = None
) -> GuidanceAssignment:
    require(actor, Cap.EDIT_PARTY)
    require_visible(actor, assignment.organization)
    if assignment.ended_on is not None:
        raise ValidationError(_("This assignment has already ended."))
    assignment.ended_on = on or clock.today()
    assignment.save(update_fields=["ended_on"])
    audit.record(actor=actor, action="party.instructor_unassigned", obj=assignment)
    return assignment


@transaction.atomic
def guidance_visit_log(
    *,
    actor: Any,
    organization: Organization,
    topic: str,
    notes: str = "",
    visited_on: dt.date | None = None,
    instructor: Instructor | None = None,
    is_demo: bool = False,
) -> GuidanceVisit:
    require(actor, Cap.LOG_GUIDANCE)
    require_visible(actor, organization)
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
    audit.record(actor=actor, action="party.guidance_visit_logged", obj=visit)
    return visit
