"""Forms of the news back office. They check the shape of the input; what a news item must be is
checked by the services, whose errors ``submit_service`` puts at these fields."""

from django import forms
from django.utils.translation import gettext_lazy as _

from revier.frontend.forms import KernRadioSelect
from revier.news.models import NewsItem
from revier.news.services import SUMMARY_MAX, TITLE_MAX

DATETIME_FORMAT = "%Y-%m-%dT%H:%M"  # what <input type="datetime-local"> sends


class NewsFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=100,
        help_text=_("Part of the title or summary."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("all")), *NewsItem.Status.choices],
    )


class NewsItemForm(forms.Form):
    title = forms.CharField(
        label=_("Title"),
        max_length=TITLE_MAX,
        error_messages={"required": _("Enter a title")},
    )
    summary = forms.CharField(
        label=_("Summary"),
        max_length=SUMMARY_MAX,
        help_text=_("One or two sentences, shown in lists and on the home page."),
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": _("Enter a summary")},
    )
    body = forms.CharField(
        label=_("Text"),
        help_text=_("Separate paragraphs with an empty line."),
        widget=forms.Textarea(attrs={"rows": 12}),
        error_messages={"required": _("Enter the text of the news item")},
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name, limit in (("title", TITLE_MAX), ("summary", SUMMARY_MAX)):
            self.fields[name].error_messages["max_length"] = _(
                "Use %(limit)s characters or fewer"
            ) % {"limit": limit}


class PublicationForm(forms.Form):
    """Publish now or at a set time (the task publishes it then)."""

    NOW, LATER = "now", "later"

    when = forms.ChoiceField(
        label=_("Publication"),
        choices=[(NOW, _("Publish now")), (LATER, _("Publish at a set time"))],
        widget=KernRadioSelect,
        error_messages={"required": _("Choose when to publish the news item")},
    )
    publish_at = forms.DateTimeField(
        label=_("Date and time of publication"),
        required=False,
        help_text=_("Only for “at a set time”. For example 24.12.2026, 09:00."),
        input_formats=[DATETIME_FORMAT, "%Y-%m-%d %H:%M", "%d.%m.%Y %H:%M"],
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format=DATETIME_FORMAT),
        error_messages={"invalid": _("Enter a real date and time, for example 24.12.2026, 09:00")},
    )

    def clean(self):
        cleaned = super().clean()
        later = cleaned.get("when") == self.LATER
        if later and not cleaned.get("publish_at") and "publish_at" not in self.errors:
            self.add_error("publish_at", _("Enter the date and time of publication"))
        return cleaned

    def schedule(self):
        """The time to publish at, or None for now."""
        data = self.cleaned_data
        return data["publish_at"] if data["when"] == self.LATER else None


class NewsItemCreateForm(NewsItemForm, PublicationForm):
    """A new item: its text and whether it stays a draft, goes out now or at a set time."""

    DRAFT = "draft"
    field_order = ["title", "summary", "body", "when", "publish_at"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        when = self.fields["when"]
        when.choices = [(self.DRAFT, _("Save as a draft")), *when.choices]
        when.initial = self.DRAFT
