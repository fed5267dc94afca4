"""Notices (the in-app inbox), per-user channel preferences, town webhooks and deliveries.

A Notice is what a user reads in the inbox; a Delivery is one channel's attempt to
push it elsewhere (email, WeChat Work or DingTalk group robot, SMS). Deliveries
carry their own due time so a periodic job can claim and retry them.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.contenttypes.models import ContentType
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from grassroots.core.personal import SealedField
from grassroots.core.scoping import Scope, ScopedQuerySet
from grassroots.notify import messages


class Channel(models.TextChoices):
    INAPP = "inapp", _("in-app")
    EMAIL = "email", _("email")
    WECOM = "wecom", _("WeChat Work robot")
    DINGTALK = "dingtalk", _("DingTalk robot")
    SMS = "sms", _("SMS")


class NoticeQuerySet(ScopedQuerySet):
    # Notices are personal: even a superuser's inbox holds only their own.
    everything_sees_all = False

    def scope_filter(self, scope: Scope) -> models.QuerySet:
        if scope.user_id is None:
            return self.none()
        return self.filter(recipient_id=scope.user_id)

    def unread(self) -> models.QuerySet:
        return self.filter(read_at__isnull=True)


class Notice(models.Model):
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notices",
        verbose_name=_("recipient"),
    )
    kind = models.CharField(_("kind"), max_length=64)
    # What the notice says: a message key and its parameters, rendered at read
    # time in the reader's language (notify.messages); never a translated sentence.
    message = models.CharField(_("message"), max_length=100, blank=True)
    params = models.JSONField(_("parameters"), default=dict, blank=True)
    # The words stored by notices written before messages had keys, shown only
    # when the message cannot be rendered (unknown key, parameters that no longer fit).
    fallback_title = models.CharField(_("stored title"), max_length=200, blank=True)
    # Data shown under the title as it is (the resident's own words), not translated.
    body = models.TextField(_("text"), blank=True)
    url = models.CharField(_("link"), max_length=500, blank=True)
    object_type = models.ForeignKey(
        ContentType,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("object type"),
    )
    object_id = models.CharField(_("object id"), max_length=64, blank=True)
    key = models.CharField(_("idempotency key"), max_length=200, null=True, blank=True)
    created_at = models.DateTimeField(_("created"))
    read_at = models.DateTimeField(_("read"), null=True, blank=True)

    objects = NoticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("notice")
        verbose_name_plural = _("notices")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "key"],
                condition=Q(key__isnull=False),
                name="notice_once_per_key",
            )
        ]
        indexes = [models.Index(fields=["recipient", "read_at"], name="notice_unread")]

    def __str__(self) -> str:
        return f"{self.recipient} · {self.title}"

    def render(self, language: str | None = None) -> tuple[str, str]:
        """(title, body) in `language`, or in the active language without one."""
        return messages.render(
            self.message,
            self.params,
            fallback_title=self.fallback_title,
            fallback_body=self.body,
            language=language,
        )

    @property
    def title(self) -> str:
        return self.render()[0]

    @property
    def text(self) -> str:
        return self.render()[1]


class Preference(models.Model):
    """Which channels a user wants besides the inbox, and where they point."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="notify_preference",
        verbose_name=_("user"),
    )
    email_enabled = models.BooleanField(_("email"), default=False)
    email = models.EmailField(_("email address"), blank=True)
    wecom_enabled = models.BooleanField(_("WeChat Work robot"), default=False)
    wecom_webhook = models.URLField(_("WeChat Work webhook"), max_length=500, blank=True)
    dingtalk_enabled = models.BooleanField(_("DingTalk robot"), default=False)
    dingtalk_webhook = models.URLField(_("DingTalk webhook"), max_length=500, blank=True)
    dingtalk_secret = models.CharField(_("DingTalk signing secret"), max_length=200, blank=True)
    language = models.CharField(
        _("language of messages"),
        max_length=10,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of e-mail, robot and SMS messages."),
    )
    sms_enabled = models.BooleanField(_("SMS"), default=False)
    phone = SealedField(_("mobile phone"))
    phone_hash = models.CharField(max_length=40, blank=True, editable=False)
    phone_masked = models.CharField(_("mobile phone"), max_length=20, blank=True, editable=False)
    muted_kinds = models.JSONField(_("muted kinds"), default=list, blank=True)
    updated_at = models.DateTimeField(_("updated"), null=True, blank=True)

    class Meta:
        verbose_name = _("notification preference")
        verbose_name_plural = _("notification preferences")

    def __str__(self) -> str:
        return str(self.user)


class TownWebhook(models.Model):
    """A town's group robot: receives every notice about objects of that town."""

    town = models.ForeignKey(
        "grid.Place", on_delete=models.CASCADE, related_name="+", verbose_name=_("town")
    )
    name = models.CharField(_("name"), max_length=100)
    channel = models.CharField(
        _("channel"),
        max_length=10,
        choices=[(Channel.WECOM, Channel.WECOM.label), (Channel.DINGTALK, Channel.DINGTALK.label)],
    )
    url = models.URLField(_("webhook"), max_length=500)
    secret = models.CharField(_("signing secret"), max_length=200, blank=True)
    kinds = models.CharField(
        _("kinds"),
        max_length=500,
        blank=True,
        help_text=_("Comma-separated notice kinds or prefixes; empty means all."),
    )
    enabled = models.BooleanField(_("enabled"), default=True)

    class Meta:
        verbose_name = _("town webhook")
        verbose_name_plural = _("town webhooks")

    def __str__(self) -> str:
        return self.name

    def wants(self, kind: str) -> bool:
        wanted = [k.strip() for k in self.kinds.split(",") if k.strip()]
        return not wanted or any(kind == k or kind.startswith(k + ".") for k in wanted)


class Delivery(models.Model):
    class Status(models.TextChoices):
        PENDING = "pending", _("pending")
        SENT = "sent", _("sent")
        FAILED = "failed", _("failed")

    notice = models.ForeignKey(
        Notice, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("notice")
    )
    channel = models.CharField(_("channel"), max_length=10, choices=Channel)
    town_webhook = models.ForeignKey(
        TownWebhook,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="deliveries",
        verbose_name=_("town webhook"),
    )
    status = models.CharField(_("status"), max_length=10, choices=Status, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    last_error = models.CharField(_("last error"), max_length=500, blank=True)
    next_attempt_at = models.DateTimeField(_("next attempt"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"))

    class Meta:
        verbose_name = _("delivery")
        verbose_name_plural = _("deliveries")
        ordering = ["id"]
        # The retry sweep is one range scan over pending rows that are due.
        indexes = [models.Index(fields=["status", "next_attempt_at"], name="delivery_due")]

    def __str__(self) -> str:
        return f"{self.notice_id} {self.channel} {self.status}"
