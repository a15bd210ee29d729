"""Back-office pages of staff and their roles in the municipality."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from revier.accounts import selectors, services
from revier.accounts.forms import StaffInviteForm, StaffRolesForm
from revier.backoffice.framework import (
    backoffice_view,
    form_status,
    paginate,
    post_data,
    render_backoffice,
    submit_service,
)
from revier.core.audit import audit_context, audit_log, audit_view

# --- staff ----------------------------------------------------------------------------------


@backoffice_view("accounts.manage_staff")
def staff_list(request):
    municipality = request.municipality
    page = paginate(request, selectors.staff_list(municipality=municipality))
    audit_log(
        municipality=municipality,
        actor=request.user,
        action="view",
        object_type="accounts.User",
        object_repr=_("staff list"),
        summary=f"viewed staff list page {page.number}",
        event="accounts.staff_list_viewed",
        params={"page": page.number},
        context=audit_context(request),
    )
    return render_backoffice(request, "backoffice/staff_list.html", {"page": page}, section="staff")


@backoffice_view("accounts.manage_staff")
@require_http_methods(["GET", "POST"])
def staff_invite(request):
    form = StaffInviteForm(post_data(request))
    done = submit_service(
        request,
        form,
        lambda data: services.staff_invite(
            municipality=request.municipality,
            actor=request.user,
            context=audit_context(request),
            **data,
        ),
        success=lambda user: _("%(email)s has been invited.") % {"email": user.email},
        redirect_to=lambda user: reverse("accounts_backoffice:staff_detail", args=[user.pk]),
    )
    return done or render_backoffice(
        request,
        "backoffice/staff_invite.html",
        {"form": form},
        section="staff",
        status=form_status(form),
    )


def _staff_member(request, user_id: int):
    member = selectors.staff_member_get(municipality=request.municipality, user_id=user_id)
    if member is None:
        raise Http404(_("This person is not staff of this municipality."))
    return member


@backoffice_view("accounts.manage_staff")
@require_http_methods(["GET", "POST"])
def staff_detail(request, user_id: int):
    member = _staff_member(request, user_id)
    current = [r.role for r in member.municipal_roles]
    form = StaffRolesForm(post_data(request), initial={"roles": current})
    done = submit_service(
        request,
        form,
        lambda data: services.staff_set_roles(
            municipality=request.municipality,
            user=member,
            roles=data["roles"],
            actor=request.user,
            context=audit_context(request),
        ),
        success=_("The roles have been saved."),
        redirect_to=reverse("accounts_backoffice:staff_detail", args=[member.pk]),
    )
    if done:
        return done
    if not form.is_bound:
        audit_view(
            request, obj=member, summary="viewed staff member", event="accounts.staff_viewed"
        )
    return render_backoffice(
        request,
        "backoffice/staff_detail.html",
        {"member": member, "form": form},
        section="staff",
        status=form_status(form),
    )


@backoffice_view("accounts.manage_staff")
@require_http_methods(["GET", "POST"])
def staff_remove(request, user_id: int):
    member = _staff_member(request, user_id)
    error = ""
    if request.method == "POST":
        try:
            services.staff_remove(
                municipality=request.municipality,
                user=member,
                actor=request.user,
                context=audit_context(request),
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s is no longer staff of %(municipality)s.")
                % {"name": member, "municipality": request.municipality.name},
            )
            return redirect("accounts_backoffice:staff_list")
    else:
        audit_view(
            request,
            obj=member,
            summary="viewed staff member (removal)",
            event="accounts.staff_viewed",
        )
    return render_backoffice(
        request,
        "backoffice/staff_remove.html",
        {"member": member, "error": error},
        section="staff",
        status=400 if error else 200,
    )
