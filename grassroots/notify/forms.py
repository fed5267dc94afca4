from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from grassroots.core.personal import clean_phone
from grassroots.notify import messages
from grassroots.notify.models import Preference


class PreferenceForm(forms.Form):
    language = forms.ChoiceField(
        label=_("Language of messages"),
        choices=settings.LANGUAGES,
        initial=settings.LANGUAGE_CODE,
        required=False,
        help_text=_("E-mail, robot and SMS messages reach you in this language."),
    )
    email_enabled = forms.BooleanField(label=_("Send me email"), required=False)
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("Leave empty to use the address of your account."),
    )
    wecom_enabled = forms.BooleanField(label=_("Post to a WeChat Work group robot"), required=False)
    wecom_webhook = forms.URLField(
        label=_("WeChat Work webhook"), required=False, max_length=500, assume_scheme="https"
    )
    dingtalk_enabled = forms.BooleanField(label=_("Post to a DingTalk group robot"), required=False)
    dingtalk_webhook = forms.URLField(
        label=_("DingTalk webhook"), required=False, max_length=500, assume_scheme="https"
    )
    dingtalk_secret = forms.CharField(
        label=_("DingTalk signing secret"),
        required=False,
        max_length=200,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current secret."),
    )
    sms_enabled = forms.BooleanField(label=_("Send me SMS"), required=False)
    phone = forms.CharField(
        label=_("Mobile phone"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "tel", "inputmode": "tel", "autocomplete": "tel"}),
        help_text=_("Leave empty to keep the current number."),
    )
    muted_kinds = forms.MultipleChoiceField(
        label=_("Inbox only"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("These kinds of notice stay in your inbox and are not sent elsewhere."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The kinds the apps registered (notify.messages), labelled in the reader's language.
        self.fields["muted_kinds"].choices = messages.kind_choices()

    @classmethod
    def initial_from(cls, pref: Preference) -> dict[str, Any]:
        return {
            "language": pref.language,
            "email_enabled": pref.email_enabled,
            "email": pref.email,
            "wecom_enabled": pref.wecom_enabled,
            "wecom_webhook": pref.wecom_webhook,
            "dingtalk_enabled": pref.dingtalk_enabled,
            "dingtalk_webhook": pref.dingtalk_webhook,
            "sms_enabled": pref.sms_enabled,
            "muted_kinds": list(pref.muted_kinds or []),
        }

    def clean_phone(self) -> str:
        value = self.cleaned_data["phone"].strip()
        if value:
            value = clean_phone(value)
        return value

    def clean_muted_kinds(self) -> list[str]:
        return list(self.cleaned_data["muted_kinds"])
