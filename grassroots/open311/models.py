"""API keys for Open311 clients. Only a hash is stored; the key is shown once."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class ApiKey(models.Model):
    name = models.CharField(_("name"), max_length=100, unique=True)
    prefix = models.CharField(_("key prefix"), max_length=8, editable=False)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    town = models.ForeignKey(
        "grid.Place",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("jurisdiction"),
        help_text=_("Restrict the key to one town; empty allows every town."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("submits as"),
        help_text=_("Cases filed with this key are recorded as submitted by this user."),
    )
    exact_locations = models.BooleanField(
        _("exact locations"),
        default=False,
        help_text=_(
            "Show this client the exact position of cases filed at a household "
            "(otherwise a cell of about 1 km, like anonymous clients)."
        ),
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"))
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)

    class Meta:
        verbose_name = _("Open311 API key")
        verbose_name_plural = _("Open311 API keys")
        ordering = ["name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"
