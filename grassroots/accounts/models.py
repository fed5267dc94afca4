from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.roles import Role


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=50, blank=True)

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class RoleAssignment(models.Model):
    """A role held by a user, anchored at a grid node or a Party organisation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="role_assignments")
    role = models.CharField(_("role"), max_length=20, choices=Role)
    place = models.ForeignKey(
        "grid.Place",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=pgettext_lazy("division", "place"),
    )
    organization = models.ForeignKey(
        "party.Organization",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisation"),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        verbose_name = _("role assignment")
        verbose_name_plural = _("role assignments")
        constraints = [
            models.CheckConstraint(
                condition=~(Q(place__isnull=False) & Q(organization__isnull=False)),
                name="role_anchored_once",
            )
        ]

    def __str__(self) -> str:
        anchor = self.place or self.organization or "—"
        return f"{self.user} · {self.get_role_display()} @ {anchor}"

    def clean(self) -> None:
        needs_anchor = self.role not in (Role.REPRESENTATIVE, Role.INSTRUCTOR)
        if needs_anchor and not (self.place_id or self.organization_id):
            raise ValidationError(_("This role must be anchored at a place or an organisation."))
