"""Forms of the back office and of the person's own account.

Forms only check input; the services decide and write. A ``ValidationError`` that a service
raises is put back on the form with ``apply_service_error`` so it appears at the right field.
"""

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from revier.accounts.models import Membership, Organisation, StaffRole, User
from revier.core.models import AuditLogEntry
from revier.portal.models import AccessibilityFeedback
from revier.tenancy import modules
from revier.tenancy.models import Municipality
from revier.tenancy.services import validate_logo


def apply_service_error(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's error to the form's fields (or to the form when no field fits)."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class KernCheckboxSelectMultiple(forms.CheckboxSelectMultiple):
    """Checkbox group with KERN's check markup, one label per box."""

    template_name = "accounts/widgets/choice_group.html"


class KernRadioSelect(forms.RadioSelect):
    template_name = "accounts/widgets/choice_group.html"


class KernCheckboxInput(forms.CheckboxInput):
    """A single checkbox in KERN's look."""

    def __init__(self, attrs=None, check_test=None):
        super().__init__({"class": "kern-form-check__checkbox", **(attrs or {})}, check_test)


def _role_field(**kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Roles"),
        choices=StaffRole.Role.choices,
        widget=KernCheckboxSelectMultiple,
        error_messages={"required": _("Choose at least one role.")},
        **kwargs,
    )


# --- back office: staff --------------------------------------------------------------------


class StaffInviteForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The invitation is sent to this address."),
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
    )
    first_name = forms.CharField(
        label=_("First name"),
        required=False,
        max_length=150,
        help_text=_("Only used when the person has no account yet."),
    )
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    roles = _role_field()


class StaffRolesForm(forms.Form):
    roles = _role_field(help_text=_("To take every role away, remove the person from staff."))


# --- back office: audit log ----------------------------------------------------------------


class AuditLogFilterForm(forms.Form):
    actor = forms.CharField(
        label=_("Actor"),
        required=False,
        max_length=254,
        help_text=_("Part of the e-mail address of the person who acted."),
    )
    action = forms.ChoiceField(
        label=_("Action"),
        required=False,
        choices=[("", _("all actions")), *AuditLogEntry.Action.choices],
    )
    date_from = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    date_to = forms.DateField(
        label=_("Until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("Both days are included."),
    )

    def clean(self):
        cleaned = super().clean()
        date_from, date_to = cleaned.get("date_from"), cleaned.get("date_to")
        if date_from and date_to and date_from > date_to:
            self.add_error("date_to", _("The end date must not be before the start date."))
        return cleaned


# --- back office: accessibility feedback ---------------------------------------------------


class FeedbackStatusForm(forms.Form):
    status = forms.ChoiceField(
        label=_("Status"), choices=AccessibilityFeedback.Status.choices, widget=KernRadioSelect
    )


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


# --- the person's own account -------------------------------------------------------------


class ProfileForm(forms.Form):
    first_name = forms.CharField(label=_("First name"), required=False, max_length=150)
    last_name = forms.CharField(label=_("Last name"), required=False, max_length=150)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"),
        choices=settings.LANGUAGES,
        help_text=_("E-mails to you are written in this language."),
    )

    @classmethod
    def for_user(cls, user: User, data=None) -> "ProfileForm":
        return cls(
            data,
            initial={
                "first_name": user.first_name,
                "last_name": user.last_name,
                "preferred_language": user.preferred_language or settings.LANGUAGE_CODE,
            },
        )


class OrganisationForm(forms.ModelForm):
    kind = forms.ChoiceField(
        label=_("Kind"),
        choices=[
            (Organisation.Kind.COMPANY, Organisation.Kind.COMPANY.label),
            (Organisation.Kind.ASSOCIATION, Organisation.Kind.ASSOCIATION.label),
            (Organisation.Kind.OTHER, Organisation.Kind.OTHER.label),
        ],
        widget=KernRadioSelect,
    )

    class Meta:
        model = Organisation
        fields = ["name", "kind", "register_number", "street", "postcode", "city", "email"]


class MemberAddForm(forms.Form):
    email = forms.EmailField(
        label=_("E-mail address"),
        help_text=_("The person must already have an account on this platform."),
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=Membership.Role.choices,
        initial=Membership.Role.MEMBER,
        widget=KernRadioSelect,
    )


class MemberRoleForm(forms.Form):
    role = forms.ChoiceField(
        label=_("Role"), choices=Membership.Role.choices, widget=KernRadioSelect
    )
