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
