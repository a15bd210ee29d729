"""Forms of the municipality's settings in the back office. Forms only check input; the services
decide and write."""

from django import forms
from django.utils.translation import gettext_lazy as _

from revier.frontend.forms import KernCheckboxInput, KernCheckboxSelectMultiple
from revier.tenancy import modules
from revier.tenancy.models import Municipality
from revier.tenancy.services import validate_logo

# --- back office: municipality settings ----------------------------------------------------

SETTINGS_FIELDS = [
    "official_name",
    "street",
    "postcode",
    "city",
    "phone",
    "email",
    "website",
    "represented_by",
    "legal_form",
    "vat_id",
    "supervisory_authority",
    "data_protection_officer",
    "data_protection_email",
    "accessibility_email",
    "primary_colour",
]


class MunicipalitySettingsForm(forms.ModelForm):
    """Contact, Impressum, colour and modules. Fields, labels and checks come from the model
    (including the colour's contrast); the view saves through ``municipality_update``."""

    website = forms.URLField(
        label=_("Website"),
        required=False,
        max_length=200,
        assume_scheme="https",
    )
    enabled_modules = forms.MultipleChoiceField(
        label=_("Modules"),
        required=False,
        choices=(),
        widget=KernCheckboxSelectMultiple,
        help_text=_("Switched-off modules disappear from the navigation and answer “not offered”."),
    )

    class Meta:
        model = Municipality
        fields = [*SETTINGS_FIELDS, "enabled_modules"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["enabled_modules"].choices = modules.module_choices()
        self.fields["primary_colour"].help_text = _(
            "As #RRGGBB, e.g. #005ca9. White text on it must stay readable: at least 4.5:1 "
            "contrast."
        )


class LogoForm(forms.Form):
    logo = forms.FileField(
        label=_("Logo"),
        required=False,
        help_text=_("PNG, JPEG or WebP, at most 1 MB."),
        widget=forms.FileInput(attrs={"accept": "image/png,image/jpeg,image/webp"}),
    )
    remove = forms.BooleanField(
        label=_("Remove the current logo"), required=False, widget=KernCheckboxInput
    )

    def __init__(self, *args, has_logo: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not has_logo:
            del self.fields["remove"]

    def clean_logo(self):
        logo = self.cleaned_data.get("logo")
        if logo:
            validate_logo(logo)
        return logo

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("logo") and not cleaned.get("remove") and not self.errors:
            self.add_error("logo", _("Choose a file to upload."))
        return cleaned


class DomainForm(forms.Form):
    domain = forms.CharField(
        label=_("Domain"),
        max_length=253,
        help_text=_("A host name without https://, e.g. service.zeitz.de"),
    )
    is_primary = forms.BooleanField(
        label=_("Primary domain (used for links in e-mails)"),
        required=False,
        widget=KernCheckboxInput,
    )

    def clean_domain(self):
        return self.cleaned_data["domain"].strip().lower().rstrip(".")
