"""Forms of the back office and of the person's own account.

Forms only check input; the services decide and write. A ``ValidationError`` that a service
raises is put back on the form with ``revier.backoffice.framework.apply_service_error``.
"""

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _

from revier.accounts.models import Membership, Organisation, User
from revier.core import kit
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


class ProfileForm(forms.Form):
    first_name = CleanCharField(label=_("First name"), required=False, max_length=150)
    last_name = CleanCharField(label=_("Last name"), required=False, max_length=150)
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
