"""Which branches an item version is assigned to (its target rule, read by the worker)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db import models

from grassroots.duties.models import Plan, TargetRule
from grassroots.party.models import Organization

RULE_ORG_TYPE = {
    TargetRule.VILLAGE: Organization.OrgType.VILLAGE,
    TargetRule.TWO_NEW: Organization.OrgType.TWO_NEW,
    TargetRule.INSTITUTION: Organization.OrgType.INSTITUTION,
}


def branches_under(plan: Plan) -> models.QuerySet:
    """Every branch under the plan's committee."""
    return Organization.objects.filter(
        kind=Organization.Kind.BRANCH, path__startswith=plan.org_path
    ).order_by("path")


def targets_of(version: Any) -> models.QuerySet:
    """The branches a version is assigned to, as a queryset."""
    plan = version.item.plan
    branches = branches_under(plan)
    if version.target_rule == TargetRule.LISTED:
        return branches.filter(pk__in=version.targets.values("pk"))
    if version.target_rule in RULE_ORG_TYPE:
        return branches.filter(org_type=RULE_ORG_TYPE[version.target_rule])
    return branches


def pick(version: Any, branches: Iterable[Organization], listed: set[int]) -> list[Organization]:
    """`targets_of` over branches already read (the worker reads them once per run)."""
    rule = version.target_rule
    if rule == TargetRule.LISTED:
        return [b for b in branches if b.pk in listed]
    if rule in RULE_ORG_TYPE:
        return [b for b in branches if b.org_type == RULE_ORG_TYPE[rule]]
    return list(branches)
