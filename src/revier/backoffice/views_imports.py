"""Back-office pages of import runs for every importer (revier.core.imports, ADR 0017): the runs
the user may read, one run with live progress and its problems, and an upload per importer.

They live here, beside the catalogue import, until the back office is an app of its own; the
forms app's XDatenfelder upload links to the same run pages. Who may see a run follows from the
importer's permission; a municipal run of another municipality is not found (404).
"""

from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from revier.backoffice.framework import backoffice_view, render_backoffice
from revier.core.imports import UnknownImporter, get_importer, importers_for
from revier.core.imports.selectors import import_run_get, import_runs_visible
from revier.core.imports.views import run_context, upload, upload_form
from revier.core.views import post_data

SECTION = "imports"


def _run(request, pk: int):
    run = import_run_get(user=request.user, municipality=request.municipality, pk=pk)
    if run is None:
        raise Http404(_("There is no import run with this id."))
    return run


@backoffice_view()
def run_list(request):
    specs = importers_for(request.user, request.municipality)
    labels = {spec.key: spec.label for spec in specs}
    page = Paginator(
        import_runs_visible(user=request.user, municipality=request.municipality), 50
    ).get_page(request.GET.get("page"))
    for run in page.object_list:
        run.importer_label = labels.get(run.importer, run.importer)
    return render_backoffice(
        request,
        "backoffice/imports/run_list.html",
        {"page": page, "importers": specs},
        section=SECTION,
    )


@backoffice_view()
@require_http_methods(["GET", "POST"])
def run_upload(request, key: str):
    try:
        spec = get_importer(key)
    except UnknownImporter:
        raise Http404(_("There is no such import.")) from None
    if not request.user.has_perm(spec.permission, request.municipality):
        raise PermissionDenied(_("Your role does not allow this."))
    form = upload_form(spec, post_data(request), request.FILES or None)
    if form.is_valid():
        run = upload(request, spec, form)
        if run is not None:
            return redirect("imports_backoffice:detail", pk=run.pk)
    return render_backoffice(
        request,
        "backoffice/imports/upload.html",
        {"form": form, "importer": spec},
        section=SECTION,
        status=400 if form.is_bound else 200,
    )


@backoffice_view()
def run_detail(request, pk: int):
    run = _run(request, pk)
    context = run_context(request, run)
    context["progress_url"] = reverse("imports_backoffice:progress", kwargs={"pk": run.pk})
    return render_backoffice(
        request, "backoffice/imports/run_detail.html", context, section=SECTION
    )


@backoffice_view()
def run_progress(request, pk: int):
    """The progress block alone, polled by htmx every 2 s while the run is not finished."""
    run = _run(request, pk)
    context = run_context(request, run)
    context["progress_url"] = reverse("imports_backoffice:progress", kwargs={"pk": run.pk})
    response = render(request, "revier/imports/_progress.html", context)
    if run.is_finished and request.headers.get("HX-Request"):
        # Reload the whole page once: the problems and the result are only complete now.
        response["HX-Refresh"] = "true"
    return response
