"""Forms of the portal's staff pages; they parse input, the services decide."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from grassroots.core.ids import IdModelChoiceField
from grassroots.portal.models import Collection, Disclosure


class NamedChoice(IdModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        return str(obj.name)


class DateTimeLocalInput(forms.DateTimeInput):
    """`<input type="datetime-local">`, its value in the form the browser understands."""

    input_type = "datetime-local"

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs, format="%Y-%m-%dT%H:%M")


class ArticleForm(forms.Form):
    town = NamedChoice(queryset=None, label=_("town"))  # type: ignore[arg-type]
    collection = NamedChoice(queryset=Collection.objects.none(), label=_("collection"))
    title = forms.CharField(label=pgettext_lazy("article", "title"), max_length=120)
    source = forms.CharField(
        label=pgettext_lazy("article", "source"), max_length=80, required=False
    )
    author = forms.CharField(
        label=pgettext_lazy("article", "author"), max_length=60, required=False
    )
    summary = forms.CharField(
        label=_("summary"),
        max_length=300,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=pgettext_lazy("article", "body"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 14, "data-html-editor": ""}),
        help_text=_(
            "HTML: paragraphs, headings, lists, bold, italic, links, tables, quotes. "
            "Scripts, styles and outside pictures are removed when saved."
        ),
    )

    def __init__(self, *args: Any, towns: QuerySet, editing: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["collection"].queryset = Collection.objects.order_by("order", "pk")
        if editing:
            del self.fields["town"]
        else:
            self.fields["town"].queryset = towns
            if towns.count() == 1:
                self.fields["town"].initial = towns.first()


class PublishForm(forms.Form):
    publish_at = forms.DateTimeField(
        label=_("Publish at"),
        required=False,
        widget=DateTimeLocalInput(),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("Leave empty to publish now."),
    )

    def at(self) -> dt.datetime | None:
        value = self.cleaned_data.get("publish_at")
        if value is not None and timezone.is_naive(value):
            value = timezone.make_aware(value)
        return value


class ImageForm(forms.Form):
    image = forms.FileField(label=_("image"))
    caption = forms.CharField(label=_("caption"), max_length=200, required=False)


class CaptionForm(forms.Form):
    caption = forms.CharField(label=_("caption"), max_length=200, required=False)


class DisclosureForm(forms.Form):
    branch = NamedChoice(queryset=None, label=_("branch"))  # type: ignore[arg-type]
    quarter = forms.CharField(label=_("quarter"), max_length=6, help_text=_("For example 2026Q3."))
    category = forms.ChoiceField(label=_("category"), choices=Disclosure.Category.choices)
    title = forms.CharField(label=pgettext_lazy("article", "title"), max_length=120)
    body = forms.CharField(
        label=pgettext_lazy("article", "body"), widget=forms.Textarea(attrs={"rows": 8})
    )
    publish = forms.BooleanField(label=_("Publish on the portal"), required=False)

    def __init__(
        self, *args: Any, branches: QuerySet, editing: bool = False, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        if editing:
            del self.fields["branch"]
            del self.fields["publish"]
        else:
            self.fields["branch"].queryset = branches
