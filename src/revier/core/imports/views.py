"""View helpers of import runs, free of the back-office framework: the app that hosts the
pages guards them (``backoffice_view``) and renders them; these build the parts every run page
shares (templates in ``revier/imports/``)."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.utils.translation import gettext_lazy as _

from revier.core.imports import ImporterSpec, get_importer
from revier.core.imports.selectors import import_run_problems, import_run_progress
from revier.core.imports.services import import_run_create, import_run_enqueue
from revier.core.models import ImportRun

PROBLEMS_PER_PAGE = 50
# Seconds between reloads of a running run's page when JavaScript is off.
NO_SCRIPT_REFRESH_SECONDS = 5


class ImportUploadForm(forms.Form):
    """The upload of an importer without options of its own."""

    file = forms.FileField(label=_("File"))


def upload_form(spec: ImporterSpec, data=None, files=None) -> forms.Form:
    form = (spec.form_class or ImportUploadForm)(data, files)
    if spec.file_types:
        form.fields["file"].widget.attrs.setdefault("accept", ",".join(spec.file_types))
    return form


def upload(request, spec: ImporterSpec, form: forms.Form) -> ImportRun | None:
    """Create and enqueue a run from a bound, valid upload form; None (with the errors at the
    form's fields) when the service refused it."""
    upload_file = form.cleaned_data["file"]
    # One byte over the limit is enough to refuse; never read a huge upload whole.
    data = upload_file.read(spec.byte_limit() + 1)
    options = {k: v for k, v in form.cleaned_data.items() if k != "file"}
    try:
        run = import_run_create(
            importer=spec.key,
            data=data,
            source_name=upload_file.name,
            municipality=None if spec.platform else request.municipality,
            actor=request.user,
            options=options,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
        return None
    import_run_enqueue(run=run)
    return run


def run_context(request, run: ImportRun) -> dict:
    """What the run templates need: the run, its importer, live progress, a page of problems."""
    processed, total = import_run_progress(run=run)
    percent = min(100, round(100 * processed / total)) if total else None
    try:
        label = get_importer(run.importer).label
    except KeyError:
        label = run.importer
    return {
        "run": run,
        "importer_label": label,
        "processed": processed,
        "total": total,
        "percent": percent,
        "problems": Paginator(import_run_problems(run=run), PROBLEMS_PER_PAGE).get_page(
            request.GET.get("page")
        ),
        "refresh_seconds": NO_SCRIPT_REFRESH_SECONDS,
    }
