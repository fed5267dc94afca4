"""The four-level grid: town → village/community → villager group → household.

Large tables (households, residents, visits) carry their town and the
materialized path of their place, so a subtree count is one indexed prefix scan
and a province can be distributed by town.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from treebeard.mp_tree import MP_Node, MP_NodeManager, MP_NodeQuerySet

from grassroots.core.labels import data_label
from grassroots.core.personal import SealedField
from grassroots.core.scoping import NOTHING, Scope, ScopedQuerySet


class PlaceQuerySet(MP_NodeQuerySet, ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        # A place is visible when it lies in a reached subtree, or is an ancestor
        # of one (so breadcrumbs and the browser's root can be shown).
        q = scope.places("path")
        ancestors: set[str] = set()
        for path in scope.place_paths:
            ancestors.update(path[:i] for i in range(Place.steplen, len(path), Place.steplen))
        if ancestors:
            q |= Q(path__in=ancestors)
        if scope.representative_ids:
            q |= Q(
                pk__in=Household.objects.filter(
                    representative_id__in=scope.representative_ids
                ).values("place_id")
            )
        if scope.held_household_ids is not None:
            q |= Q(pk__in=Household.objects.filter(scope.held_households()).values("place_id"))
        return self.filter(q)


class PlaceManager(MP_NodeManager.from_queryset(PlaceQuerySet)):  # type: ignore[misc]
    def get_queryset(self) -> PlaceQuerySet:
        return PlaceQuerySet(self.model, using=self._db).order_by("path")


class Place(MP_Node):
    """A node of the grid. Depth: province/city/county above towns when synthesised."""

    class Kind(models.TextChoices):
        PROVINCE = "province", _("province")
        CITY = "city", _("city")
        COUNTY = "county", _("county")
        TOWN = "town", _("town")
        SUBDISTRICT = "subdistrict", _("subdistrict")
        VILLAGE = "village", _("village")
        COMMUNITY = "community", _("community")
        GROUP = "group", _("villager group")

    # No node_order_by: sorted insertion renumbers siblings, and the paths are
    # copied into large tables (place_path/org_path). Paths never change.
    steplen = 4

    kind = models.CharField(_("kind"), max_length=12, choices=Kind)
    name = models.CharField(_("name"), max_length=100)
    code = models.CharField(
        _("division code"),
        max_length=12,
        blank=True,
        null=True,
        unique=True,
        help_text=_("Official 12-digit administrative division code, if known."),
    )
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = PlaceManager()

    class Meta:
        verbose_name = pgettext_lazy("division", "place")
        verbose_name_plural = _("places")
        indexes = [
            models.Index(fields=["kind", "name"]),
            # A level's places under a path, as one index range (the place picker's
            # options, grid/picker.py): the roots, or a province's cities, are a few rows,
            # not a scan of its 600,000 places.
            models.Index(fields=["depth", "path"], name="place_level"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_town(self) -> bool:
        return self.kind in (self.Kind.TOWN, self.Kind.SUBDISTRICT)

    def reached_by(self, scope: Scope) -> bool:
        """True when the scope reaches into this place (seeing it as an ancestor is not enough)."""
        return scope.covers_place_path(self.path)

    def town_path(self) -> str:
        """Path of the town this place belongs to ('' above town level)."""
        return town_path_of(self.path, self.depth, self.kind)


TOWN_DEPTH_KINDS = {Place.Kind.TOWN, Place.Kind.SUBDISTRICT}


def town_path_of(path: str, depth: int, kind: str) -> str:
    if kind in TOWN_DEPTH_KINDS:
        return path
    if kind == Place.Kind.GROUP:
        return path[: len(path) - 2 * Place.steplen]
    if kind in (Place.Kind.VILLAGE, Place.Kind.COMMUNITY):
        return path[: len(path) - Place.steplen]
    return ""


class Tag(models.Model):
    """A label from the configurable list (e.g. 低保户, 独居老人, 退役军人)."""

    class AppliesTo(models.TextChoices):
        HOUSEHOLD = "household", _("household")
        RESIDENT = "resident", _("resident")
        BOTH = "both", _("households and residents")

    name = models.CharField(_("name"), max_length=40, unique=True)
    name_en = models.CharField(_("English name"), max_length=60, blank=True)
    applies_to = models.CharField(
        _("applies to"), max_length=10, choices=AppliesTo, default=AppliesTo.BOTH
    )
    sensitive = models.BooleanField(
        _("sensitive"),
        default=False,
        help_text=_(
            "Sensitive labels (low income, disability, health) are shown only to roles that may reveal personal data."
        ),
    )

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        """The name in the interface language (the English name when there is one)."""
        return data_label(self.name, self.name_en)


class HouseholdQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        q = scope.places("place_path") | scope.held_households("pk")
        if scope.representative_ids:
            q |= Q(representative_id__in=scope.representative_ids)
        return self.filter(q)


class Household(models.Model):
    # Its index is the prefix of (town, place_path) and (town, code): no index of its own.
    town = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("town"),
        db_index=False,
    )
    place = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="households", verbose_name=_("villager group")
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    code = models.CharField(_("household number"), max_length=40)
    head_name = models.CharField(_("head of household"), max_length=50)
    phone = SealedField(_("phone"))
    phone_hash = models.CharField(max_length=40, blank=True, editable=False)  # Meta.indexes
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    size = models.PositiveSmallIntegerField(_("household size"), default=1)
    tags = models.ManyToManyField(
        Tag, blank=True, related_name="households", verbose_name=_("tags")
    )
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    representative = models.ForeignKey(
        "Representative",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="households",
        verbose_name=_("representative"),
        db_index=False,  # the prefix of (representative, last_visit_at)
        help_text=_("The active representative; history is kept in representative links."),
    )
    last_visit_at = models.DateTimeField(_("last visit"), null=True, blank=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = HouseholdQuerySet.as_manager()

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["place_path", "code"]
        constraints = [
            models.UniqueConstraint(fields=["town", "code"], name="household_code_unique_in_town")
        ]
        indexes = [
            models.Index(fields=["representative", "last_visit_at"]),
            models.Index(fields=["town", "place_path"]),
            # Hashes are compared whole: a plain B-tree, without the pattern-ops twin that
            # `db_index=True` adds on PostgreSQL (one index less to keep up on every write).
            models.Index(fields=["phone_hash"], name="household_phone_hash"),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.head_name}"


class ResidentQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        q = scope.places("place_path") | scope.held_households("household_id")
        if scope.representative_ids:
            q |= Q(household__representative_id__in=scope.representative_ids)
        return self.filter(q)


class Resident(models.Model):
    class Relation(models.TextChoices):
        HEAD = "head", _("head of household")
        SPOUSE = "spouse", _("spouse")
        CHILD = "child", _("child")
        PARENT = "parent", _("parent")
        GRANDCHILD = "grandchild", _("grandchild")
        SIBLING = "sibling", _("sibling")
        OTHER = "other", _("other")

    household = models.ForeignKey(
        Household, on_delete=models.CASCADE, related_name="residents", verbose_name=_("household")
    )
    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("town")
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=50)
    relation = models.CharField(
        _("relation to head"), max_length=12, choices=Relation, default=Relation.OTHER
    )
    id_number = SealedField(_("ID number"))
    id_number_hash = models.CharField(max_length=40, blank=True, editable=False)
    id_number_masked = models.CharField(_("ID number"), max_length=20, blank=True, editable=False)
    phone = SealedField(_("phone"))
    phone_hash = models.CharField(max_length=40, blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    tags = models.ManyToManyField(Tag, blank=True, related_name="residents", verbose_name=_("tags"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = ResidentQuerySet.as_manager()

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["household_id", "id"]
        indexes = [  # hashes are compared whole (see Household)
            models.Index(fields=["id_number_hash"], name="resident_id_number_hash"),
            models.Index(fields=["phone_hash"], name="resident_phone_hash"),
        ]

    def __str__(self) -> str:
        return self.name


class RepresentativeQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        q = scope.places("place_path")
        if scope.representative_ids:
            q |= Q(pk__in=scope.representative_ids)
        return self.filter(q)


class Representative(models.Model):
    """A village/resident representative (村(居)民代表) serving a set of households."""

    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("town")
    )
    place = models.ForeignKey(
        Place,
        on_delete=models.PROTECT,
        related_name="representatives",
        verbose_name=_("village or community"),
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    name = models.CharField(_("name"), max_length=50)
    phone = SealedField(_("phone"))
    phone_hash = models.CharField(max_length=40, blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="representative",
        verbose_name=_("user account"),
    )
    active = models.BooleanField(_("active"), default=True)
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = RepresentativeQuerySet.as_manager()

    class Meta:
        verbose_name = _("representative")
        verbose_name_plural = _("representatives")
        ordering = ["place_path", "name"]
        # hashes are compared whole (see Household)
        indexes = [models.Index(fields=["phone_hash"], name="representative_phone_hash")]

    def __str__(self) -> str:
        return self.name


class RepresentativeLinkQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        q = scope.places("household__place_path")
        if scope.representative_ids:
            q |= Q(representative_id__in=scope.representative_ids)
        return self.filter(q)

    def active(self) -> models.QuerySet:
        return self.filter(ended_at__isnull=True)


class RepresentativeLink(models.Model):
    """Who served a household when; exactly one open link per household."""

    household = models.ForeignKey(
        Household,
        on_delete=models.CASCADE,
        related_name="representative_links",
        verbose_name=_("household"),
    )
    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="links",
        verbose_name=_("representative"),
    )
    started_at = models.DateTimeField(_("from"))
    ended_at = models.DateTimeField(_("until"), null=True, blank=True)

    objects = RepresentativeLinkQuerySet.as_manager()

    class Meta:
        verbose_name = _("representative link")
        verbose_name_plural = _("representative links")
        ordering = ["-started_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["household"],
                condition=Q(ended_at__isnull=True),
                name="one_active_representative_per_household",
            )
        ]

    def __str__(self) -> str:
        return f"{self.representative_id} → {self.household_id}"


class VisitQuerySet(ScopedQuerySet):
    def scope_filter(self, scope: Scope) -> models.QuerySet:
        q = scope.places("place_path")
        if scope.representative_ids:
            q |= Q(representative_id__in=scope.representative_ids)
        return self.filter(q)


class Visit(models.Model):
    class Mode(models.TextChoices):
        DOOR = "door", _("home visit")
        PHONE = "phone", _("phone call")
        WECHAT = "wechat", _("WeChat")

    representative = models.ForeignKey(
        Representative,
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("representative"),
    )
    household = models.ForeignKey(  # indexed as the prefix of (household, -visited_at)
        Household,
        on_delete=models.CASCADE,
        related_name="visits",
        verbose_name=_("household"),
        db_index=False,
    )
    town = models.ForeignKey(
        Place, on_delete=models.PROTECT, related_name="+", verbose_name=_("town")
    )
    place_path = models.CharField(max_length=255, db_index=True, editable=False)
    visited_at = models.DateTimeField(_("visited at"), db_index=True)
    mode = models.CharField(_("mode"), max_length=8, choices=Mode, default=Mode.DOOR)
    notes = models.TextField(_("notes"), blank=True)
    latitude = models.DecimalField(
        _("latitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    longitude = models.DecimalField(
        _("longitude"), max_digits=9, decimal_places=6, null=True, blank=True
    )
    accuracy_m = models.PositiveIntegerField(_("GPS accuracy (m)"), null=True, blank=True)
    device_time = models.DateTimeField(_("device time"), null=True, blank=True)
    server_time = models.DateTimeField(_("server time"))
    is_demo = models.BooleanField(_("demo data"), default=False)

    objects = VisitQuerySet.as_manager()

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["-visited_at"]
        indexes = [models.Index(fields=["household", "-visited_at"])]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_at:%Y-%m-%d}"


__all__ = [
    "NOTHING",
    "Household",
    "Place",
    "Representative",
    "RepresentativeLink",
    "Resident",
    "Tag",
    "Visit",
]
