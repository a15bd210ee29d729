"""Forms of the back office and of the person's own account.

Forms only check input; the services decide and write. A ``ValidationError`` that a service
raises is put back on the form with ``revier.backoffice.framework.apply_service_error``.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from revier.accounts.models import Membership, Organisation, User
from revier.core import kit
from revier.core.documents.letter import FORMS_OF_ADDRESS
from revier.core.text import CleanCharField
from revier.frontend.forms import KernCheckboxSelectMultiple, KernRadioSelect


def _role_field(**kwargs) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=_("Roles"),
        choices=kit.role_choices,
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
    first_name = CleanCharField(
        label=_("First name"),
        required=False,
        max_length=150,
        help_text=_("Only used when the person has no account yet."),
    )
    last_name = CleanCharField(label=_("Last name"), required=False, max_length=150)
    roles = _role_field()


class StaffRolesForm(forms.Form):
    roles = _role_field(help_text=_("To take every role away, remove the person from staff."))


# --- back office: audit log ----------------------------------------------------------------


# --- the person's own account -------------------------------------------------------------


def _form_of_address_field() -> forms.ChoiceField:
    return forms.ChoiceField(
        label=_("Form of address"),
        choices=[("", _("none: letters begin with “Guten Tag” and your name")), *FORMS_OF_ADDRESS],
        required=False,
        widget=KernRadioSelect,
        help_text=_("Used in letters to you, e.g. “Sehr geehrte Frau Schmidt”."),
    )


class SignupNameForm(forms.Form):
    """What sign-up asks besides the e-mail address and password (allauth's
    ``ACCOUNT_SIGNUP_FORM_CLASS``): the name and the form of address used in letters."""

    first_name = CleanCharField(
        label=_("Given name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
        error_messages={"required": _("Enter your given name.")},
    )
    last_name = CleanCharField(
        label=_("Family name"),
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
        error_messages={"required": _("Enter your family name.")},
    )
    form_of_address = _form_of_address_field()

    field_order = ["first_name", "last_name", "form_of_address"]

    def signup(self, request, user) -> None:
        from revier.accounts.services import user_set_name

        user_set_name(
            user=user,
            first_name=self.cleaned_data["first_name"],
            last_name=self.cleaned_data["last_name"],
            form_of_address=self.cleaned_data.get("form_of_address") or "",
        )


class ProfileForm(forms.Form):
    first_name = CleanCharField(
        label=_("Given name"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "given-name"}),
    )
    last_name = CleanCharField(
        label=_("Family name"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"autocomplete": "family-name"}),
    )
    form_of_address = _form_of_address_field()
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
                "form_of_address": user.form_of_address,
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
