"""Public pages: the platform start page, each municipality's home and its legal pages."""

import datetime

from django.conf import settings
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from revier.core import kit
from revier.core.pagecache import public_page
from revier.portal.forms import AccessibilityFeedbackForm
from revier.portal.services import accessibility_feedback_submit
from revier.tenancy import selectors as tenancy_selectors
from revier.tenancy.keys import LAENDER


def _operator() -> dict:
    return {
        "name": getattr(settings, "REVIER_OPERATOR_NAME", ""),
        "address": getattr(settings, "REVIER_OPERATOR_ADDRESS", ""),
        "email": getattr(settings, "REVIER_OPERATOR_EMAIL", ""),
        "phone": getattr(settings, "REVIER_OPERATOR_PHONE", ""),
    }


# Dates of the accessibility statement (BITV 2.0 § 7): update them when the statement is reviewed.
ACCESSIBILITY_STATEMENT_PREPARED = datetime.date(2026, 11, 24)
ACCESSIBILITY_STATEMENT_REVIEWED = datetime.date(2026, 11, 24)

# Data protection supervisory authority for public bodies of each Land, keyed by the first two
# digits of the AGS (Art. 77 GDPR: the privacy policy must name where to complain).
DATA_PROTECTION_AUTHORITIES = {
    "01": "Unabhängiges Landeszentrum für Datenschutz Schleswig-Holstein",
    "02": "Hamburgische Beauftragte für Datenschutz und Informationsfreiheit",
    "03": "Landesbeauftragte für den Datenschutz Niedersachsen",
    "04": "Landesbeauftragte für Datenschutz und Informationsfreiheit der Freien Hansestadt Bremen",
    "05": "Landesbeauftragte für Datenschutz und Informationsfreiheit Nordrhein-Westfalen",
    "06": "Hessischer Beauftragter für Datenschutz und Informationsfreiheit",
    "07": "Landesbeauftragter für den Datenschutz und die Informationsfreiheit Rheinland-Pfalz",
    "08": "Landesbeauftragter für den Datenschutz und die Informationsfreiheit Baden-Württemberg",
    "09": "Bayerischer Landesbeauftragter für den Datenschutz",
    "10": "Unabhängiges Datenschutzzentrum Saarland",
    "11": "Berliner Beauftragte für Datenschutz und Informationsfreiheit",
    "12": "Landesbeauftragte für den Datenschutz und für das Recht auf Akteneinsicht Brandenburg",
    "13": "Landesbeauftragter für Datenschutz und Informationsfreiheit Mecklenburg-Vorpommern",
    "14": "Sächsische Datenschutz- und Transparenzbeauftragte",
    "15": "Landesbeauftragter für den Datenschutz Sachsen-Anhalt",
    "16": "Thüringer Landesbeauftragter für den Datenschutz und die Informationsfreiheit",
}


# Municipalities per page of the platform start page's results.
PLATFORM_PAGE_SIZE = 24


def platform_home(request):
    """The platform start page: search municipalities by name, postcode or AGS, or browse them by
    Land and Kreis. Every list on it is bounded (issue 13: 10,000 municipalities)."""
    q = request.GET.get("q", "").strip()
    land = request.GET.get("land", "")
    kreis = request.GET.get("kreis", "")
    if (land and not tenancy_selectors.is_land_key(land)) or (
        kreis and not tenancy_selectors.is_kreis_key(kreis)
    ):
        raise Http404
    if kreis:
        land = kreis[:2]
    context = {"q": q, "land": land, "kreis": kreis, "land_name": LAENDER.get(land, "")}
    if len(q) > tenancy_selectors.SEARCH_MAX_LENGTH:
        context["q_error"] = _("Enter at most %(max)d characters.") % {
            "max": tenancy_selectors.SEARCH_MAX_LENGTH
        }
        q = context["q"] = ""
    if q or kreis:
        municipalities = tenancy_selectors.municipality_search(q=q, land=land, kreis=kreis)
        context["page"] = Paginator(municipalities, PLATFORM_PAGE_SIZE).get_page(
            request.GET.get("page")
        )
        query = request.GET.copy()
        query.pop("page", None)
        context["page_query"] = query.urlencode()
        if kreis:
            context["kreis_name"] = tenancy_selectors.kreis_name(kreis)
    elif land:
        context["kreise"] = tenancy_selectors.kreis_counts(land=land)
    else:
        context["laender"] = tenancy_selectors.land_counts()
    status = 400 if "q_error" in context else 200
    return render(request, "portal/platform_home.html", context, status=status)


@public_page(platform_params=("land", "kreis", "page"))
def home(request):
    municipality = request.municipality
    if municipality is None:
        return platform_home(request)
    # Blocks that modules contribute (revier.core.kit.HomeBlock), where they are switched on.
    blocks = []
    for block in kit.home_blocks():
        if block.module and not municipality.module_enabled(block.module):
            continue
        context = kit.resolve(block.context)(request) if block.context else {}
        if context is not None:
            blocks.append({"template": block.template, "context": context})
    return render(request, "portal/municipality_home.html", {"home_blocks": blocks})


