"""The municipality's back office: staff and roles, audit log, feedback, settings.

Every page follows one pattern: ``backoffice_view(permission)`` guards it, ``_render`` adds the
section navigation, lists are paginated tables, a detail is a description list, and a form
that fails keeps everything entered, shows the errors at the fields and answers 400.
"""

from dataclasses import dataclass
from functools import wraps

from allauth.mfa.utils import is_mfa_enabled
from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods

from revier.accounts import selectors, services
from revier.accounts.forms import (
    SETTINGS_FIELDS,
    AuditLogFilterForm,
    DomainForm,
    FeedbackStatusForm,
    LogoForm,
    MunicipalitySettingsForm,
    StaffInviteForm,
    StaffRolesForm,
    apply_service_error,
)
from revier.accounts.models import StaffRole
from revier.accounts.rules import staff_roles
from revier.core.audit import audit_log
from revier.core.views import post_data
from revier.portal.models import AccessibilityFeedback
from revier.portal.services import accessibility_feedback_set_status
from revier.tenancy import services as tenancy_services
from revier.tenancy.models import Domain, Municipality

PAGE_SIZE = 50


def backoffice_view(permission: str = "accounts.access_backoffice"):
    """Staff-only view: logged in, TOTP set up, and ``permission`` in the active municipality."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            user = request.user
            if not user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            municipality = request.municipality
            if not user.has_perm("accounts.access_backoffice", municipality):
                raise PermissionDenied(
                    _("This page is only for staff of %(name)s.") % {"name": municipality.name}
                )
            if not is_mfa_enabled(user):
                messages.warning(
                    request,
                    _("Staff must set up two-factor authentication before using the back office."),
                )
                return redirect("mfa_activate_totp")
            if not user.has_perm(permission, municipality):
                raise PermissionDenied(_("Your role does not allow this."))
            return view(request, *args, **kwargs)

        return wrapped

    return decorator


@dataclass(frozen=True)
class Section:
    """An entry of the back office's section menu. Apps add theirs with ``register_section``."""

    key: str
    label: str
    url_name: str
    permission: str
    description: str


SECTIONS: list[Section] = [
    Section(
        "dashboard",
        gettext_lazy("Overview"),
        "backoffice:dashboard",
        "accounts.access_backoffice",
        "",
    ),
    Section(
        "staff",
        gettext_lazy("Staff and roles"),
        "backoffice:staff_list",
        "accounts.manage_staff",
        gettext_lazy("Invite colleagues, give and take roles."),
    ),
    Section(
        "audit",
        gettext_lazy("Audit log"),
        "backoffice:audit_log",
        "core.view_auditlog",
        gettext_lazy("Who viewed or changed personal data, and when."),
    ),
    Section(
        "feedback",
        gettext_lazy("Accessibility feedback"),
        "backoffice:feedback_list",
        "portal.view_feedback",
        gettext_lazy("Barriers reported through the accessibility statement."),
    ),
    Section(
        "settings",
        gettext_lazy("Municipality settings"),
        "backoffice:settings",
        "tenancy.change_municipality",
        gettext_lazy("Contact, legal notice, colour, logo, modules and domains."),
    ),
]


def register_section(section: Section) -> Section:
    """Add a domain app's section to the menu (call from ``AppConfig.ready()``)."""
    if any(s.key == section.key for s in SECTIONS):
        raise ValueError(f"Back-office section {section.key!r} is registered twice.")
    SECTIONS.append(section)
    return section


def sections_for(request) -> list[Section]:
    return [s for s in SECTIONS if request.user.has_perm(s.permission, request.municipality)]


def render_backoffice(request, template: str, context: dict, *, section: str, status: int = 200):
    """Render a back-office page with the section menu, ``section`` marked as the current one."""
    context = {
        **context,
        "backoffice_sections": [
            {"section": s, "url": reverse(s.url_name), "current": s.key == section}
            for s in sections_for(request)
        ],
    }
    return render(request, template, context, status=status)


def _page(request, queryset):
    return Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("page"))


# --- dashboard ------------------------------------------------------------------------------


