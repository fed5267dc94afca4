"""Imports and exports: the only way spreadsheets reach or leave the database."""

from __future__ import annotations

import csv
import io
import time
from collections import defaultdict
from collections.abc import Iterator, Mapping
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from grassroots.core import audit, collector, personal
from grassroots.core.actors import Actor
from grassroots.core.audit import Action
from grassroots.core.roles import Cap
from grassroots.core.scoping import get_visible_or_404, scope_for
from grassroots.core.services import require, require_reason
from grassroots.core.xlsx import safe
from grassroots.exchange import importers, readers, vocabulary, writers
from grassroots.exchange.report import ImportReport
from grassroots.grid.filters import HouseholdFilter
from grassroots.grid.models import Household, Place, Resident, Tag
from grassroots.grid.services import households_bulk_create, resident_create
from grassroots.party.models import Member, Organization
from grassroots.party.services import organizations_bulk_create

KINDS = ("households", "organizations")
TOWN_KINDS = (Place.Kind.TOWN, Place.Kind.SUBDISTRICT)
MAX_UPLOAD_BYTES = 30 * 1024 * 1024
EXPORT_CHUNK = 2000

ROLES = {
    "households": {
        "households": (readers.HOUSEHOLD_COLUMNS, {"code", "head"}, "户"),
        "residents": (readers.RESIDENT_COLUMNS, {"code", "name"}, "居民"),
    },
    "organizations": {
        "organizations": (readers.ORGANIZATION_COLUMNS, {"name", "kind"}, "组织"),
        "members": (readers.MEMBER_COLUMNS, {"organization", "name"}, "党员"),
    },
}


def towns_for(actor: Actor, kind: str = "households") -> list[Place]:
    """The towns the actor reaches: through places (a village's town counts) or,
    for Party records, through the organisations (an officer has no place)."""
    towns = {t.pk: t for t in Place.objects.visible_to(actor).filter(kind__in=TOWN_KINDS)}
    if kind == "organizations":
        town_ids = Organization.objects.visible_to(actor).values("town_id")
        towns.update({t.pk: t for t in Place.objects.filter(pk__in=town_ids)})
    return sorted(towns.values(), key=lambda t: t.path)


def resolve_town(actor: Actor, town: Place | str | int | None, kind: str = "households") -> Place:
    """The town an import writes into: given, or the only one the actor reaches."""
    towns = towns_for(actor, kind)
    if isinstance(town, Place):
        if town.pk in {t.pk for t in towns}:
            return town
    elif town not in (None, ""):
        for t in towns:
            if str(town) in (str(t.pk), t.name, t.code or ""):
                return t
    elif len(towns) == 1:
        return towns[0]
    if not towns:
        raise PermissionDenied(_("You do not reach any town."))
    raise ValidationError(
        _("Choose the town to import into: %(towns)s") % {"towns": "、".join(t.name for t in towns)}
    )


def _sort_errors(report: ImportReport, sheets: list[readers.Sheet]) -> None:
    """Sheet by sheet, row by row, left to right: the order the user reads."""
    rank = {sheet.name: i for i, sheet in enumerate(sheets)}
    columns = {
        sheet.name: {label: i for i, label in enumerate(sheet.headers.values())} for sheet in sheets
    }
    report.errors.sort(
        key=lambda e: (
            rank.get(e.sheet, len(rank)),
            e.row,
            columns.get(e.sheet, {}).get(e.column, 99),
        )
    )


def _validate(
    *, actor: Actor, kind: str, town: Place, sheets: dict[str, readers.Sheet], report: ImportReport
) -> Any:
    """Every row checked; the plan the writer takes (the counts of what it would write)."""
    scope = scope_for(actor)
    if kind == "households":
        plan = importers.validate_households(
            scope=scope,
            town=town,
            households=sheets.get("households"),
            residents=sheets.get("residents"),
            report=report,
        )
        report.counts = {
            "households": len(plan.rows),
            "residents": sum(len(r.residents) for r in plan.rows) + len(plan.extra_residents),
        }
        return plan
    plan = importers.validate_organizations(
        scope=scope,
        town=town,
        organizations=sheets.get("organizations"),
        members=sheets.get("members"),
        report=report,
    )
    report.counts = {"organizations": len(plan.organizations), "members": len(plan.members)}
    return plan


