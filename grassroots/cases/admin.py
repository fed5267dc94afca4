"""Cases in the back office.

Categories are town configuration (time limits per priority, the public flag,
the keywords of the category suggestion): superusers and town administrators
edit them, and every edit is audited with the values it set. Cases change only
through the services of `services/`, so here they are read-only and scoped
with `Case.objects.visible_to(user)`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db import models
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from grassroots.cases.models import (
    DEFAULT_LIMITS,
    Case,
    CaseEvent,
    CaseIntake,
    CaseSummons,
    Category,
    Priority,
)
from grassroots.core import audit
from grassroots.core.admin import ScopedReadOnlyAdmin, TownAdminEditable
from grassroots.core.audit import Action


def _respond(priority: str) -> str:
    return f"{priority}_respond_hours"


def _resolve(priority: str) -> str:
    return f"{priority}_resolve_days"


def _limit_fields() -> dict[str, forms.Field]:
    fields: dict[str, forms.Field] = {}
    for priority in Priority.values:
        fields[_respond(priority)] = forms.IntegerField(
            min_value=1, max_value=24 * 30, required=False
        )
        fields[_resolve(priority)] = forms.IntegerField(min_value=1, max_value=120, required=False)
    return fields


class _CategoryFormBase(forms.ModelForm):
    """The `limits` JSON as two number fields per priority; blank inherits."""

    class Meta:
        model = Category
        fields = (
            "parent",
            "code",
            "name",
            "name_en",
            "public",
            "default_priority",
            "keywords",
            "active",
            "sort",
        )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limits = self.instance.limits or {}
        # Labels here, not at import: they are translated per request.
        for priority, label in Priority.choices:
            hours, days = DEFAULT_LIMITS[priority]
            current = limits.get(priority) or [None, None]
            respond, resolve = self.fields[_respond(priority)], self.fields[_resolve(priority)]
            respond.label = _("%(priority)s: respond within (hours)") % {"priority": label}
            respond.help_text = _("Blank: as the parent category, else %(n)d.") % {"n": hours}
            resolve.label = _("%(priority)s: resolve within (working days)") % {"priority": label}
            resolve.help_text = _("Blank: as the parent category, else %(n)d.") % {"n": days}
            if not self.is_bound:
                self.initial.setdefault(_respond(priority), current[0])
                self.initial.setdefault(_resolve(priority), current[1])

    def clean_parent(self) -> Category | None:
        parent = self.cleaned_data.get("parent")
        node = parent
        # A category may not sit below itself: the limits lookup walks parents.
        while node is not None and self.instance.pk:
            if node.pk == self.instance.pk:
                raise forms.ValidationError(_("A category cannot be its own ancestor."))
            node = node.parent
        return parent

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        limits: dict[str, list[int]] = {}
        for priority, label in Priority.choices:
            hours, days = data.get(_respond(priority)), data.get(_resolve(priority))
            if hours is None and days is None:
                continue
            if hours is None or days is None:
                raise forms.ValidationError(
                    _("Give both limits for “%(priority)s”, or neither.") % {"priority": label}
                )
            limits[priority] = [hours, days]
        self.instance.limits = limits
        return data


# Declared on the class (the admin checks its fieldsets against declared fields).
CategoryForm = type("CategoryForm", (_CategoryFormBase,), _limit_fields())


@admin.register(Category)
class CategoryAdmin(TownAdminEditable):
    form = CategoryForm
    list_display = (
        "name",
        "code",
        "parent",
        "public",
        "default_priority",
        "limits_summary",
        "keywords",
        "active",
        "sort",
    )
    list_editable = ("public", "active", "sort")
    list_filter = ("public", "active", "default_priority", "parent")
    list_select_related = ("parent",)
    search_fields = ("name", "code", "keywords")
    ordering = ("sort", "code")

    def get_fieldsets(self, request: HttpRequest, obj: Any = None) -> list[tuple[Any, dict]]:
        limit_fields = []
        for priority in Priority.values:
            limit_fields.append((_respond(priority), _resolve(priority)))
        return [
            (None, {"fields": ("name", "code", "parent", "sort", "active")}),
            (_("Public board and suggestion"), {"fields": ("public", "keywords")}),
            (_("Time limits"), {"fields": ("default_priority", *limit_fields)}),
        ]

    @admin.display(description=_("time limits"))
    def limits_summary(self, obj: Category) -> str:
        # "h" hours to respond / "wd" working days to resolve, own values only.
        labels = dict(Priority.choices)
        parts = [f"{labels.get(p, p)} {v[0]}h/{v[1]}wd" for p, v in (obj.limits or {}).items() if v]
        return "; ".join(parts) or "—"

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        # Not the base class's save_model: the audit row carries the new values.
        admin.ModelAdmin.save_model(self, request, obj, form, change)
        audit.record(
            actor=request.user,
            action=Action.ADMIN_CHANGED if change else Action.ADMIN_ADDED,
            obj=obj,
            data={
                "fields": list(form.changed_data),
                "public": obj.public,
                "limits": obj.limits,
                "keywords": obj.keywords,
            },
        )


class CaseEventInline(admin.TabularInline):
    model = CaseEvent
    fields = ("at", "kind", "actor", "from_status", "to_status", "note")
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ("at", "id")

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return super().get_queryset(request).select_related("actor")

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class CaseSummonsInline(CaseEventInline):
    model = CaseSummons
    fields = ("user", "place", "summoned_at", "acknowledged_at", "acknowledged_by")
    readonly_fields = fields
    ordering = ("summoned_at",)

    def get_queryset(self, request: HttpRequest) -> models.QuerySet:
        return admin.TabularInline.get_queryset(self, request).select_related(
            "user", "place", "acknowledged_by"
        )


@admin.register(Case)
class CaseAdmin(ScopedReadOnlyAdmin):
    """Read-only; `ScopedReadOnlyAdmin.get_queryset` applies `visible_to(user)`."""

    list_display = (
        "code",
        "title",
        "category",
        "place",
        "status",
        "priority",
        "handler",
        "resolve_due_at",
        "supervised",
        "submitted_at",
    )
    list_select_related = ("category", "place", "handler")
    list_filter = ("status", "priority", "channel", "supervised", "category")
    search_fields = ("code", "title")
    date_hierarchy = "submitted_at"
    # The sealed phone and its hash never reach the page; the mask does.
    exclude = ("reporter_phone", "reporter_phone_hash")
    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}
    readonly_fields = ("reporter_phone_masked", "place_path")
    inlines = (CaseEventInline, CaseSummonsInline)


@admin.register(CaseIntake)
class CaseIntakeAdmin(ScopedReadOnlyAdmin):
    """Queued filings not yet registered, and those refused with the reason (decision 0007)."""

    list_display = ("code", "status", "received_at", "actor", "error", "processed_at")
    list_filter = ("status",)
    search_fields = ("code",)
    # The filing may hold a sealed phone: the JSON is not shown.
    exclude = ("payload",)