@backoffice_view()
def dashboard(request):
    roles = staff_roles(request.user, request.municipality)
    role_labels = sorted(str(StaffRole.Role(r).label) for r in roles)
    return render_backoffice(
        request,
        "backoffice/dashboard.html",
        {"roles": role_labels, "sections": [s for s in sections_for(request) if s.description]},
        section="dashboard",
    )


# --- staff ----------------------------------------------------------------------------------


@backoffice_view("accounts.manage_staff")
def staff_list(request):
    municipality = request.municipality
    page = _page(request, selectors.staff_list(municipality=municipality))
    audit_log(
        municipality=municipality,
        actor=request.user,
        action="view",
        object_type="accounts.User",
        object_repr=_("staff list"),
        summary=f"viewed staff list page {page.number}",
        request=request,
    )
    return render_backoffice(request, "backoffice/staff_list.html", {"page": page}, section="staff")


@backoffice_view("accounts.manage_staff")
@require_http_methods(["GET", "POST"])
def staff_invite(request):
    form = StaffInviteForm(post_data(request))
    if form.is_valid():
        try:
            user = services.staff_invite(
                municipality=request.municipality,
                actor=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("%(email)s has been invited.") % {"email": user.email})
            return redirect("backoffice:staff_detail", user_id=user.pk)
    return render_backoffice(
        request,
        "backoffice/staff_invite.html",
        {"form": form},
        section="staff",
        status=400 if form.is_bound else 200,
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
    if form.is_valid():
        try:
            services.staff_set_roles(
                municipality=request.municipality,
                user=member,
                roles=form.cleaned_data["roles"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The roles have been saved."))
            return redirect("backoffice:staff_detail", user_id=member.pk)
    if not form.is_bound:
        audit_log(
            municipality=request.municipality,
            actor=request.user,
            action="view",
            obj=member,
            summary="viewed staff member",
            request=request,
        )
    return render_backoffice(
        request,
        "backoffice/staff_detail.html",
        {"member": member, "form": form},
        section="staff",
        status=400 if form.is_bound else 200,
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
                request=request,
            )
        except ValidationError as exc:
            error = " ".join(exc.messages)
        else:
            messages.success(
                request,
                _("%(name)s is no longer staff of %(municipality)s.")
                % {"name": member, "municipality": request.municipality.name},
            )
            return redirect("backoffice:staff_list")
    else:
        audit_log(
            municipality=request.municipality,
            actor=request.user,
            action="view",
            obj=member,
            summary="viewed staff member (removal)",
            request=request,
        )
    return render_backoffice(
        request,
        "backoffice/staff_remove.html",
        {"member": member, "error": error},
        section="staff",
        status=400 if error else 200,
    )


# --- audit log ------------------------------------------------------------------------------


@backoffice_view("core.view_auditlog")
def audit_log_list(request):
    form = AuditLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    # Recorded before reading, so the list a person sees includes their own look at it.
    audit_log(
        municipality=request.municipality,
        actor=request.user,
        action="view",
        object_type="core.AuditLogEntry",
        object_repr=_("audit log"),
        summary="viewed audit log",
        request=request,
    )
    page = _page(request, selectors.audit_log_entries(**filters))
    return render_backoffice(
        request,
        "backoffice/audit_log.html",
        {"form": form, "page": page},
        section="audit",
        status=400 if form.is_bound and form.errors else 200,
    )


# --- accessibility feedback -----------------------------------------------------------------


@backoffice_view("portal.view_feedback")
def feedback_list(request):
    status = request.GET.get("status", "")
    qs = AccessibilityFeedback.objects.order_by("-created_at", "-id")
    if status in AccessibilityFeedback.Status.values:
        qs = qs.filter(status=status)
    else:
        status = ""
    return render_backoffice(
        request,
        "backoffice/feedback_list.html",
        {
            "page": _page(request, qs),
            "status": status,
            "statuses": AccessibilityFeedback.Status.choices,
        },
        section="feedback",
    )


@backoffice_view("portal.view_feedback")
@require_http_methods(["GET", "POST"])
def feedback_detail(request, pk: int):
    # The scoped manager confines the lookup to this municipality: other ids are 404.
    feedback = get_object_or_404(AccessibilityFeedback.objects.all(), pk=pk)
    form = FeedbackStatusForm(post_data(request), initial={"status": feedback.status})
    if form.is_valid():
        try:
            accessibility_feedback_set_status(
                feedback=feedback,
                status=form.cleaned_data["status"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The status has been saved."))
            return redirect("backoffice:feedback_detail", pk=feedback.pk)
    if not form.is_bound and (feedback.name or feedback.email):
        audit_log(
            municipality=request.municipality,
            actor=request.user,
            action="view",
            obj=feedback,
            summary="viewed accessibility feedback",
            request=request,
        )
    return render_backoffice(
        request,
        "backoffice/feedback_detail.html",
        {"feedback": feedback, "form": form},
        section="feedback",
        status=400 if form.is_bound else 200,
    )


# --- municipality settings ------------------------------------------------------------------


def _settings_page(request, *, settings_form=None, logo_form=None, domain_form=None, status=200):
    municipality = request.municipality
    if settings_form is None:
        # A copy: a rejected form must not leave its values on the request's municipality.
        settings_form = MunicipalitySettingsForm(
            instance=Municipality.objects.get(pk=municipality.pk)
        )
    return render_backoffice(
        request,
        "backoffice/settings.html",
        {
            "settings_form": settings_form,
            "logo_form": logo_form or LogoForm(has_logo=bool(municipality.logo)),
            "domain_form": domain_form or DomainForm(),
            "domains": list(Domain.objects.filter(municipality=municipality)),
        },
        section="settings",
        status=status,
    )


@backoffice_view("tenancy.change_municipality")
@require_http_methods(["GET", "POST"])
def settings_view(request):
    if request.method != "POST":
        return _settings_page(request)
    municipality = request.municipality
    form = MunicipalitySettingsForm(
        request.POST, instance=Municipality.objects.get(pk=municipality.pk)
    )
    if form.is_valid():
        fields = {name: form.cleaned_data[name] for name in [*SETTINGS_FIELDS, "enabled_modules"]}
        fields["enabled_modules"] = sorted(set(fields["enabled_modules"]))
        try:
            tenancy_services.municipality_update(
                municipality=municipality, actor=request.user, request=request, **fields
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The settings have been saved."))
            return redirect("backoffice:settings")
    return _settings_page(request, settings_form=form, status=400)


@backoffice_view("tenancy.change_municipality")
@require_http_methods(["POST"])
def settings_logo(request):
    form = LogoForm(request.POST, request.FILES, has_logo=bool(request.municipality.logo))
    if form.is_valid():
        try:
            tenancy_services.municipality_set_logo(
                municipality=request.municipality,
                logo=None if form.cleaned_data.get("remove") else form.cleaned_data["logo"],
                actor=request.user,
                request=request,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The logo has been saved."))
            return redirect("backoffice:settings")
    return _settings_page(request, logo_form=form, status=400)


@backoffice_view("tenancy.change_municipality")
@require_http_methods(["POST"])
def settings_domain_add(request):
    form = DomainForm(request.POST)
    if form.is_valid():
        try:
            tenancy_services.domain_add(
                municipality=request.municipality,
                actor=request.user,
                request=request,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            messages.success(
                request, _("%(domain)s has been added.") % {"domain": form.cleaned_data["domain"]}
            )
            return redirect("backoffice:settings")
    return _settings_page(request, domain_form=form, status=400)


@backoffice_view("tenancy.change_municipality")
@require_http_methods(["GET", "POST"])
def settings_domain_remove(request, pk: int):
    domain = get_object_or_404(Domain, pk=pk, municipality=request.municipality)
    if request.method == "POST":
        tenancy_services.domain_remove(
            municipality=request.municipality, domain=domain, actor=request.user, request=request
        )
        messages.success(request, _("%(domain)s has been removed.") % {"domain": domain.domain})
        return redirect("backoffice:settings")
    return render_backoffice(
        request, "backoffice/domain_remove.html", {"domain": domain}, section="settings"
    )
