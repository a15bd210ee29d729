"""Back office: the municipality's online forms — list, import, review, preview, publish, retire,
and the small builder for forms without FIM. Same pattern as every back-office page
(revier.backoffice.framework)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from revier.backoffice.framework import (
    apply_service_error,
    backoffice_view,
    form_status,
    render_backoffice,
    submit_service,
)
from revier.core.audit import audit_context
from revier.core.imports import get_importer
from revier.core.imports.selectors import import_run_problems
from revier.core.imports.views import upload as import_upload
from revier.core.imports.views import upload_form
from revier.core.models import ImportRun
from revier.core.views import post_data
from revier.forms import selectors, services
from revier.forms.forms import (
    CodeListForm,
    FieldEditForm,
    FieldForm,
    FormCreateForm,
    StepForm,
)
from revier.forms.models import Field, FormVersion, Step
from revier.forms.schema import json_schema
from revier.forms.xdf import XDatenfelderError, max_bytes

PERMISSION = "forms.manage_forms"


def _render(request, template: str, context: dict, *, status: int = 200):
    return render_backoffice(request, template, context, section="forms", status=status)


def _version(pk: int) -> FormVersion:
    # The scoped manager confines the lookup to the active municipality: other ids are 404.
    version = selectors.form_version_get(pk=pk)
    if version is None:
        raise Http404(_("There is no form version with this id."))
    return version


@backoffice_view(PERMISSION)
def form_list(request):
    return _render(request, "forms/backoffice/list.html", {"forms": selectors.forms_all()})


@backoffice_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def form_import(request):
    """Upload an XDatenfelder file as an import run (importer "forms.xdatenfelder").

    In the embedded default the run is finished when the upload returns: a new version opens
    its page, a refused file stays here with every problem. With a worker the run's page shows
    its progress.
    """
    spec = get_importer("forms.xdatenfelder")
    form = upload_form(spec, post_data(request), request.FILES or None)
    run = None
    problems = []
    if form.is_valid():
        run = import_upload(request, spec, form)
        if run is not None:
            run.refresh_from_db()
            if run.status == ImportRun.Status.FAILED:
                problems = list(import_run_problems(run=run))
                form.add_error("file", _("The file was refused; nothing was imported."))
            elif run.is_finished and run.result_object_id:
                messages.success(request, run.summary)
                return redirect("forms_backoffice:version_detail", pk=run.result_object_id)
            else:
                return redirect("imports_backoffice:detail", pk=run.pk)
    return _render(
        request,
        "forms/backoffice/import.html",
        {"form": form, "problems": problems, "run": run},
        status=400 if form.is_bound else 200,
    )


@backoffice_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def form_create(request):
    form = FormCreateForm(post_data(request))
    done = submit_service(
        request,
        form,
        lambda data: services.form_create(
            municipality=request.municipality,
            actor=request.user,
            context=audit_context(request),
            **data,
        ),
        success=_("The draft has been created. Add steps and fields."),
        redirect_to=lambda version: reverse("forms_backoffice:version_detail", args=[version.pk]),
    )
    return done or _render(
        request,
        "forms/backoffice/create.html",
        {"form": form},
        status=form_status(form),
    )


def _detail(
    request,
    version,
    *,
    step_form=None,
    field_form=None,
    code_list_form=None,
    problems=(),
    status=200,
):
    steps = list(Step.objects.filter(version=version).order_by("position"))
    return _render(
        request,
        "forms/backoffice/version_detail.html",
        {
            "version": version,
            "steps": steps,
            "rules": selectors.form_version_rules(version),
            "step_form": step_form or StepForm(),
            "field_form": field_form or FieldForm(steps=steps),
            "can_build": version.is_editable and version.source == FormVersion.Source.BUILDER,
            "code_lists": list(version.code_lists.all()),
            "fields": list(version.fields.order_by("position")) if version.is_editable else [],
            "code_list_form": code_list_form or CodeListForm(),
            "code_list_problems": problems,
        },
        status=status,
    )


@backoffice_view(PERMISSION)
def version_detail(request, pk: int):
    return _detail(request, _version(pk))


def _add_type_labels(nodes: list[dict]) -> None:
    """The data types in the staff's language, for the preview."""
    labels = dict(Field.Datatype.choices)
    for node in nodes:
        if "datatype" in node:
            node["datatype_label"] = labels.get(node["datatype"], node["datatype"])
        _add_type_labels(node.get("children", []))


