"""Forms of the public booking pages (KERN widgets, labels as questions)."""

from django import forms
from django.utils import formats
from django.utils.translation import gettext_lazy as _

from revier.booking.calendar import tz
from revier.frontend.forms import KernRadioSelect


def _label(free) -> str:
    a, b = free.start.astimezone(tz()), free.end.astimezone(tz())
    return f"{formats.time_format(a, 'H:i')}–{formats.time_format(b, 'H:i')} Uhr"


def _value(free) -> str:
    return f"{free.start.astimezone(tz()).isoformat()}|{free.end.astimezone(tz()).isoformat()}"


class DayForm(forms.Form):
    tag = forms.DateField(label=_("Which day?"), widget=forms.DateInput(attrs={"type": "date"}))


class PeriodForm(forms.Form):
    """Choose one of the free periods (desk: whole or half day; appointment: a slot)."""

    period = forms.ChoiceField(label=_("Which time?"), widget=KernRadioSelect)
    organisation = forms.TypedChoiceField(
        label=_("Book for"), coerce=int, required=False, widget=KernRadioSelect
    )

    def __init__(self, *args, free=(), organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["period"].choices = [(_value(f), _label(f)) for f in free]
        if organisations:
            self.fields["organisation"].choices = [("", _("myself"))] + [
                (o.pk, o.name) for o in organisations
            ]
        else:
            del self.fields["organisation"]

    def clean_period(self):
        start, _sep, end = self.cleaned_data["period"].partition("|")
        from django.utils.dateparse import parse_datetime

        return parse_datetime(start), parse_datetime(end)


class RoomForm(forms.Form):
    start = forms.ChoiceField(label=_("From when?"))
    duration = forms.TypedChoiceField(
        label=_("For how long?"),
        coerce=int,
        choices=[
            (30, _("30 minutes")),
            (60, _("1 hour")),
            (90, _("1½ hours")),
            (120, _("2 hours")),
            (180, _("3 hours")),
            (240, _("4 hours")),
        ],
    )

    def __init__(self, *args, free=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["start"].choices = [
            (f.start.astimezone(tz()).isoformat(), _label(f).split("–")[0] + " Uhr") for f in free
        ]


class ContactForm(forms.Form):
    """Name and e-mail address of a person booking without an account (appointments)."""

    name = forms.CharField(
        label=_("Your name"), max_length=200, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    email = forms.EmailField(
        label=_("Your e-mail address"),
        help_text=_("We send you a link to confirm the appointment."),
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    error_messages = {}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("Enter your name")
        self.fields["email"].error_messages["required"] = _("Enter your e-mail address")
        self.fields["email"].error_messages["invalid"] = _(
            "Enter an e-mail address like name@example.org"
        )
