"""Validate every row of an import before anything is written.

Each validator preloads what it needs (villages, groups, existing numbers,
tags, organisations) into dicts so that checking 7,000 households costs a
handful of queries, reads each sheet through its column spec (`parsing`), adds
the checks that differ per sheet, and returns the rows ready for the bulk
services. Every problem goes into the report; nothing here writes.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from grassroots.core import personal
from grassroots.core.scoping import Scope
from grassroots.exchange.organizations import (
    OrganizationPlan,
    validate_organizations,
)
from grassroots.exchange.parsing import (
    CellError,
    Column,
    Parsed,
    RowParser,
    TagChecker,
    already_registered,
    choice,
    id_number,
    lookup,
    masked_id,
    masked_phone,
    once_per_file,
    phone,
    phones,
    town_places,
)
from grassroots.exchange.readers import HOUSEHOLD_COLUMNS, RESIDENT_COLUMNS, Sheet
from grassroots.exchange.report import ImportReport
from grassroots.exchange.vocabulary import (
    MAX_HOUSEHOLD_SIZE,
    RELATION_BY_TEXT,
    RELATION_LABELS,
    group_key,
)
from grassroots.grid.models import Household, Place, Representative, Resident
from grassroots.grid.services import HouseholdRow, ResidentRow

__all__ = [
    "HouseholdPlan",
    "OrganizationPlan",
    "town_places",
    "validate_households",
    "validate_organizations",
]


def household_size(text: str) -> int:
    try:
        size = int(text)
    except ValueError as exc:
        raise CellError(_("not a whole number")) from exc
    if not 1 <= size <= MAX_HOUSEHOLD_SIZE:
        raise CellError(_("must be between 1 and %(max)s") % {"max": MAX_HOUSEHOLD_SIZE})
    return size


@dataclass
class HouseholdPlan:
    rows: list[HouseholdRow] = field(default_factory=list)
    # Residents added to households that already exist (resident sheet only).
    extra_residents: list[tuple[str, ResidentRow]] = field(default_factory=list)


class _Households:
    """What both household sheets check against, loaded once."""

    def __init__(self, scope: Scope, town: Place, report: ImportReport) -> None:
        self.scope = scope
        self.town = town
        self.report = report
        self.villages, self.groups = town_places(town)
        self.existing = dict(Household.objects.filter(town=town).values_list("code", "place_path"))
        self.tags = TagChecker()
        # Existing active representatives by (village path, name), to reuse them.
        self.reps: dict[tuple[str, str], list[Representative]] = defaultdict(list)
        for rep in Representative.objects.filter(town=town, active=True).only(
            "place_path", "name", "phone"
        ):
            self.reps[(rep.place_path, rep.name)].append(rep)
        self.found_groups: dict[tuple[str, str], tuple[Place | None, str, str]] = {}
        self.first_row: dict[str, int] = {}  # household number → its row on the sheet
        self.by_code: dict[str, HouseholdRow] = {}
        self.seen_ids: dict[str, int] = {}
        self.plan = HouseholdPlan()

    def household_spec(self) -> tuple[Column, ...]:
        no_village = _("no such village or community in %(town)s") % {"town": self.town.name}
        return (
            Column(
                "village",
                required=True,
                max_length=100,
                parse=lookup(self.villages, no_village),
                default=None,
            ),
            Column("group", required=True, max_length=100),
            Column("code", required=True, max_length=40),
            Column("head", required=True, max_length=50),
            Column("phone", parse=phone, shown=masked_phone, parse_many=phones),
            Column("address", max_length=200, multiline=True),
            Column("size", parse=household_size, default=0),
            Column("rep", max_length=50),
            Column("rep_phone", parse=phone, shown=masked_phone, parse_many=phones),
            Column("tags", parse=self.tags.reader("household"), default=[]),
        )

    def resident_spec(self) -> tuple[Column, ...]:
        unknown = _("unknown relation; use one of: %(values)s") % {
            "values": "、".join(RELATION_LABELS.values())
        }
        return (
            Column("code", required=True, max_length=40, parse=self.known_code),
            Column("name", required=True, max_length=50),
            Column(
                "relation",
                parse=choice(RELATION_BY_TEXT, unknown),
                default=Resident.Relation.OTHER,
            ),
            Column("id_number", parse=id_number, shown=masked_id),
            Column("phone", parse=phone, shown=masked_phone, parse_many=phones),
            Column("tags", parse=self.tags.reader("resident"), default=[]),
        )

    def known_code(self, code: str) -> str:
        """A household of the file, or of the database inside the importer's area."""
        # A household outside the importer's area looks exactly like a missing one.
        if code not in self.first_row and (
            code not in self.existing or not self.scope.covers_place_path(self.existing[code])
        ):
            raise CellError(_("no household with this number in the file or the database"))
        return code

    def group(self, parser: RowParser, p: Parsed, raw: dict[str, str]) -> Place | None:
        """The row's villager group, inside the importer's area; None (reported) otherwise."""
        village = p["village"]
        if village is None:
            return None
        key = (village.path, p["group"])
        found = self.found_groups.get(key)
        if found is None:  # a roster names a few hundred groups on thousands of rows
            found = self.found_groups[key] = self.find_group(village, p["group"])
        group, no_group, outside = found
        if no_group:
            parser.error(p, "group", p["group"], no_group)
        if outside:
            parser.error(p, "village", raw["village"], outside)
        return group

    def find_group(self, village: Place, text: str) -> tuple[Place | None, str, str]:
        """(the group or None, why there is none, why it is outside the area)."""
        group, no_group, outside = None, "", ""
        if text:
            group = self.groups.get((village.path, group_key(text)))
            if group is None:
                no_group = _("no such villager group in %(village)s") % {"village": village.name}
        if not self.scope.covers_place_path(group.path if group else village.path):
            outside = _("outside your area: you may not import households here")
        return group, no_group, outside

    def new_code(self, parser: RowParser, p: Parsed) -> None:
        code = p["code"]
        if not code:
            return
        if code in self.first_row:
            reason = _("duplicate household number: also on row %(row)s") % {
                "row": self.first_row[code]
            }
            parser.error(p, "code", code, reason)
        elif code in self.existing:
            parser.error(p, "code", code, _("this household number already exists"))
        else:
            self.first_row[code] = p.row

    def household(self, parser: RowParser, p: Parsed, raw: dict[str, str]) -> None:
        group = self.group(parser, p, raw)
        self.new_code(parser, p)
        rep_name, rep_phone = p["rep"], p["rep_phone"]
        if rep_phone and not rep_name:
            reason = _("a representative's phone needs the representative's name")
            parser.error(p, "rep", "", reason)
        if p.bad or group is None:
            return
        if rep_name and not rep_phone:
            # Reuse the one existing representative of that name in the village.
            same = self.reps.get((group.path[: -Place.steplen], rep_name), [])
            if len(same) == 1:
                rep_phone = personal.decrypt(same[0].phone)
        row = HouseholdRow(
            group=group,
            code=p["code"],
            head_name=p["head"],
            phone=p["phone"],
            address=p["address"],
            size=p["size"],
            tags=p["tags"],
            rep_name=rep_name,
            rep_phone=rep_phone,
        )
        self.by_code[row.code] = row
        self.plan.rows.append(row)

    def resident(self, parser: RowParser, p: Parsed) -> None:
        once_per_file(parser, p, self.seen_ids)
        if p.bad:
            return
        code = p["code"]
        person = ResidentRow(
            name=p["name"],
            relation=p["relation"],
            id_number=p["id_number"],
            phone=p["phone"],
            tags=p["tags"],
        )
        if code in self.by_code:
            self.by_code[code].residents.append(person)
        elif code not in self.first_row:
            self.plan.extra_residents.append((code, person))


def validate_households(
    *,
    scope: Scope,
    town: Place,
    households: Sheet | None,
    residents: Sheet | None,
    report: ImportReport,
) -> HouseholdPlan:
    check = _Households(scope, town, report)
    if households is not None:
        parser = RowParser(households, HOUSEHOLD_COLUMNS, check.household_spec(), report)
        for parsed, raw in parser.rows():
            check.household(parser, parsed, raw)
    if residents is not None:
        parser = RowParser(residents, RESIDENT_COLUMNS, check.resident_spec(), report)
        for parsed, _raw in parser.rows():
            check.resident(parser, parsed)
        # IDs already registered in this town would create the same person twice.
        already_registered(
            parser,
            check.seen_ids,
            Resident.objects.filter(town=town),
            _("a resident with this ID number is already registered"),
        )
    for row in check.plan.rows:
        if not row.size:
            row.size = max(1, len(row.residents))
    return check.plan
