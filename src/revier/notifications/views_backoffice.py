"""Back office: the wording of notifications per event and language (with preview and reset),
what was sent with its delivery status, the SMS gateway; and the gateway's status webhook."""

from __future__ import annotations

import logging

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods, require_POST

from revier.backoffice.framework import (
    apply_service_error,
    backoffice_view,
    form_status,
    render_backoffice,
    submit_service,
)
from revier.core.audit import audit_context
from revier.core.plugins import check_saved, saved_secret_names
from revier.core.views import post_data
from revier.notifications import selectors, services
from revier.notifications.events import (
    EVENTS,
    LANGUAGES,
    PLACEHOLDERS,
    SAMPLE_VALUES,
    render,
)
from revier.notifications.forms_backoffice import SentFilterForm, SmsSettingsForm, TemplateForm
from revier.notifications.sms import StatusRefused, register

logger = logging.getLogger(__name__)

PAGE_SIZE = 50
MANAGE = "notifications.manage_templates"
VIEW = "notifications.view_notifications"
LANGUAGE_NAMES = {"de": "Deutsch", "en": "English"}


@backoffice_view(MANAGE)
def template_list(request):
    sms_settings = selectors.sms_settings_get(municipality=request.municipality)
    return render_backoffice(
        request,
        "notifications/backoffice/template_list.html",
        {
            "rows": selectors.templates_overview(municipality=request.municipality),
            "language_names": LANGUAGE_NAMES,
            "sms_settings": sms_settings,
            "sms_label": register.get(sms_settings.plugin).label
            if sms_settings and sms_settings.plugin in register
            else "",
        },
        section="notifications",
    )


def _key(event: str, language: str):
    spec = EVENTS.get(event)
    if spec is None or language not in LANGUAGES:
        raise Http404(_("There is no such notification."))
    return spec


def _preview(municipality, data: dict) -> dict:
    values = {**SAMPLE_VALUES, "municipality": municipality.name}
    return {
        "subject": render(data["subject"], values),
        "body": render(data["body"], values),
        "sms_text": render(data.get("sms_text", ""), values),
    }


@backoffice_view(MANAGE)
@require_http_methods(["GET", "POST"])
def template_edit(request, event: str, language: str):
    spec = _key(event, language)
    municipality = request.municipality
    wording = selectors.wording_for(municipality=municipality, event=event, language=language)
    initial = {"subject": wording.subject, "body": wording.body, "sms_text": wording.sms_text}
    form = TemplateForm(post_data(request), initial=initial)
    preview = None
    if form.is_valid():
        data = form.cleaned_data
        try:
            if "preview" in request.POST:
                services.template_validate(**data)
            else:
                services.template_set(
                    municipality=municipality,
                    event=event,
                    language=language,
                    actor=request.user,
                    context=audit_context(request),
                    **data,
                )
        except ValidationError as exc:
            apply_service_error(form, exc)
        else:
            if "preview" not in request.POST:
                messages.success(request, _("The template has been saved."))
                return redirect("notifications_backoffice:template_list")
            preview = _preview(municipality, data)
    elif not form.is_bound:
        preview = _preview(municipality, initial)
    return render_backoffice(
        request,
        "notifications/backoffice/template_edit.html",
        {
            "event": event,
            "event_label": spec.label,
            "language": language,
            "language_name": LANGUAGE_NAMES[language],
            "form": form,
            "preview": preview,
            "customised": wording.customised,
            "placeholders": PLACEHOLDERS,
        },
        section="notifications",
        status=400 if form.is_bound and form.errors else 200,
    )


@backoffice_view(MANAGE)
@require_POST
def template_reset(request, event: str, language: str):
    _key(event, language)
    if services.template_reset(
        municipality=request.municipality,
        event=event,
        language=language,
        actor=request.user,
        context=audit_context(request),
    ):
        messages.success(request, _("The template has been reset to the default text."))
    return redirect("notifications_backoffice:template_list")


@backoffice_view(VIEW)
def sent_list(request):
    form = SentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    page = Paginator(
        selectors.notifications_sent(
            municipality=request.municipality,
            status=filters.get("status", ""),
            channel=filters.get("channel", ""),
        ),
        PAGE_SIZE,
    ).get_page(request.GET.get("page"))
    return render_backoffice(
        request,
        "notifications/backoffice/sent_list.html",
        {"form": form, "page": page},
        section="notifications_sent",
        status=400 if form.is_bound and form.errors else 200,
    )


@backoffice_view(MANAGE)
@require_http_methods(["GET", "POST"])
def sms_settings(request):
    municipality = request.municipality
    current = selectors.sms_settings_get(municipality=municipality)
    form = SmsSettingsForm(
        post_data(request), initial=_sms_initial(current), saved_secrets=_saved_secrets(current)
    )

    def save(data):
        options = dict(data)
        plugin = options.pop("plugin")
        enabled = options.pop("enabled")
        return services.sms_settings_set(
            municipality=municipality,
            plugin=plugin,
            options=options,
            enabled=enabled,
            actor=request.user,
            context=audit_context(request),
        )

    done = submit_service(
        request,
        form,
        save,
        success=_("The SMS settings have been saved."),
        redirect_to=reverse("notifications_backoffice:template_list"),
    )
    return done or _sms_page(request, form, current, status=form_status(form))


def _sms_initial(current) -> dict:
    if current is None:
        return {"plugin": "", "enabled": True}
    plugin = register.get(current.plugin) if current.plugin in register else None
    options = plugin.initial(current.options) if plugin else {}
    return {"plugin": current.plugin, "enabled": current.enabled, **options}


def _saved_secrets(current) -> tuple[str, ...]:
    if current is None or current.plugin not in register:
        return ()
    return saved_secret_names(register.get(current.plugin), current.secrets_sealed)


def _sms_page(request, form, current, *, check=None, status=200):
    return render_backoffice(
        request,
        "notifications/backoffice/sms_settings.html",
        {
            "form": form,
            "current": current,
            "has_secret": bool(current and current.secrets_sealed),
            "check": check,
        },
        section="notifications",
        status=status,
    )


@backoffice_view(MANAGE)
@require_POST
def sms_check(request):
    """Verbindung testen: the SMS gateway checks the saved settings (no SMS is sent)."""
    current = selectors.sms_settings_get(municipality=request.municipality)
    if current is None or current.plugin not in register:
        raise Http404(_("No SMS gateway is set up."))
    result = check_saved(register.get(current.plugin), selectors.sms_options, current)
    form = SmsSettingsForm(initial=_sms_initial(current), saved_secrets=_saved_secrets(current))
    return _sms_page(request, form, current, check=result)


@csrf_exempt  # called by the SMS gateway; authenticated by its HMAC signature instead
@require_POST
def sms_status(request):
    """The gateway's delivery report for one SMS (see ``revier.notifications.sms.http``)."""
    municipality = request.municipality
    sms_settings = selectors.sms_settings_get(municipality=municipality)
    if sms_settings is None or sms_settings.plugin not in register:
        raise Http404()
    plugin = register.get(sms_settings.plugin)
    try:
        report = plugin.parse_status(
            body=request.body, headers=request.headers, options=selectors.sms_options(sms_settings)
        )
    except StatusRefused as exc:
        logger.warning("SMS status report refused for %s: %s", municipality.slug, exc)
        return HttpResponse(status=403)
    notification = services.sms_status_apply(municipality=municipality, report=report)
    if notification is None:
        return HttpResponse(status=404)
    return HttpResponse(status=204)