@collector.paused()
def import_file(
    *,
    actor: Actor,
    kind: str,
    filename: str,
    data: bytes,
    dry_run: bool = False,
    town: Place | str | int | None = None,
) -> ImportReport:
    """Validate every row; write everything in one transaction, or nothing.

    Raises PermissionDenied without the import capability and ValidationError
    when no town can be chosen; every problem in the file is in the report.
    """
    require(actor, Cap.IMPORT)
    if kind not in KINDS:
        raise ValidationError(_("Unknown import kind %(kind)s") % {"kind": kind})
    report = ImportReport(kind=kind, dry_run=dry_run)
    if len(data) > MAX_UPLOAD_BYTES:
        report.add(filename, 0, "", "", _("The file is larger than 30 MB."))
        return report
    the_town = resolve_town(actor, town, kind)
    started = time.perf_counter()
    try:
        grids = readers.read_grids(filename, data)
    except readers.UnreadableFile as exc:
        report.add(filename, 0, "", "", str(exc))
        return report
    read = time.perf_counter()
    sheets = readers.pick_sheets(grids, ROLES[kind])
    picked = time.perf_counter()
    report.timings.update(read=read - started, clean=0.0)
    for role, sheet in sheets.items():
        if sheet.name == "CSV":
            sheet.name = ROLES[kind][role][2]
    if not sheets:
        expected = "、".join(label for label, _v in next(iter(ROLES[kind].values()))[0].values())
        report.add(
            filename,
            1,
            "",
            "",
            _("No sheet has the expected headers (%(headers)s).") % {"headers": expected},
        )
        return report
    plan = _validate(actor=actor, kind=kind, town=the_town, sheets=sheets, report=report)
    _sort_errors(report, list(sheets.values()))
    # The column parsers added their time to "clean"; the rest since is validation.
    parsing = report.timings["clean"]
    report.timings.update(
        validate=time.perf_counter() - picked - parsing, clean=picked - read + parsing
    )
    if report.errors or dry_run:
        return report
    started = time.perf_counter()
    with transaction.atomic():
        _write(actor=actor, town=the_town, kind=kind, plan=plan, report=report)
        written = time.perf_counter()
    report.timings.update(write=written - started, commit=time.perf_counter() - written)
    return report


def _write(*, actor: Actor, town: Place, kind: str, plan: Any, report: ImportReport) -> None:
    if kind == "households":
        summary = households_bulk_create(actor=actor, town=town, rows=plan.rows)
        households = {}
        if plan.extra_residents:
            codes = {code for code, _p in plan.extra_residents}
            households = {
                h.code: h
                for h in Household.objects.visible_to(actor).filter(town=town, code__in=codes)
            }
        tags = {t.name: t for t in Tag.objects.all()}
        for code, person in plan.extra_residents:
            resident_create(
                actor=actor,
                household=households[code],
                name=person.name,
                relation=person.relation,
                id_number=person.id_number,
                phone=person.phone,
                tags=[tags[t] for t in person.tags],
            )
        report.counts = {
            "households": summary.households,
            "residents": summary.residents + len(plan.extra_residents),
            "representatives_created": summary.representatives_created,
        }
    else:
        report.counts = organizations_bulk_create(
            actor=actor, organizations=plan.organizations, members=plan.members
        )
    report.written = True


# --- export -----------------------------------------------------------------


def _reveal_reason(actor: Actor, reveal: bool, reason: str) -> str:
    """The cleaned reason of a revealing export ("" when not revealing); the reveal's own check."""
    if not reveal:
        return ""
    require(actor, Cap.REVEAL)
    return require_reason(reason)


def _plain(obj: Any, field: str, reveal: bool) -> str:
    return _shown(getattr(obj, field), getattr(obj, f"{field}_masked"), reveal)


def household_queryset(actor: Actor, params: Mapping[str, Any]) -> Any:
    """Visible households narrowed by the list page's filter (same query string)."""
    if params.get("place"):
        # An out-of-scope place must look missing, not export an empty file.
        get_visible_or_404(Place, actor, pk=params.get("place"))
    base = Household.objects.visible_to(actor)
    return HouseholdFilter(params, queryset=base).qs


def _shown(cipher: str, masked: str, reveal: bool) -> str:
    return personal.decrypt(cipher) if reveal and cipher else masked


def _tag_names(
    through: Any, owner: str, households: str, ids: Any, show_sensitive: bool
) -> dict[int, list[str]]:
    """Tag names by `owner` id, sorted (sensitive tags only for those who may see them)."""
    tag_filter = {} if show_sensitive else {"tag__sensitive": False}
    names: dict[int, list[str]] = defaultdict(list)
    for owner_id, name in (
        through.objects.filter(**{f"{households}__in": ids}, **tag_filter)
        .order_by("tag__name")
        .values_list(owner, "tag__name")
    ):
        names[owner_id].append(name)
    return names


def _people_of(ids: Any, reveal: bool, show_sensitive: bool) -> dict[int, list[list[Any]]]:
    """Resident rows of the 居民 sheet by household id."""
    resident_tags = _tag_names(
        Resident.tags.through, "resident_id", "resident__household_id", ids, show_sensitive
    )
    people_of: dict[int, list[list[Any]]] = defaultdict(list)
    for rid, hid, name, relation, id_c, id_m, phone_c, phone_m in (
        Resident.objects.filter(household_id__in=ids)
        .order_by("household_id", "id")
        .values_list(
            "pk",
            "household_id",
            "name",
            "relation",
            "id_number",
            "id_number_masked",
            "phone",
            "phone_masked",
        )
        .iterator(chunk_size=EXPORT_CHUNK)
    ):
        people_of[hid].append(
            [
                name,
                vocabulary.RELATION_LABELS.get(relation, ""),
                _shown(id_c, id_m, reveal),
                _shown(phone_c, phone_m, reveal),
                "、".join(resident_tags.get(rid, ())),
            ]
        )
    return people_of


