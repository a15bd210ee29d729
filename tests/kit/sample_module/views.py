from django.http import HttpResponse, JsonResponse

from revier.backoffice.framework import backoffice_view, render_backoffice
from revier.tenancy.modules import module_required

DEMO_RUNS: list[str] = []


@module_required("samples")
def index(request):
    return HttpResponse(f"samples of {request.municipality.slug}")


@backoffice_view("sample_module.manage")
def backoffice_list(request):
    return render_backoffice(request, "sample_module/backoffice_list.html", {}, section="samples")


def api_list(request, municipality):
    return JsonResponse({"results": [], "municipality": municipality})


def export_person(*, user) -> dict:
    return {"samples": [f"sample of {user.email}"]}


def home_block(request) -> dict:
    return {"text": "SAMPLE-HOME-BLOCK"}


def demo() -> dict:
    DEMO_RUNS.append("samples")
    return {}


def metrics():
    """The module's gauge for /metrics (a MetricSource)."""
    from prometheus_client.core import GaugeMetricFamily

    yield GaugeMetricFamily("revier_sample_things", "Samples, for the kit test.", value=3)
