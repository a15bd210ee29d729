"""Back-office pages of the municipality's settings: contact, Impressum, colour, logo, modules and
domains."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from revier.backoffice.framework import (
    backoffice_view,
    render_backoffice,
    submit_service,
)
from revier.core.audit import audit_context
from revier.tenancy import services as tenancy_services
from revier.tenancy.forms import SETTINGS_FIELDS, DomainForm, LogoForm, MunicipalitySettingsForm
from revier.tenancy.models import Domain, Municipality

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

    def save(data):
        fields = {name: data[name] for name in [*SETTINGS_FIELDS, "enabled_modules"]}
        fields["enabled_modules"] = sorted(set(fields["enabled_modules"]))
        return tenancy_services.municipality_update(
            municipality=municipality,
            actor=request.user,
            context=audit_context(request),
            **fields,
        )

    done = submit_service(
        request,
        form,
        save,
        success=_("The settings have been saved."),
        redirect_to=reverse("tenancy_backoffice:settings"),
    )
    return done or _settings_page(request, settings_form=form, status=400)


@backoffice_view("tenancy.change_municipality")
@require_http_methods(["POST"])
def settings_logo(request):
    form = LogoForm(request.POST, request.FILES, has_logo=bool(request.municipality.logo))
    done = submit_service(
        request,
        form,
        lambda data: tenancy_services.municipality_set_logo(
            municipality=request.municipality,
            logo=None if data.get("remove") else data["logo"],
            actor=request.user,
            context=audit_context(request),
        ),
        success=_("The logo has been saved."),
        redirect_to=reverse("tenancy_backoffice:settings"),
    )
    return done or _settings_page(request, logo_form=form, status=400)


@backoffice_view("tenancy.change_municipality")
@require_http_methods(["POST"])
def settings_domain_add(request):
    form = DomainForm(request.POST)
    done = submit_service(
        request,
        form,
        lambda data: tenancy_services.domain_add(
            municipality=request.municipality,
            actor=request.user,
            context=audit_context(request),
            **data,
        ),
        success=lambda _domain: (
            _("%(domain)s has been added.") % {"domain": form.cleaned_data["domain"]}
        ),
        redirect_to=reverse("tenancy_backoffice:settings"),
    )
    return done or _settings_page(request, domain_form=form, status=400)


@backoffice_view("tenancy.change_municipality")
@require_http_methods(["GET", "POST"])
def settings_domain_remove(request, pk: int):
    domain = get_object_or_404(Domain, pk=pk, municipality=request.municipality)
    if request.method == "POST":
        tenancy_services.domain_remove(
            municipality=request.municipality,
            domain=domain,
            actor=request.user,
            context=audit_context(request),
        )
        messages.success(request, _("%(domain)s has been removed.") % {"domain": domain.domain})
        return redirect("tenancy_backoffice:settings")
    return render_backoffice(
        request, "backoffice/domain_remove.html", {"domain": domain}, section="settings"
    )
