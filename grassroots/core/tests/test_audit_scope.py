"""The audit log shows each officer the rows about what they reach, never everything (issue #9).

The rule: superusers read every row; a holder of `Cap.VIEW_AUDIT` (a town
administrator, an organisation officer) reads the rows whose object is one they
reach today (`visible_to`), so the reveal of a resident's ID number is read by
those who reach the resident and by nobody else; rows about objects no scope
can reach (accounts, keys, exports of a whole kind) are for superusers only.
"""

from __future__ import annotations

from typing import Any

from django.urls import reverse

from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.core.services import reveal
from grassroots.testing import Town


def _reveals(town: Town) -> tuple[AuditEvent, AuditEvent]:
    resident = town.household_a1.residents.get()
    reveal(actor=town.sam, obj=resident, field="id_number", reason="核实身份信息")
    reveal(actor=town.olga, obj=town.member_a, field="phone", reason="通知开会")
    rows = AuditEvent.objects.filter(action=Action.PERSONAL_REVEALED)
    return rows.get(object_type="grid.resident"), rows.get(object_type="party.member")


def test_the_organisation_officer_reads_no_reveal_of_a_resident(town: Town) -> None:
    resident_row, member_row = _reveals(town)
    olga_rows = set(AuditEvent.objects.visible_to(town.olga))
    assert resident_row not in olga_rows
    assert member_row in olga_rows
    assert all(r.object_type.startswith("party.") for r in olga_rows)


def test_the_town_administrator_reads_the_rows_of_her_town_and_the_superuser_all(
    town: Town,
) -> None:
    resident_row, member_row = _reveals(town)
    alice_rows = set(AuditEvent.objects.visible_to(town.alice))
    assert {resident_row, member_row} <= alice_rows
    assert set(AuditEvent.objects.visible_to(town.root)) == set(AuditEvent.objects.all())
    # A role grant concerns an account, which no scope reaches: superusers only.
    assert not any(r.action == Action.ACCOUNTS_ROLE_GRANTED for r in alice_rows)


def test_roles_without_the_audit_capability_read_nothing(town: Town) -> None:
    _reveals(town)
    for user in (town.sam, town.rita, town.ivan, town.oscar):
        assert not AuditEvent.objects.visible_to(user).exists()


def test_the_back_office_lists_only_the_rows_in_reach(town: Town, client_for: Any) -> None:
    resident_row, member_row = _reveals(town)
    url = reverse("admin:core_auditevent_changelist")
    olga = client_for("olga")
    html = olga.get(url, {"action": Action.PERSONAL_REVEALED}).content.decode()
    assert "核实身份信息" not in html and "通知开会" in html
    detail = reverse("admin:core_auditevent_change", args=[resident_row.pk])
    assert olga.get(detail).status_code in (302, 404)
    alice_html = client_for("alice").get(url).content.decode()
    assert "核实身份信息" in alice_html
