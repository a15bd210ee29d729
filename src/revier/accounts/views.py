"""The person's own account: profile and organisations (companies, associations).

Same pattern as the back office: lists are tables, a detail is a description list, a rejected
form keeps what was entered and answers 400.
"""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from revier.accounts import selectors, services
from revier.accounts.forms import (
    MemberAddForm,
    MemberRoleForm,
    OrganisationForm,
    ProfileForm,
)
from revier.accounts.models import Membership
from revier.backoffice.framework import form_status, submit_service
from revier.core.views import post_data


@login_required
def overview(request):
    return render(
        request,
        "accounts/overview.html",
        {"memberships": selectors.user_organisations(user=request.user)},
    )


@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    form = ProfileForm.for_user(request.user, post_data(request))
    done = submit_service(
        request,
        form,
        lambda data: services.user_update_profile(user=request.user, **data),
        success=_("Your profile has been saved."),
        redirect_to=reverse("account:overview"),
    )
    return done or render(
        request, "accounts/profile.html", {"form": form}, status=form_status(form)
    )


@login_required
@require_http_methods(["GET", "POST"])
def organisation_create(request):
    form = OrganisationForm(post_data(request))

    def create(data):
        data = dict(data)
        return services.organisation_create(name=data.pop("name"), admin=request.user, **data)

    done = submit_service(
        request,
        form,
        create,
        success=lambda organisation: (
            _("%(name)s has been created. You are its administrator.") % {"name": organisation.name}
        ),
        redirect_to=lambda organisation: reverse(
            "account:organisation_detail", args=[organisation.pk]
        ),
    )
    return done or render(
        request, "accounts/organisation_form.html", {"form": form}, status=form_status(form)
    )


def _own_membership(request, pk: int) -> Membership:
    """The requesting person's membership; outsiders get 404 (the organisation stays hidden)."""
    membership = selectors.organisation_for_member(user=request.user, organisation_id=pk)
    if membership is None:
        raise Http404(_("You are not a member of this organisation."))
    return membership


def _admin_membership(request, pk: int) -> Membership:
    membership = _own_membership(request, pk)
    if membership.role != Membership.Role.ADMIN:
        raise PermissionDenied(_("Only administrators of the organisation can manage members."))
    return membership


def _member(organisation, membership_id: int) -> Membership:
    member = (
        selectors.organisation_members(organisation=organisation).filter(pk=membership_id).first()
    )
    if member is None:
        raise Http404(_("This person is not a member of the organisation."))
    return member


@login_required
def organisation_detail(request, pk: int):
    own = _own_membership(request, pk)
    return render(
        request,
        "accounts/organisation_detail.html",
        {
            "organisation": own.organisation,
            "own": own,
            "is_admin": own.role == Membership.Role.ADMIN,
            "members": selectors.organisation_members(organisation=own.organisation),
        },
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_add(request, pk: int):
    organisation = _admin_membership(request, pk).organisation
    form = MemberAddForm(post_data(request))
    done = submit_service(
        request,
        form,
        lambda data: services.membership_invite(
            organisation=organisation, actor=request.user, **data
        ),
        success=lambda member: _("%(name)s is now a member.") % {"name": member.user},
        redirect_to=reverse("account:organisation_detail", args=[organisation.pk]),
    )
    return done or render(
        request,
        "accounts/member_add.html",
        {"organisation": organisation, "form": form},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_edit(request, pk: int, membership_id: int):
    organisation = _admin_membership(request, pk).organisation
    member = _member(organisation, membership_id)
    form = MemberRoleForm(post_data(request), initial={"role": member.role})
    done = submit_service(
        request,
        form,
        lambda data: services.membership_set_role(
            membership=member, role=data["role"], actor=request.user
        ),
        success=_("The role has been saved."),
        redirect_to=reverse("account:organisation_detail", args=[organisation.pk]),
    )
    return done or render(
        request,
        "accounts/member_edit.html",
        {"organisation": organisation, "member": member, "form": form},
        status=form_status(form),
    )


@login_required
@require_http_methods(["GET", "POST"])
def member_remove(request, pk: int, membership_id: int):
    organisation = _admin_membership(request, pk).organisation
    member = _member(organisation, membership_id)
    error = ""
    if request.method == "POST":
        try:
            services.membership_remove(membership=member, actor=request.user)
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(request, _("%(name)s is no longer a member.") % {"name": member.user})
            return redirect("account:organisation_detail", pk=organisation.pk)
    return render(
        request,
        "accounts/member_remove.html",
        {"organisation": organisation, "member": member, "error": error},
        status=400 if error else 200,
    )
