"""Views of the core: the API documentation page and the benchmark's floor."""

from django.http import HttpResponse
from drf_spectacular.views import SpectacularSwaggerSplitView


class APIDocsView(SpectacularSwaggerSplitView):
    """Swagger UI from the sidecar's static files with its settings in a separate script
    (``?script``), so the page needs neither another origin nor inline code."""

    template_name = "core/api_docs.html"


def bench_floor(request):
    """The cheapest page Django can serve through Revier's middleware: the benchmark's floor.

    Mounted only with ``REVIER_BENCHMARK_FLOOR=1`` (see benchmarks/README.md).
    """
    return HttpResponse(b"ok", content_type="text/plain")


def post_data(request):
    """The submitted data for binding a form, or None for GET: an empty POST must still bind
    (and fail) a form, so ``request.POST or None`` would be wrong."""
    return request.POST if request.method == "POST" else None


def csrf_failure(request, reason=""):
    """CSRF refusals: problem JSON below /api/ (clients expect no HTML page there), Django's
    page elsewhere."""
    if request.path_info.startswith("/api/"):
        from django.http import JsonResponse
        from django.utils.translation import gettext as _

        from revier.core.api import PROBLEM_TYPE_BASE

        body = {
            "type": PROBLEM_TYPE_BASE + "csrf-failed",
            "title": _("Forbidden"),
            "status": 403,
            "detail": _(
                "The CSRF check failed. API clients authenticate with a token "
                "(Authorization: Token …) and need no CSRF token."
            ),
        }
        return JsonResponse(body, status=403, content_type="application/problem+json")
    from django.views.csrf import csrf_failure as django_csrf_failure

    return django_csrf_failure(request, reason=reason)
