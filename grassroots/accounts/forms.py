"""Forms of the account pages (the town administrator's and everyone's own password)."""

from __future__ import annotations

from typing import Any, cast

from django import forms
from django.contrib.auth.forms import PasswordChangeForm
from django.contrib.auth.password_validation import password_validators_help_text_html
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.accounts.services import rank_of
from grassroots.core.roles import ROLE_RANK, Cap, Role
from grassroots.core.scoping import Unscoped, prefix_q, scope_for, unscoped
from grassroots.grid.models import Place, Representative
from grassroots.party.models import Organization

# Representatives and instructors are people of the rosters: their logins are linked to a
# roster row (representative) or an instructor record, not granted at a node.
LINKED_ROLES = (Role.REPRESENTATIVE, Role.INSTRUCTOR)


class AccountFilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("active", _("Active")), ("inactive", _("Deactivated"))],
    )
    role = forms.ChoiceField(
        label=_("role"), required=False, choices=[("", _("All")), *Role.choices]
    )


class AccountForm(forms.Form):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        help_text=_("Letters, digits and . _ - only; the person types it to log in."),
    )
    display_name = forms.CharField(label=_("display name"), max_length=50)
    email = forms.EmailField(label=_("E-mail"), required=False)
    phone = forms.CharField(label=_("Phone"), required=False, max_length=20)

    def clean_username(self) -> str:
        name = self.cleaned_data["username"].strip()
        if not all(c.isascii() and (c.isalnum() or c in "._-") for c in name):
            raise forms.ValidationError(_("Letters, digits and . _ - only."))
        return name


class AccountEditForm(AccountForm):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        del self.fields["username"]
        self.fields["phone"].help_text = _("Leave empty to keep the phone number on file.")


def _installation_wide(user: Any) -> bool:
    """A security administrator grants at any place or organisation (decision 0020): the
    anchors are listed whole, as a superuser's are; the service checks the rank."""
    scope = scope_for(user)
    return scope.can(Cap.GRANT_ROLES) and not scope.can(Cap.MANAGE_ACCOUNTS)


def town_places(user: Any) -> Any:
    if _installation_wide(user):
        return unscoped(Place, why=Unscoped.SYSTEM)
    paths = scope_for(user).town_paths
    places = Place.objects.visible_to(user)
    return places if scope_for(user).everything else places.filter(prefix_q("path", paths))


def town_organizations(user: Any) -> Any:
    if _installation_wide(user):
        return unscoped(Organization, why=Unscoped.SYSTEM)
    paths = scope_for(user).town_paths
    orgs = Organization.objects.visible_to(user)
    return orgs if scope_for(user).everything else orgs.filter(prefix_q("place_path", paths))


class GrantForm(forms.Form):
    role = forms.ChoiceField(label=_("role"))
    place = forms.ModelChoiceField(
        label=pgettext_lazy("division", "place"), queryset=Place.objects.none(), required=False
    )
    organization = forms.ModelChoiceField(
        label=_("organisation"), queryset=Organization.objects.none(), required=False
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rank = rank_of(user)
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (value, label)
            for value, label in Role.choices
            if value not in LINKED_ROLES and ROLE_RANK.get(value, 10_000) <= rank
        ]
        cast(forms.ModelChoiceField, self.fields["place"]).queryset = town_places(user)
        orgs = cast(forms.ModelChoiceField, self.fields["organization"])
        orgs.queryset = town_organizations(user)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        place, org = data.get("place"), data.get("organization")
        if bool(place) == bool(org):
            raise forms.ValidationError(_("Choose either a place or an organisation."))
        return data


def _representative_label(rep: Representative) -> str:
    return f"{rep.name} · {rep.place.name}"


class RepresentativeForm(forms.Form):
    representative = forms.ModelChoiceField(
        label=_("representative"), queryset=Representative.objects.none()
    )

    def __init__(self, *args: Any, user: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        reps = Representative.objects.visible_to(user).filter(user__isnull=True, active=True)
        if not scope_for(user).everything:
            reps = reps.filter(prefix_q("place_path", scope_for(user).town_paths))
        field = cast(forms.ModelChoiceField, self.fields["representative"])
        field.queryset = reps.select_related("place")
        field.label_from_instance = _representative_label  # type: ignore[method-assign,assignment]


class OwnPasswordForm(PasswordChangeForm):
    """Django's change form; its labels are the project's (translated with the page)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["old_password"].label = _("Current password")
        self.fields["new_password1"].label = _("New password")
        self.fields["new_password1"].help_text = password_validators_help_text_html()
        self.fields["new_password2"].label = _("New password again")

    def save(self, commit: bool = True) -> Any:  # pragma: no cover - the view uses the service
        raise NotImplementedError


class ForgotForm(forms.Form):
    login = forms.CharField(label=_("Username"), max_length=150)


class ForgotCodeForm(forms.Form):
    login = forms.CharField(label=_("Username"), max_length=150)
    code = forms.RegexField(
        label=_("Code from the message"),
        regex=r"^\s*\d{6}\s*$",
        max_length=12,
        error_messages={"invalid": _("Six digits.")},
    )
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput)


# --- otp (issue #14)
class CodeForm(forms.Form):
    """A code from the authenticator app (six digits) or a recovery code."""

    code = forms.CharField(
        label=pgettext_lazy("two-factor", "Code"),
        max_length=20,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "one-time-code"}),
    )


# --- end otp
