from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from grassroots.core.scoping import Unscoped, unscoped
from grassroots.grid.models import Place, Tag

CHECK = "on"
WRITE = "off"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("What to import"),
        choices=[
            ("households", _("Households and residents")),
            ("organizations", _("Party organisations and members")),
        ],
        initial="households",
        widget=forms.RadioSelect,
    )
    file = forms.FileField(label=_("File (.xlsx or .csv)"))
    # A choice of two, shown as a segmented control; a form without it imports (as before).
    dry_run = forms.TypedChoiceField(
        label=_("What to do"),
        choices=[(CHECK, _("Check only, write nothing")), (WRITE, _("Import"))],
        coerce=lambda value: value == CHECK,
        empty_value=False,
        required=False,
        initial=CHECK,
        widget=forms.RadioSelect,
    )
    town = forms.ModelChoiceField(
        label=_("Town"), queryset=Place.objects.none(), required=False, empty_label=None
    )

    def __init__(self, *args: Any, towns: list[Place] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        towns = towns or []
        # `towns` are the caller's own (the view reads them through the scope).
        self.fields["town"].queryset = unscoped(Place, why=Unscoped.SYSTEM).filter(
            pk__in=[t.pk for t in towns]
        )
        if len(towns) <= 1:
            # One town: nothing to choose, the service picks it.
            del self.fields["town"]


class TagForm(forms.Form):
    name = forms.CharField(label=_("Tag"), max_length=40)
    applies_to = forms.ChoiceField(
        label=_("Applies to"), choices=Tag.AppliesTo.choices, initial=Tag.AppliesTo.BOTH
    )
    sensitive = forms.BooleanField(label=_("Sensitive"), required=False)
