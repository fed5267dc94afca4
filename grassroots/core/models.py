from __future__ import annotations

import secrets
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q
from django.db.models.functions import Cast
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core import auditmac
from grassroots.core.roles import Cap, Role
from grassroots.core.scoping import NOTHING, Scope, ScopedQuerySet


class AuditEventQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        """The rows about objects the reader reaches today, for holders of `Cap.VIEW_AUDIT`.

        An audit row names its object by type and id; the reader sees it when that
        object is in their `visible_to` now (one subquery per scoped model). So the
        reveal of a resident's ID number is read only by those who reach the
        resident; rows about what no scope reaches (accounts, API keys, exports of a
        whole kind) are for superusers, whom `visible_to` lets read everything.
        """
        if scope.can(Cap.READ_AUDIT_LOG):
            return self.all()  # the audit administrator reads the whole log (decision 0015)
        if not scope.can(Cap.VIEW_AUDIT):
            return self.none()
        q = NOTHING
        for model in apps.get_models():
            rows = model._default_manager.all()
            if model is AuditEvent or not isinstance(rows, ScopedQuerySet):
                continue
            ids = rows.scope_filter(scope).annotate(
                audit_id=Cast("pk", output_field=models.CharField())
            )
            q |= Q(object_type=model._meta.label_lower, object_id__in=ids.values("audit_id"))
        return self.filter(q)


def new_nonce() -> str:
    return secrets.token_hex(8)


class MacField(models.CharField):
    """The row's MAC (`core.auditmac.row_mac`), computed as the row is inserted.

    In `pre_save`, so every insert path computes it: `save`, `bulk_create` and the raw
    statements of `core.rows` all call it with `add=True`.
    """

    def pre_save(self, model_instance: models.Model, add: bool) -> str:
        if add:
            setattr(model_instance, self.attname, auditmac.row_mac(model_instance))
        return str(getattr(model_instance, self.attname))


class AuditEvent(models.Model):
    """Append-only record of every state change and every reveal of personal data.

    Tamper-evident (decision 0015): `mac` is set at insert; `seq`, `prev_hash` and
    `chain_hash` by `core.auditchain.seal` (the worker, every minute), in order.
    """

    class Result(models.TextChoices):
        OK = "ok", pgettext_lazy("audit result", "done")
        REFUSED = "refused", pgettext_lazy("audit result", "refused")
        FAILED = "failed", pgettext_lazy("audit result", "failed")

    at = models.DateTimeField(_("time"), db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("actor"),
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    object_type = models.CharField(_("object type"), max_length=64)
    object_id = models.CharField(_("object id"), max_length=64)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    data = models.JSONField(_("data"), default=dict, blank=True)
    # --- audit (issue #14): who, from where, with which roles, and how it ended
    source = models.CharField(_("source address"), max_length=45, blank=True)
    roles = models.JSONField(_("roles"), default=list, blank=True)
    result = models.CharField(_("result"), max_length=10, choices=Result, default=Result.OK)
    nonce = models.CharField(max_length=16, default=new_nonce, editable=False)
    mac = MacField(max_length=64, blank=True, editable=False)
    seq = models.BigIntegerField(null=True, blank=True, unique=True, editable=False)
    prev_hash = models.CharField(max_length=64, blank=True, editable=False)
    chain_hash = models.CharField(max_length=64, blank=True, editable=False)
    # --- end audit

    objects = AuditEventQuerySet.as_manager()

    class Meta:
        verbose_name = _("audit event")
        verbose_name_plural = _("audit events")
        ordering = ["-at", "-id"]
        indexes = [
            models.Index(fields=["object_type", "object_id"]),
            # The sealer's and verify's "pending" rows: few, found without a scan.
            models.Index(fields=["id"], condition=Q(seq__isnull=True), name="core_audit_unsealed"),
        ]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}#{self.object_id}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.pk is not None and not kwargs.get("force_insert"):
            raise PermissionError("audit events are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        raise PermissionError("audit events are append-only")

    def role_labels(self) -> str:
        """The roles at the time, in the reader's language."""
        names = {**dict(Role.choices), "superuser": _("superuser")}
        return ", ".join(str(names.get(r, r)) for r in self.roles or [])


class AuditSeal(models.Model):
    """The chain's two ends, one row (pk 1), locked while sealing (decision 0015).

    `anchor_*`: where the chain starts (0 and GENESIS, or the last row a prune removed);
    `head_*`: the last sealed row. `mac` covers the four, so the ends cannot be moved
    without the key: removing the newest sealed rows or the oldest ones is seen.
    """

    anchor_seq = models.BigIntegerField(default=0)
    anchor_hash = models.CharField(max_length=64, default=auditmac.GENESIS)
    head_seq = models.BigIntegerField(default=0)
    head_hash = models.CharField(max_length=64, default=auditmac.GENESIS)
    sealed_at = models.DateTimeField(null=True, blank=True)
    mac = models.CharField(max_length=64, blank=True)

    class Meta:
        verbose_name = _("audit seal")
        verbose_name_plural = _("audit seals")

    def __str__(self) -> str:
        return f"audit seal {self.anchor_seq}..{self.head_seq}"

    def expected_mac(self) -> str:
        return auditmac.seal_mac(self.anchor_seq, self.anchor_hash, self.head_seq, self.head_hash)


class CalendarDay(models.Model):
    """A day whose working status differs from the Mon–Fri default.

    Holidays on weekdays are rows with is_workday=False; adjusted working days
    (调休, weekends worked) are rows with is_workday=True. Seeded from the
    `holidays` package and editable when the State Council publishes a schedule.
    """

    class Source(models.TextChoices):
        PACKAGE = "package", _("holidays package")
        ADMIN = "admin", _("administrator")

    date = models.DateField(_("date"), primary_key=True)
    is_workday = models.BooleanField(_("working day"))
    name = models.CharField(_("name"), max_length=100, blank=True)
    source = models.CharField(_("source"), max_length=10, choices=Source, default=Source.ADMIN)

    class Meta:
        verbose_name = _("calendar day")
        verbose_name_plural = _("calendar days")
        ordering = ["date"]

    def __str__(self) -> str:
        return f"{self.date} {'workday' if self.is_workday else 'rest day'} {self.name}"
