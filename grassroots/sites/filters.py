"""The one FilterSet of site projects, shared by the board, the API and the export."""

from __future__ import annotations

from typing import Any

import django_filters
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from grassroots.core import clock
from grassroots.core.ids import IdModelChoiceFilter, parse_id
from grassroots.core.scoping import Unscoped, unscoped
from grassroots.core.widgets import ManyOptionsSelect
from grassroots.grid.models import Place
from grassroots.party.models import Organization
from grassroots.sites.models import Project, Stage
from grassroots.sites.selectors import NOT_STARTED, overdue_q

STAGE_CHOICES = [("none", NOT_STARTED), *Stage.choices]
# More reachable branches than this (a county): the branch select lists those of the chosen
# town only, so the page stays light and fast; the filter still accepts any reached branch.
BRANCH_CHOICES_MAX = 100


def reachable_branches(request: Any) -> QuerySet:
    """The branches (and general branches) the caller reaches: the branch filter's choices."""
    if request is None:
        return unscoped(Organization, why=Unscoped.SYSTEM).none()
    return (
        Organization.objects.visible_to(request.user)
        .filter(kind__in=(Organization.Kind.BRANCH, Organization.Kind.GENERAL_BRANCH))
        .order_by("path")
    )


def reachable_towns(request: Any) -> QuerySet:
    """The towns of the branches the caller reaches: the town filter's choices."""
    if request is None:
        return unscoped(Place, why=Unscoped.SYSTEM).none()
    # Ids read from the caller's scoped branches: no place beyond them.
    ids = reachable_branches(request).order_by().values("town_id")
    return unscoped(Place, why=Unscoped.SYSTEM).filter(pk__in=ids).order_by("path")


class ProjectFilter(django_filters.FilterSet):
    stage = django_filters.ChoiceFilter(
        choices=STAGE_CHOICES,
        method="filter_stage",
        label=_("Stage reached"),
        empty_label=_("All stages"),
    )
    town = IdModelChoiceFilter(
        queryset=reachable_towns,
        label=_("Town"),
        empty_label=_("All towns"),
        widget=ManyOptionsSelect,  # a province's 2,858 towns
    )
    branch = IdModelChoiceFilter(
        queryset=reachable_branches, label=_("Branch"), empty_label=_("All branches")
    )
    is_demonstration = django_filters.BooleanFilter(label=_("Demonstration site"))
    overdue = django_filters.BooleanFilter(method="filter_overdue", label=_("Overdue"))

    class Meta:
        model = Project
        fields = ["stage", "town", "branch", "is_demonstration", "overdue"]

    @property
    def form(self) -> Any:
        if not hasattr(self, "_form"):
            self._narrow(super().form)
        return self._form

    def _narrow(self, form: Any) -> None:
        """A town select only when there are several towns; the branch select lists at most
        BRANCH_CHOICES_MAX branches (those of the chosen town, or the chosen branch)."""
        if self.request is None:
            return
        towns = list(reachable_towns(self.request)[:2])
        if len(towns) < 2:
            del form.fields["town"]
        field = form.fields["branch"]
        branches = reachable_branches(self.request)
        town = parse_id(self.data.get("town")) if "town" in form.fields else None
        shown = list(branches.filter(town_id=town) if town else branches[: BRANCH_CHOICES_MAX + 1])
        if len(shown) > BRANCH_CHOICES_MAX:
            shown = list(branches.filter(pk=parse_id(self.data.get("branch")) or 0))
            field.help_text = _("Choose a town first to pick one of its branches.")
        field.widget.choices = [("", field.empty_label), *((b.pk, b.name) for b in shown)]

    def filter_stage(self, queryset: QuerySet, name: str, value: str) -> QuerySet:
        return queryset.filter(stage="" if value == "none" else value)

    def filter_overdue(self, queryset: QuerySet, name: str, value: bool | None) -> QuerySet:
        if value is None:
            return queryset
        late = overdue_q(clock.today())
        return queryset.filter(late) if value else queryset.exclude(late)
