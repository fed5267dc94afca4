from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.personal import SealedField
from grassroots.core.roles import INSTALLATION_CAPS, INSTALLATION_ROLES, Cap, Role
from grassroots.core.scoping import NOTHING, Scope, ScopedQuerySet, prefix_q


class AccountQuerySet(ScopedQuerySet):
    """The accounts a town administrator manages (`Cap.MANAGE_ACCOUNTS`).

    An account belongs to a town when the town created it (`town`), when it holds (or held)
    a role anchored in the town's subtree (a place, or a Party organisation sited there), or
    when it is linked to a representative of the town's roster. Superusers are never managed
    here; only a superuser sees every account.
    """

    def scope_filter(self, scope: Scope) -> models.QuerySet:
        # --- otp (issue #14): installation administrators are managed by a superuser only;
        # the system and security administrators see every other account (decision 0020).
        appointed = RoleAssignment.objects.filter(role__in=INSTALLATION_ROLES, active=True)
        if scope.capabilities & INSTALLATION_CAPS:
            return self.filter(is_superuser=False).exclude(pk__in=appointed.values("user_id"))
        # --- end otp
        if not scope.can(Cap.MANAGE_ACCOUNTS) or not scope.town_paths:
            return self.filter(NOTHING)
        paths = scope.town_paths
        rows = RoleAssignment.objects.filter(
            prefix_q("place__path", paths) | prefix_q("organization__place_path", paths)
        ).values("user_id")
        reached = (
            prefix_q("town__path", paths)
            | Q(pk__in=rows)
            | prefix_q("representative__place_path", paths)
        )
        accounts = self.filter(reached, is_superuser=False)
        return accounts.exclude(pk__in=appointed.values("user_id")).distinct()


class User(AbstractUser):
    display_name = models.CharField(_("display name"), max_length=50, blank=True)
    # Database defaults: rows written by code that predates these columns (older migration
    # states, e.g. a data migration of another app) still insert.
    phone = SealedField(_("phone"), blank=True, db_default="")
    phone_hash = models.CharField(max_length=40, blank=True, editable=False, db_default="")
    phone_masked = models.CharField(
        _("phone"), max_length=20, blank=True, editable=False, db_default=""
    )
    town = models.ForeignKey(
        "grid.Place",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("town"),
        help_text=_("The town whose administrator created or manages the account."),
    )
    must_change_password = models.BooleanField(
        _("must change password"),
        default=False,
        db_default=False,
        help_text=_("Set by a temporary password; the user must choose a new one first."),
    )
    # --- otp (issue #14)
    two_factor_required = models.BooleanField(
        _("two-factor login required"),
        default=False,
        db_default=False,
        help_text=_("Set by a security administrator: the user must sign in with a code."),
    )
    # --- end otp

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self) -> str:
        return self.display_name or self.username


class Account(User):
    """A user as the town administrator's account pages see it: scoped (`AccountQuerySet`)."""

    # Not a UserManager: accounts are created through services.user_create, never here.
    objects = AccountQuerySet.as_manager()  # type: ignore[misc,assignment]

    class Meta:
        proxy = True
        verbose_name = _("account")
        verbose_name_plural = _("accounts")


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
    granted_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    ended_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    ended_by = models.ForeignKey(
        User,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("revoked by"),
    )

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


class ResetCode(models.Model):
    """A 6-digit code sent to a user who forgot their password; only its hash is kept."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="+")
    code_hash = models.CharField(max_length=128)
    created_at = models.DateTimeField()
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("password reset code")
        verbose_name_plural = _("password reset codes")