@backoffice_view(PERMISSION)
def version_preview(request, pk: int):
    version = _version(pk)
    tree = selectors.form_version_tree(version)
    schema = json_schema(version, tree=tree)
    _add_type_labels(tree)
    return _render(
        request,
        "forms/backoffice/preview.html",
        {"version": version, "steps": tree, "schema": schema},
    )


@backoffice_view(PERMISSION)
@require_POST
def version_publish(request, pk: int):
    version = _version(pk)
    try:
        services.form_version_publish(
            version=version, actor=request.user, context=audit_context(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The version has been published."))
    return redirect("forms_backoffice:version_detail", pk=version.pk)


@backoffice_view(PERMISSION)
@require_POST
def version_retire(request, pk: int):
    version = _version(pk)
    try:
        services.form_version_retire(
            version=version, actor=request.user, context=audit_context(request)
        )
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The version has been retired."))
    return redirect("forms_backoffice:version_detail", pk=version.pk)


def _refuse(request, version, error: ValidationError):
    """An error about the version as a whole (e.g. not a draft): said on the version's page."""
    messages.error(request, " ".join(error.messages))
    return redirect("forms_backoffice:version_detail", pk=version.pk)


@backoffice_view(PERMISSION)
@require_POST
def step_add(request, pk: int):
    version = _version(pk)
    form = StepForm(request.POST)
    if form.is_valid():
        try:
            services.form_step_add(version=version, actor=request.user, **form.cleaned_data)
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _refuse(request, version, exc)
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The step has been added."))
            return redirect("forms_backoffice:version_detail", pk=version.pk)
    return _detail(request, version, step_form=form, status=400)


@backoffice_view(PERMISSION)
@require_POST
def field_add(request, pk: int):
    version = _version(pk)
    steps = list(Step.objects.filter(version=version).order_by("position"))
    form = FieldForm(request.POST, steps=steps)
    if form.is_valid():
        data = form.cleaned_data
        step = next(s for s in steps if s.pk == data["step"])
        try:
            services.form_field_add(
                version=version,
                step=step,
                label=data["label"],
                datatype=data["datatype"],
                required=data["required"],
                help_text=data["help_text"],
                choices=data["choices"],
                actor=request.user,
            )
        except ValidationError as exc:
            if not hasattr(exc, "error_dict"):
                return _refuse(request, version, exc)
            apply_service_error(form, exc)
        else:
            messages.success(request, _("The field has been added."))
            return redirect("forms_backoffice:version_detail", pk=version.pk)
    return _detail(request, version, field_form=form, status=400)


@backoffice_view(PERMISSION)
@require_POST
def code_list_upload(request, pk: int):
    version = _version(pk)
    form = CodeListForm(request.POST, request.FILES)
    problems = []
    if form.is_valid():
        try:
            code_list = services.code_list_load_genericode(
                version=version,
                data=form.cleaned_data["file"].read(max_bytes() + 1),
                actor=request.user,
                context=audit_context(request),
            )
        except XDatenfelderError as exc:
            problems = exc.problems
            form.add_error("file", _("The file was refused."))
        except ValidationError as exc:
            if not version.is_editable:
                return _refuse(request, version, exc)
            form.add_error("file", exc)
        else:
            messages.success(
                request,
                _("%(count)d values of %(list)s have been loaded.")
                % {"count": len(code_list.values), "list": code_list},
            )
            return redirect("forms_backoffice:version_detail", pk=version.pk)
    return _detail(request, version, code_list_form=form, problems=problems, status=400)


@backoffice_view(PERMISSION)
@require_http_methods(["GET", "POST"])
def field_edit(request, pk: int, field_pk: int):
    version = _version(pk)
    field = Field.objects.filter(version=version, pk=field_pk).first()
    if field is None:
        raise Http404(_("There is no such field in this version."))
    if not version.is_editable:
        return _refuse(
            request,
            version,
            ValidationError(_("Only a draft can be changed; published versions stay as they are.")),
        )
    form = FieldEditForm(
        post_data(request),
        initial={"label": field.label, "help_text": field.help_text, "required": field.required},
    )
    done = submit_service(
        request,
        form,
        lambda data: services.form_field_update(
            field=field, actor=request.user, context=audit_context(request), **data
        ),
        success=_("The field has been saved."),
        redirect_to=reverse("forms_backoffice:version_detail", args=[version.pk]),
    )
    return done or _render(
        request,
        "forms/backoffice/field_edit.html",
        {"version": version, "field": field, "form": form},
        status=form_status(form),
    )
