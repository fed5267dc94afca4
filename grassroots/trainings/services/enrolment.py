"""Enrolment of a programme (issue #12): generated from its audience, by hand, excused.

`enrol_audience` is set-based and idempotent: it computes the audience (members of the
chosen branches — or of every branch under the committee —, the branch secretaries, or
the residents of the chosen villages) and inserts only the people not yet enrolled, in
one statement. Run again after the roster changed, it adds the newcomers and leaves the
excused and the hand-added alone. A member's branch is the member's organisation, or its
parent for a Party group; the village is the branch's place (or that place's village).
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils.translation import gettext as _

from grassroots.core import audit, clock
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.core.services import require, require_reach, require_visible
from grassroots.grid.models import Place, Resident
from grassroots.party.models import Member, Organization
from grassroots.trainings.models import Audience, Enrolment, Programme
from grassroots.trainings.services.programmes import VILLAGE_KINDS

E = Enrolment.Status
STEP = 4  # the step of organisation and place paths
BRANCH_KINDS = (Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH)


def _branches(programme: Programme) -> dict[str, Organization]:
    chosen = list(programme.branches.all())
    if not chosen:
        chosen = list(
            unscoped(Organization, why=Unscoped.SYSTEM).filter(
                path__startswith=programme.org_path, kind=Organization.Kind.BRANCH
            )
        )
    return {b.path: b for b in chosen}


def _village_ids(branches: list[Organization]) -> dict[int, int | None]:
    """Each branch's village: its place if a village, the place's village if deeper."""
    paths = {b.place_path for b in branches if b.place_path}
    wanted = {p[:n] for p in paths for n in range(STEP, len(p) + 1, STEP)}
    villages = dict(
        unscoped(Place, why=Unscoped.SYSTEM)
        .filter(path__in=wanted, kind__in=VILLAGE_KINDS)
        .values_list("path", "pk")
    )
    result: dict[int, int | None] = {}
    for b in branches:
        path = b.place_path or ""
        result[b.pk] = next(
            (villages[path[:n]] for n in range(len(path), 0, -STEP) if path[:n] in villages), None
        )
    return result


def branch_for(org_path: str, branches: dict[str, Organization]) -> Organization | None:
    """The branch (among `branches`) a member at `org_path` belongs to."""
    for n in range(len(org_path), 0, -STEP):
        if org_path[:n] in branches:
            return branches[org_path[:n]]
    return None


def _member_rows(programme: Programme, now: Any, is_demo: bool) -> list[Enrolment]:
    branches = _branches(programme)
    villages = _village_ids(list(branches.values()))
    members = unscoped(Member, why=Unscoped.SYSTEM).filter(active=True)
    under = Q(pk__in=[])
    for path in sorted(branches):
        under |= Q(org_path__startswith=path)
    members = members.filter(under)
    if programme.audience == Audience.SECRETARIES:
        members = members.filter(post=Member.Post.SECRETARY)
    have = set(
        unscoped(Enrolment, why=Unscoped.SYSTEM)
        .filter(programme=programme, member__isnull=False)
        .values_list("member_id", flat=True)
    )
    rows = []
    for m in members.order_by("org_path", "pk").values("pk", "name", "post", "org_path", "user_id"):
        if m["pk"] in have:
            continue
        branch = branch_for(m["org_path"], branches)
        if branch is None:
            continue
        rows.append(
            Enrolment(
                programme=programme,
                member_id=m["pk"],
                user_id=m["user_id"],
                name=m["name"],
                is_secretary=m["post"] == Member.Post.SECRETARY,
                branch=branch,
                org_path=branch.path,
                village_id=villages.get(branch.pk),
                created_at=now,
                is_demo=is_demo,
            )
        )
    return rows


def _resident_rows(programme: Programme, now: Any, is_demo: bool) -> list[Enrolment]:
    have = set(
        unscoped(Enrolment, why=Unscoped.SYSTEM)
        .filter(programme=programme, resident__isnull=False)
        .values_list("resident_id", flat=True)
    )
    rows = []
    for village in programme.villages.order_by("path"):
        residents = unscoped(Resident, why=Unscoped.SYSTEM).filter(
            place_path__startswith=village.path
        )
        for r in residents.order_by("place_path", "pk").values("pk", "name", "place_path"):
            if r["pk"] in have:
                continue
            rows.append(
                Enrolment(
                    programme=programme,
                    resident_id=r["pk"],
                    name=r["name"],
                    village=village,
                    place_path=r["place_path"],
                    created_at=now,
                    is_demo=is_demo,
                )
            )
    return rows


@transaction.atomic
def enrol_audience(*, actor: Actor, programme: Programme, is_demo: bool = False) -> int:
    """Enrol everyone of the audience not enrolled yet; the number added."""
    require(actor, Cap.MANAGE_TRAINING)
    require_visible(actor, programme)
    require_reach(actor, programme.organization)
    now = clock.now()
    if programme.audience == Audience.RESIDENTS:
        rows = _resident_rows(programme, now, is_demo)
    else:
        rows = _member_rows(programme, now, is_demo)
    Enrolment.objects.bulk_create(rows, batch_size=500)
    audit.record(
        actor=actor,
        action=Action.TRAININGS_ENROLMENT_GENERATED,
        obj=programme,
        data={"added": len(rows)},
    )
    return len(rows)


def _one(member: Member | None, resident: Resident | None) -> None:
    if (member is None) == (resident is None):
        raise ValidationError({"member": [_("Choose either a member or a resident.")]})


@transaction.atomic
def enrolment_add(
    *,
    actor: Actor,
    programme: Programme,
    member: Member | None = None,
    resident: Resident | None = None,
    is_demo: bool = False,
) -> Enrolment:
    """Enrol one person by hand (a member from another branch, a resident who asked)."""
    require(actor, Cap.MANAGE_TRAINING)
    require_visible(actor, programme)
    _one(member, resident)
    existing = unscoped(Enrolment, why=Unscoped.SYSTEM).filter(programme=programme)
    if member is not None:
        require_visible(actor, member)
        if existing.filter(member=member).exists():
            raise ValidationError(
                {"member": [_("%(name)s is enrolled already.") % {"name": member.name}]}
            )
        org = unscoped(Organization, why=Unscoped.SYSTEM).get(pk=member.organization_id)
        branch = org
        if org.kind == Organization.Kind.GROUP:
            branch = unscoped(Organization, why=Unscoped.SYSTEM).get(path=org.path[:-STEP])
        row = Enrolment(
            member=member,
            user_id=member.user_id,
            name=member.name,
            is_secretary=member.post == Member.Post.SECRETARY,
            branch=branch,
            org_path=branch.path,
            village_id=_village_ids([branch]).get(branch.pk),
        )
    else:
        assert resident is not None
        require_visible(actor, resident)
        if existing.filter(resident=resident).exists():
            raise ValidationError(
                {"resident": [_("%(name)s is enrolled already.") % {"name": resident.name}]}
            )
        village = (
            unscoped(Place, why=Unscoped.SYSTEM)
            .filter(
                path__in=[
                    resident.place_path[:n] for n in range(STEP, len(resident.place_path) + 1, STEP)
                ],
                kind__in=VILLAGE_KINDS,
            )
            .first()
        )
        row = Enrolment(
            resident=resident, name=resident.name, village=village, place_path=resident.place_path
        )
    row.programme = programme
    row.source = Enrolment.Source.ADDED
    row.is_demo = is_demo
    row.created_at = clock.now()
    row.save()
    audit.record(
        actor=actor,
        action=Action.TRAININGS_ENROLMENT_ADDED,
        obj=row,
        data={"programme": programme.pk},
    )
    return row


@transaction.atomic
def enrolment_excuse(*, actor: Actor, enrolment: Enrolment, reason: str) -> Enrolment:
    """Excuse a person from the programme (ill, working away); the reason is required."""
    require(actor, Cap.MANAGE_TRAINING)
    require_visible(actor, enrolment)
    reason = " ".join((reason or "").split())
    if not reason:
        raise ValidationError({"reason": [_("Say why the person is excused.")]})
    if len(reason) > 200:
        raise ValidationError({"reason": [_("At most %(n)d characters.") % {"n": 200}]})
    if enrolment.status == E.EXCUSED:
        raise ValidationError(
            {"status": [_("%(name)s is excused already.") % {"name": enrolment.name}]}
        )
    enrolment.status = E.EXCUSED
    enrolment.reason = reason
    enrolment.save(update_fields=["status", "reason"])
    audit.record(
        actor=actor, action=Action.TRAININGS_ENROLMENT_EXCUSED, obj=enrolment, reason=reason
    )
    return enrolment


@transaction.atomic
def enrolment_reinstate(*, actor: Actor, enrolment: Enrolment) -> Enrolment:
    require(actor, Cap.MANAGE_TRAINING)
    require_visible(actor, enrolment)
    if enrolment.status != E.EXCUSED:
        raise ValidationError({"status": [_("Only an excused person can be reinstated.")]})
    enrolment.status = E.ENROLLED
    enrolment.reason = ""
    enrolment.save(update_fields=["status", "reason"])
    audit.record(actor=actor, action=Action.TRAININGS_ENROLMENT_REINSTATED, obj=enrolment)
    return enrolment
