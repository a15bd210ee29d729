"""The importer ``forms.xdatenfelder``: a FIM XDatenfelder file as an import run (ADR 0017).

Atomic: the file becomes one new form version or nothing; a refused file fails the run with
every problem and its element path (and line)."""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revier.core.imports import ImportFailed, ImportSource, Problem, Reporter, register_importer
from revier.forms import xdf
from revier.forms.forms import ImportForm
from revier.forms.services import PERMISSION, form_import_xdatenfelder


def _location(problem: xdf.Problem) -> str:
    # As xdf.Problem writes it (not translated: paths and lines are read by tools, too).
    return f"{problem.path} (line {problem.line})" if problem.line else problem.path


@register_importer(
    "forms.xdatenfelder",
    label=gettext_lazy("FIM XDatenfelder"),
    description=gettext_lazy(
        "A Stammdatenschema or data group (XDatenfelder 2.0 or 3.0) becomes a new version of "
        "the service's form. A file with problems is refused as a whole."
    ),
    file_types=(".xml",),
    atomic=True,
    permission=PERMISSION,
    form_class=ImportForm,
    max_bytes=xdf.max_bytes,
)
def import_xdatenfelder(source: ImportSource, report: Reporter) -> None:
    report.set_total(1)
    try:
        version = form_import_xdatenfelder(
            municipality=source.municipality,
            leika=source.options.get("leika", ""),
            data=source.data,
            filename=source.name,
            publish=bool(source.options.get("publish")),
            actor=source.actor,
        )
    except xdf.XDatenfelderError as exc:
        raise ImportFailed(
            [Problem(location=_location(p), message=p.message) for p in exc.problems]
        ) from exc
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            problems = [
                Problem(location=field, message=message)
                for field, messages in exc.message_dict.items()
                for message in messages
            ]
        else:
            problems = [Problem(location="", message=message) for message in exc.messages]
        raise ImportFailed(problems) from exc
    report.advance(1)
    report.count(created=1)
    report.result(
        summary=_("Version %(number)d of %(title)s has been imported.")
        % {"number": version.number, "title": version.title},
        url_name="forms_backoffice:version_detail",
        object_id=version.pk,
    )
