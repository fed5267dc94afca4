"""households_bulk_create writes set-based (COPY / executemany) and keeps its promises."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError

from grassroots.core import personal
from grassroots.core.audit import Action
from grassroots.core.models import AuditEvent
from grassroots.grid import services
from grassroots.grid.models import (
    Household,
    Representative,
    RepresentativeLink,
    Resident,
    Tag,
)
from grassroots.grid.services import HouseholdRow, ResidentRow
from grassroots.testing import Town

pytestmark = pytest.mark.django_db
ID_NUMBER = "11010519491231002X"


@pytest.mark.parametrize(
    ("kind", "value"),
    [
        ("phone", "13812345678"),
        ("phone", "１３８ 1234-5678"),
        ("phone", "0731-8888777"),
        ("phone", ""),
        ("id_number", ID_NUMBER.lower()),
        ("id_number", "12345"),
    ],
)
def test_the_bulk_sealer_gives_what_personal_seal_gives(kind: str, value: str) -> None:
    cipher, digest, masked = personal.Sealer()(kind, value)
    expected = personal.seal(kind, value)
    assert (digest, masked) == (expected["_hash"], expected["_masked"])
    assert personal.decrypt(cipher) == personal.decrypt(expected[""])


def rows(town: Town) -> list[HouseholdRow]:
    return [
        HouseholdRow(
            group=town.group_a1,
            code="A-201",
            head_name="孙一",
            phone="13811112222",
            address="明月村一组201号",
            size=3,
            tags=["独居老人"],
            rep_name="张代表",
            rep_phone="13800000001",  # the existing rep_a: reused
            residents=[
                ResidentRow(
                    name="孙一",
                    relation=Resident.Relation.HEAD,
                    id_number=ID_NUMBER,
                    phone="13811112222",
                    tags=["退役军人"],
                ),
                ResidentRow(name="孙小一", relation=Resident.Relation.CHILD),
            ],
        ),
        HouseholdRow(
            group=town.group_a2,
            code="A-202",
            head_name="周二",
            rep_name="新代表",
            rep_phone="13900001111",
        ),
        HouseholdRow(
            group=town.group_a2,
            code="A-203",
            head_name="周三",
            rep_name="新代表",
            rep_phone="13900001111",  # the same new representative, created once
        ),
        HouseholdRow(group=town.group_b1, code="B-204", head_name="吴四"),
    ]


def test_rows_households_links_residents_and_tags_point_at_each_other(town: Town) -> None:
    before = AuditEvent.objects.filter(action=Action.GRID_HOUSEHOLDS_IMPORTED).count()
    summary = services.households_bulk_create(actor=town.alice, town=town.town, rows=rows(town))
    assert (summary.households, summary.residents, summary.representatives_created) == (4, 2, 1)
    assert summary.links == 3

    a201 = Household.objects.get(code="A-201")
    assert (a201.town, a201.place, a201.place_path) == (
        town.town,
        town.group_a1,
        town.group_a1.path,
    )
    assert (a201.head_name, a201.address, a201.size, a201.is_demo) == (
        "孙一",
        "明月村一组201号",
        3,
        False,
    )
    assert a201.created_at is not None and a201.last_visit_at is None
    assert personal.decrypt(a201.phone) == "13811112222"
    assert a201.phone_masked == "138****2222"
    assert a201.phone_hash == personal.lookup_hash("13811112222")
    assert a201.representative == town.rep_a
    assert [t.name for t in a201.tags.all()] == ["独居老人"]

    new_rep = Representative.objects.get(name="新代表")
    assert (new_rep.place, new_rep.place_path, new_rep.town) == (
        town.village_a,
        town.village_a.path,
        town.town,
    )
    assert new_rep.active and personal.decrypt(new_rep.phone) == "13900001111"
    assert set(Household.objects.filter(representative=new_rep).values_list("code", flat=True)) == {
        "A-202",
        "A-203",
    }
    assert Household.objects.get(code="B-204").representative is None

    links = RepresentativeLink.objects.filter(household__code__in=["A-201", "A-202", "A-203"])
    assert {(link.household.code, link.representative_id, link.ended_at) for link in links} == {
        ("A-201", town.rep_a.pk, None),
        ("A-202", new_rep.pk, None),
        ("A-203", new_rep.pk, None),
    }
    head, child = Resident.objects.filter(household=a201).order_by("id")
    assert (head.name, head.relation, head.place_path, head.town) == (
        "孙一",
        "head",
        town.group_a1.path,
        town.town,
    )
    assert personal.decrypt(head.id_number) == ID_NUMBER
    assert head.id_number_masked == "110105********002X"
    assert [t.name for t in head.tags.all()] == ["退役军人"]
    assert child.id_number == "" and child.id_number_hash == "" and list(child.tags.all()) == []
    assert AuditEvent.objects.filter(action=Action.GRID_HOUSEHOLDS_IMPORTED).count() == before + 1


def test_records_created_afterwards_get_fresh_ids(town: Town) -> None:
    services.households_bulk_create(actor=town.alice, town=town.town, rows=rows(town))
    later = services.household_create(
        actor=town.alice, group=town.group_b1, code="B-205", head_name="郑"
    )
    assert later.pk > max(Household.objects.exclude(pk=later.pk).values_list("pk", flat=True))
    rep = services.representative_create(actor=town.alice, village=town.village_b, name="后来")
    assert Representative.objects.filter(pk=rep.pk).count() == 1
    assert Tag.objects.filter(name="独居老人").count() == 1


def test_a_database_error_on_any_row_writes_nothing(town: Town) -> None:
    counts = (
        Household.objects.count(),
        Representative.objects.count(),
        RepresentativeLink.objects.count(),
        Resident.objects.count(),
        AuditEvent.objects.count(),
    )
    bad = rows(town)
    bad[-1].size = -1  # violates the table's CHECK (size >= 0) after the representatives went in
    with pytest.raises(IntegrityError):
        services.households_bulk_create(actor=town.alice, town=town.town, rows=bad)
    assert counts == (
        Household.objects.count(),
        Representative.objects.count(),
        RepresentativeLink.objects.count(),
        Resident.objects.count(),
        AuditEvent.objects.count(),
    )


def test_duplicates_and_rows_outside_the_area_are_refused(town: Town) -> None:
    dup = rows(town)
    dup[0].code = "A-001"
    with pytest.raises(ValidationError, match="A-001"):
        services.households_bulk_create(actor=town.alice, town=town.town, rows=dup)
    with pytest.raises(ValidationError):
        services.households_bulk_create(actor=town.sam, town=town.town, rows=rows(town))
    assert not Household.objects.filter(code__in=["A-201", "A-202"]).exists()
