"""Validate the Party sheets of an import: organisations (组织) and members (党员).

Organisations may name as parent an existing organisation or one further up or
down the same file; rows are put in parent-first order for the bulk service.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from grassroots.core import clock
from grassroots.core.scoping import Scope
from grassroots.exchange.parsing import (
    CellError,
    Column,
    Parsed,
    RowParser,
    already_registered,
    choice,
    id_number,
    lookup,
    masked_id,
    masked_phone,
    once_per_file,
    phone,
    town_places,
)
from grassroots.exchange.readers import MEMBER_COLUMNS, ORGANIZATION_COLUMNS, Sheet
from grassroots.exchange.report import ImportReport
from grassroots.exchange.vocabulary import (
    EARLIEST_JOIN,
    GENDERS,
    ORG_KIND_LABELS,
    ORG_KINDS,
    ORG_TYPE_LABELS,
    ORG_TYPES,
    POST_LABELS,
    POSTS,
    STATUSES,
    name_key,
    parse_date,
)
from grassroots.grid.models import Place
from grassroots.party.models import Member, Organization
from grassroots.party.services import CHILD_KINDS, MemberRow, OrganizationRow


@dataclass
class OrganizationPlan:
    organizations: list[OrganizationRow] = field(default_factory=list)
    members: list[MemberRow] = field(default_factory=list)


def _out_of_area(scope: Scope, org: Organization) -> str:
    """An organisation the actor cannot even see reads as missing (no leak)."""
    if scope.everything or any(p.startswith(org.path) for p in scope.org_paths):
        return _("outside your area")
    return _("no such organisation in the file or the database")


def joined_on(text: str) -> dt.date:
    joined = parse_date(text)
    if joined is None:
        raise CellError(_("not a date (e.g. 2001-07-01)"))
    if not EARLIEST_JOIN <= joined <= clock.today():
        raise CellError(_("date out of range"))
    return joined


def _cannot_hold(child: str, parent: str) -> str:
    return _("a %(child)s cannot be placed under a %(parent)s") % {
        "child": ORG_KIND_LABELS[child],
        "parent": ORG_KIND_LABELS[parent],
    }


def _use_one_of(reason: str, labels: dict[Any, str]) -> str:
    return reason % {"values": "、".join(labels.values())}


class _Organizations:
    """What both Party sheets check against, loaded once."""

    def __init__(self, scope: Scope, town: Place) -> None:
        self.scope = scope
        self.town = town
        self.villages, _groups = town_places(town)
        self.villages.setdefault(name_key(town.name), town)
        self.existing: dict[str, Organization] = {}
        for org in Organization.objects.filter(town=town):
            self.existing.setdefault(name_key(org.name), org)
        # Organisations of the file by name key: (row, the row ready, or None when bad).
        self.pending: dict[str, tuple[int, OrganizationRow | None]] = {}
        self.plan = OrganizationPlan()

    def organization_spec(self) -> tuple[Column, ...]:
        no_village = _("no such village or community in %(town)s") % {"town": self.town.name}
        unknown_kind = _use_one_of(_("unknown category; use one of: %(values)s"), ORG_KIND_LABELS)
        unknown_type = _use_one_of(_("unknown type; use one of: %(values)s"), ORG_TYPE_LABELS)
        return (
            Column("parent", required=True, max_length=120),
            Column("name", required=True, max_length=120),
            Column("kind", required=True, parse=choice(ORG_KINDS, unknown_kind), default=None),
            Column(
                "org_type",
                parse=choice(ORG_TYPES, unknown_type),
                default=Organization.OrgType.VILLAGE,
            ),
            Column("place", max_length=100, parse=lookup(self.villages, no_village), default=None),
        )

    def member_spec(self) -> tuple[Column, ...]:
        unknown_post = _use_one_of(_("unknown post; use one of: %(values)s"), POST_LABELS)
        return (
            Column(
                "organization",
                required=True,
                max_length=120,
                parse=self.member_org,
                default=(None, ""),
            ),
            Column("name", required=True, max_length=50),
            Column("gender", parse=choice(GENDERS, _("use 男 or 女"), key=str.upper)),
            Column(
                "status", parse=choice(STATUSES, _("use 正式 or 预备")), default=Member.Status.FULL
            ),
            Column("joined_on", parse=joined_on, default=None),
            Column("post", parse=choice(POSTS, unknown_post)),
            Column("phone", parse=phone, shown=masked_phone),
            Column("id_number", parse=id_number, shown=masked_id),
        )

    def member_org(self, text: str) -> tuple[Organization | None, str]:
        """(an existing organisation, or None for one of the file; the name to key by)."""
        key = name_key(text)
        org = self.existing.get(key)
        if org is None:
            if key not in self.pending:
                raise CellError(_("no such organisation in the file or the database"))
            row = self.pending[key][1]
            return None, row.name if row is not None else text
        if not self.scope.covers_org_path(org.path):
            raise CellError(_out_of_area(self.scope, org))
        return org, text

    def organization(self, parser: RowParser, p: Parsed, raw: dict[str, str]) -> None:
        name = raw.get("name", "")
        key = name_key(name)
        if name and key in self.pending:
            reason = _("duplicate organisation: also on row %(row)s") % {
                "row": self.pending[key][0]
            }
            parser.error(p, "name", name, reason)
        elif name and key in self.existing:
            parser.error(p, "name", name, _("this organisation already exists"))
        parent_name, kind = p["parent"], p["kind"]
        parent = self.existing.get(name_key(parent_name)) if parent_name else None
        if parent is not None:
            if not self.scope.covers_org_path(parent.path):
                parser.error(p, "parent", parent_name, _out_of_area(self.scope, parent))
            elif kind and kind not in CHILD_KINDS[parent.kind]:
                parser.error(p, "kind", raw["kind"], _cannot_hold(kind, parent.kind))
        if p.bad:
            # Keep the name known so members/children do not report it twice.
            self.pending.setdefault(key or f"#{p.row}", (p.row, None))
            return
        self.pending[key] = (
            p.row,
            OrganizationRow(
                name=name,
                kind=kind,
                org_type=p["org_type"],
                place=p["place"],
                parent_name=parent_name,
                parent=parent,
            ),
        )

    def order(self, parser: RowParser) -> None:
        """Parents named in the file: order rows so each parent comes first."""
        pending = self.pending
        resolved = {k for k, (_r, o) in pending.items() if o is not None and o.parent is not None}
        ordered = [o for k, (_r, o) in pending.items() if k in resolved and o is not None]
        progress = True
        while progress:
            progress = False
            for k, (row, o) in pending.items():
                if o is None or k in resolved or o.parent is not None:
                    continue
                parent_row = pending.get(name_key(o.parent_name))
                if parent_row is None:
                    reason = _("no such organisation in the file or the database")
                    parser.add(row, "parent", o.parent_name, reason)
                    resolved.add(k)
                    continue
                parent = parent_row[1]
                if parent is None:
                    resolved.add(k)  # the parent row is itself bad: already reported
                    continue
                if name_key(parent.name) in resolved:
                    if o.kind not in CHILD_KINDS[parent.kind]:
                        reason = _cannot_hold(o.kind, parent.kind)
                        parser.add(row, "kind", ORG_KIND_LABELS[o.kind], reason)
                    else:
                        o.parent_name = parent.name  # the exact spelling the service keys by
                        ordered.append(o)
                    resolved.add(k)
                    progress = True
        for k, (row, o) in pending.items():
            if o is not None and k not in resolved:
                parser.add(row, "parent", o.parent_name, _("circular parent organisations"))
        self.plan.organizations = ordered

    def member(self, parser: RowParser, p: Parsed, seen_ids: dict[str, int]) -> None:
        once_per_file(parser, p, seen_ids)
        if p.bad:
            return
        org, org_name = p["organization"]
        self.plan.members.append(
            MemberRow(
                organization_name=org_name,
                organization=org,
                name=p["name"],
                gender=p["gender"],
                status=p["status"],
                joined_on=p["joined_on"],
                post=p["post"],
                phone=p["phone"],
                id_number=p["id_number"],
            )
        )


def validate_organizations(
    *,
    scope: Scope,
    town: Place,
    organizations: Sheet | None,
    members: Sheet | None,
    report: ImportReport,
) -> OrganizationPlan:
    check = _Organizations(scope, town)
    if organizations is not None:
        parser = RowParser(organizations, ORGANIZATION_COLUMNS, check.organization_spec(), report)
        for parsed, raw in parser.rows():
            check.organization(parser, parsed, raw)
        check.order(parser)
    if members is not None:
        parser = RowParser(members, MEMBER_COLUMNS, check.member_spec(), report)
        seen_ids: dict[str, int] = {}
        for parsed, _raw in parser.rows():
            check.member(parser, parsed, seen_ids)
        already_registered(
            parser,
            seen_ids,
            Member.objects.filter(active=True),
            _("a Party member with this ID number is already registered"),
        )
    return check.plan
