"""Public pages: the platform start page, each municipality's home and its legal pages."""

from django.conf import settings
from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from revier.portal.forms import AccessibilityFeedbackForm
from revier.portal.services import accessibility_feedback_submit
from revier.tenancy.selectors import municipality_list


def _operator() -> dict:
    return {
        "name": getattr(settings, "REVIER_OPERATOR_NAME", ""),
        "address": getattr(settings, "REVIER_OPERATOR_ADDRESS", ""),
        "email": getattr(settings, "REVIER_OPERATOR_EMAIL", ""),
        "phone": getattr(settings, "REVIER_OPERATOR_PHONE", ""),
    }


def home(request):
    municipality = request.municipality
    if municipality is None:
        return render(request, "portal/platform_home.html", {"municipalities": municipality_list()})
    context = {"latest_news": []}
    if municipality.module_enabled("news"):
        from revier.news.selectors import news_published

        context["latest_news"] = list(news_published()[:3])
    return render(request, "portal/municipality_home.html", context)


def impressum(request):
    return render(request, "portal/impressum.html", {"operator": _operator()})


def privacy(request):
    return render(request, "portal/privacy.html", {"operator": _operator()})


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
        {"form": form, "operator": _operator()},
        status=400 if form.is_bound else 200,
    )


def easy_language(request):
    return render(request, "portal/easy_language.html")


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
