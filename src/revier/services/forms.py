from django import forms
from django.utils.translation import gettext_lazy as _

from revier.accounts.models import TrustLevel
from revier.frontend.forms import KernCheckboxInput
from revier.services.models import Office, Service


class OfficeForm(forms.ModelForm):
    class Meta:
        model = Office
        fields = [
            "name",
            "street",
            "postcode",
            "city",
            "opening_hours",
            "phone",
            "email",
            "latitude",
            "longitude",
        ]
        widgets = {"opening_hours": forms.Textarea(attrs={"rows": 4})}


class LocalServiceForm(forms.Form):
    office = forms.ModelChoiceField(
        label=_("Responsible office"), queryset=Office.objects.none(), required=False
    )
    local_fees = forms.CharField(
        label=_("Local fees"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    notes = forms.CharField(
        label=_("Local notes"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    online = forms.BooleanField(
        label=_("Take applications online here"),
        required=False,
        widget=KernCheckboxInput,
        help_text=_(
            "Residents see “Available online” only once the service's form is published "
            "(Online forms) or an online service elsewhere is given below."
        ),
    )
    online_url = forms.URLField(
        label=_("Online service elsewhere"),
        required=False,
        max_length=500,
        assume_scheme="https",
        help_text=_(
            "Address where residents apply online when someone else runs the service (the "
            "Land, the district, a federal portal)."
        ),
    )
    authority = forms.CharField(
        label=_("Responsible authority, if not this municipality"),
        required=False,
        max_length=200,
        help_text=_(
            "For example: Landkreis Burgenlandkreis, Fahrerlaubnisbehörde. Residents find the "
            "service here and are sent there."
        ),
    )
    authority_url = forms.URLField(
        label=_("Website of the responsible authority"),
        required=False,
        max_length=500,
        assume_scheme="https",
    )
    min_trust_level = forms.ChoiceField(
        label=_("Minimum trust level to apply online"),
        choices=[("", _("none (local account is enough)")), *TrustLevel.choices],
        required=False,
        help_text=_(
            "Applicants must have logged in through the identity provider (e.g. BundID) with "
            "at least this level. Applications by API token are then refused."
        ),
    )
    without_account = forms.BooleanField(
        label=_("Residents may apply without an account"),
        required=False,
        widget=KernCheckboxInput,
        help_text=_(
            "Only where no proof of identity is needed. They get the reference number and a "
            "private link to follow the application."
        ),
    )
    active = forms.BooleanField(
        label=_("Offered (shown to residents)"),
        required=False,
        initial=True,
        widget=KernCheckboxInput,
    )

    def __init__(self, *args, offices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["office"].queryset = offices


class LocalServiceAddForm(LocalServiceForm):
    leika = forms.CharField(
        label=_("LeiKa key of the service"),
        max_length=14,
        help_text=_("14 digits, starting with 99; search the catalogue above to find it."),
    )
    field_order = [
        "leika",
        "office",
        "authority",
        "authority_url",
        "local_fees",
        "notes",
        "online",
        "online_url",
        "min_trust_level",
        "without_account",
        "active",
    ]

    def clean_leika(self):
        leika = self.cleaned_data["leika"].strip()
        service = Service.objects.filter(leika=leika).first()
        if service is None:
            raise forms.ValidationError(_("There is no service with this key in the catalogue."))
        self.cleaned_data["service"] = service
        return leika