def _household_sheets(
    actor: Actor, qs: Any, reveal: bool
) -> tuple[list[list[Any]], list[list[Any]]]:
    """Rows for the 户 and 居民 sheets in four queries, whatever the size.

    Plain value tuples instead of model instances: building 30,000 models with
    prefetch caches costs far more than the queries themselves.
    """
    show_sensitive = scope_for(actor).can(Cap.REVEAL)
    villages = dict(
        Place.objects.filter(kind__in=(Place.Kind.VILLAGE, Place.Kind.COMMUNITY)).values_list(
            "path", "name"
        )
    )
    ids = qs.values("pk")
    household_tags = _tag_names(
        Household.tags.through, "household_id", "household_id", ids, show_sensitive
    )
    people_of = _people_of(ids, reveal, show_sensitive)
    households: list[list[Any]] = []
    people: list[list[Any]] = []
    rows = (
        qs.order_by("place_path", "code")
        .values_list(
            "pk",
            "place_path",
            "place__name",
            "code",
            "head_name",
            "phone",
            "phone_masked",
            "address",
            "size",
            "representative__name",
            "representative__phone",
            "representative__phone_masked",
        )
        .iterator(chunk_size=EXPORT_CHUNK)
    )
    for hid, path, group, code, head, phone_c, phone_m, address, size, rep, rep_c, rep_m in rows:
        households.append(
            [
                villages.get(path[: -Place.steplen], ""),
                group,
                code,
                head,
                _shown(phone_c, phone_m, reveal),
                address,
                size,
                rep or "",
                _shown(rep_c or "", rep_m or "", reveal),
                "、".join(household_tags.get(hid, ())),
            ]
        )
        people.extend([code, *person] for person in people_of.get(hid, ()))
    return households, people


def _organization_sheets(actor: Actor, reveal: bool) -> tuple[list[list[Any]], list[list[Any]]]:
    orgs = list(Organization.objects.visible_to(actor).select_related("place").order_by("path"))
    names = {o.path: o.name for o in orgs}
    rows = [
        [
            names.get(o.path[: -Organization.steplen], ""),
            o.name,
            vocabulary.ORG_KIND_LABELS.get(o.kind, ""),
            vocabulary.ORG_TYPE_LABELS.get(o.org_type, ""),
            o.place.name if o.place else "",
        ]
        for o in orgs
    ]
    members = [
        [
            m.organization.name,
            m.name,
            vocabulary.GENDER_LABELS.get(m.gender, ""),
            vocabulary.STATUS_LABELS.get(m.status, ""),
            m.joined_on.isoformat() if m.joined_on else "",
            vocabulary.POST_LABELS.get(m.post, ""),
            _plain(m, "phone", reveal),
            _plain(m, "id_number", reveal),
        ]
        for m in Member.objects.visible_to(actor)
        .filter(active=True)
        .select_related("organization")
        .order_by("org_path", "name")
        .iterator(chunk_size=EXPORT_CHUNK)
    ]
    return rows, members


@transaction.atomic
def export_data(
    *,
    actor: Actor,
    kind: str,
    params: Mapping[str, Any] | None = None,
    reveal: bool = False,
    reason: str = "",
    fmt: str = "xlsx",
) -> tuple[bytes, int]:
    """(file bytes, rows exported): only visible rows, personal data masked unless revealed."""
    require(actor, Cap.EXPORT)
    if kind not in KINDS:
        raise ValidationError(_("Unknown export kind %(kind)s") % {"kind": kind})
    reason = _reveal_reason(actor, reveal, reason)
    reveal = bool(reason)
    if kind == "households":
        main, detail = _household_sheets(actor, household_queryset(actor, params or {}), reveal)
    else:
        main, detail = _organization_sheets(actor, reveal)
    content = _csv(kind, main) if fmt == "csv" else writers.export_workbook(kind, [main, detail])
    audit.record(
        actor=actor,
        action=Action.EXCHANGE_EXPORTED,
        reason=reason if reveal else "",
        data={"kind": kind, "count": len(main), "details": len(detail), "revealed": reveal},
    )
    return content, len(main)


def _csv(kind: str, rows: list[list[Any]]) -> bytes:
    """The first sheet only, UTF-8 with BOM so Chinese Excel opens it correctly."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(writers.headers(writers.SHEETS[kind][0][1]))
    for row in rows:
        writer.writerow([safe(v) for v in row])
    return out.getvalue().encode("utf-8-sig")


def iter_report_lines(report: ImportReport) -> Iterator[str]:
    for e in report.errors:
        values = {"sheet": e.sheet, "row": e.row, "column": e.column or "—", "value": e.value}
        values["reason"] = e.reason
        if e.value:
            yield _('%(sheet)s row %(row)s, %(column)s "%(value)s": %(reason)s') % values
        else:
            yield _("%(sheet)s row %(row)s, %(column)s: %(reason)s") % values
