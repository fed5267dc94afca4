"""The queue of filings accepted through `/api/case-intake/` (decision 0007).

Its own module so that `models.py` stays the case itself; `models` re-exports
`CaseIntake` and `IntakeStatus`, and Django registers the model from there.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from grassroots.core.scoping import Scope, ScopedQuerySet


class IntakeStatus(models.TextChoices):
    PENDING = "pending", _("received, being registered")
    DONE = "done", _("registered")
    FAILED = "failed", _("not registered")


class CaseIntakeQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        """A queued filing is seen by the account that sent it (and by superusers)."""
        if scope.user_id is None:
            return self.none()
        return self.filter(actor_id=scope.user_id)


class CaseIntake(models.Model):
    """A filing accepted through the queued API, until the worker registers it (decision 0007).

    The request checks the filing as `case_submit` would and writes only this
    row; the worker turns it into the case, which keeps the same tracking code
    and the receipt time as its filing time, and deletes the row in the same
    transaction. What stays here is waiting, or refused with the reason. The
    table is small, so the row is lean: the code is the key, and the filer is
    not a checked foreign key (the worker loads the user and refuses the
    filing if it has gone).
    """

    code = models.CharField(_("tracking code"), max_length=16, primary_key=True, editable=False)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.DO_NOTHING,
        null=True,
        blank=True,
        related_name="+",
        db_index=False,
        db_constraint=False,
        verbose_name=_("filed by"),
    )
    received_at = models.DateTimeField(_("received"))
    status = models.CharField(
        _("status"), max_length=8, choices=IntakeStatus, default=IntakeStatus.PENDING
    )
    # The checked filing: ids, text, channel; a call-back phone only sealed.
    payload = models.JSONField(_("filing"), default=dict)
    error = models.CharField(_("why it was not registered"), max_length=300, blank=True)
    processed_at = models.DateTimeField(_("processed"), null=True, blank=True)

    objects = CaseIntakeQuerySet.as_manager()

    class Meta:
        verbose_name = _("queued filing")
        verbose_name_plural = _("queued filings")
        ordering = ["received_at"]

    def __str__(self) -> str:
        return f"{self.code} ({self.get_status_display()})"