@public_page
def impressum(request):
    return render(request, "portal/impressum.html", {"operator": _operator()})


@public_page
def privacy(request):
    municipality = request.municipality
    context = {
        "operator": _operator(),
        # The cookie table names the cookies this installation really sets.
        "cookies": {
            "session": settings.SESSION_COOKIE_NAME,
            "csrf": settings.CSRF_COOKIE_NAME,
            "language": settings.LANGUAGE_COOKIE_NAME,
        },
        "data_protection_authority": DATA_PROTECTION_AUTHORITIES.get(municipality.ags[:2], "")
        if municipality
        else "",
        # What the platform processes (declared by the modules), for the enabled modules.
        "processing_activities": kit.processing_activities_for(municipality),
    }
    return render(request, "portal/privacy.html", context)


@public_page
def accessibility(request):
    municipality = request.municipality
    if request.method == "POST":
        form = AccessibilityFeedbackForm(request.POST)
        if form.is_valid():
            if municipality is not None:
                accessibility_feedback_submit(municipality=municipality, **form.cleaned_data)
            else:
                from revier.core.mail import send_templated_mail

                recipient = _operator()["email"]
                if recipient:
                    send_templated_mail(
                        template="portal/email/accessibility_feedback",
                        context={"feedback": form.cleaned_data, "municipality": None},
                        to=[recipient],
                        language="de",
                    )
            messages.success(
                request, _("Thank you. Your feedback has been sent to the people responsible.")
            )
            return redirect("portal:accessibility")
    else:
        form = AccessibilityFeedbackForm(initial={"page_url": request.GET.get("page", "")})
    return render(
        request,
        "portal/accessibility.html",
        {
            "form": form,
            "operator": _operator(),
            "statement_date": ACCESSIBILITY_STATEMENT_PREPARED,
            "statement_reviewed": ACCESSIBILITY_STATEMENT_REVIEWED,
        },
        status=400 if form.is_bound else 200,
    )


@public_page
def easy_language(request):
    return render(request, "portal/easy_language.html")


@public_page
@require_GET
@cache_control(max_age=3600, public=True)
def brand_css(request):
    """The municipality's colours as CSS custom properties (no inline styles: the CSP forbids
    them)."""
    colour = request.municipality.primary_colour
    css = f":root {{ --revier-brand: {colour}; --kern-color-action-default: {colour}; }}\n"
    return HttpResponse(css, content_type="text/css; charset=utf-8")


def unknown_host(request, host: str):
    return render(request, "portal/unknown_host.html", {"host": host}, status=404)


# --- error pages (KERN-styled; used by handler404 etc. in both urlconfs) -----------------------


def error_400(request, exception=None):
    return render(
        request,
        "portal/error.html",
        {
            "status": 400,
            "title": _("Bad request"),
            "text": _("The request could not be understood. Please go back and try again."),
        },
        status=400,
    )


def error_403(request, exception=None):
    return render(
        request,
        "portal/error.html",
        {
            "status": 403,
            "title": _("Access denied"),
            "text": str(exception)
            if exception and str(exception)
            else _("You do not have permission to open this page."),
        },
        status=403,
    )


def error_404(request, exception=None):
    from revier.tenancy.modules import ModuleDisabled

    if isinstance(exception, ModuleDisabled):
        title = _("Not offered here")
        text = _("%(name)s does not offer this service on this platform.") % {
            "name": exception.municipality.name if exception.municipality else _("The municipality")
        }
    else:
        title = _("Page not found")
        text = _("The page you are looking for does not exist or has moved.")
        segment = request.path_info.strip("/").split("/", 1)[0]
        if request.municipality is None and segment and "/" not in request.path_info.strip("/"):
            text = _("There is no municipality with the address “%(slug)s” on this platform.") % {
                "slug": segment
            }
    return render(
        request, "portal/error.html", {"status": 404, "title": title, "text": text}, status=404
    )


def error_500(request):
    from django.conf import settings
    from django.urls import get_urlconf

    if request.path_info.startswith("/api/"):
        # API clients get a problem document, as for every other API error.
        from django.http import JsonResponse

        from revier.core.api import PROBLEM_TYPE_BASE

        body = {
            "type": PROBLEM_TYPE_BASE + "server-error",
            "title": _("Server error"),
            "status": 500,
            "detail": _("We could not complete your request. Please try again later."),
        }
        return JsonResponse(body, status=500, content_type="application/problem+json")
    if get_urlconf() != settings.MUNICIPALITY_URLCONF:
        # The municipality's pages (and its brand stylesheet) are not in this URLconf: an
        # error page must not fail on them.
        request.municipality = None
    return render(
        request,
        "portal/error.html",
        {
            "status": 500,
            "title": _("Something went wrong"),
            "text": _("We could not complete your request. Please try again later."),
        },
        status=500,
    )
