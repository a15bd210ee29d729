"""Writes of the forms app: import from XDatenfelder, publish and retire, the simple builder."""

import hashlib

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from revier.core.audit import AuditContext, audit_log
from revier.core.pagecache import public_content_changed
from revier.forms import xdf
from revier.forms.evaluation import compile_rule
from revier.forms.genericode import parse_genericode
from revier.forms.models import (
    CodeList,
    Field,
    Form,
    FormVersion,
    Group,
    Rule,
    Step,
    leika_validator,
)

PERMISSION = "forms.manage_forms"


def _check(actor, municipality) -> None:
    # actor None: the operator's command line, which has no person to ask.
    if actor is not None and not actor.has_perm(PERMISSION, municipality):
        raise PermissionDenied(_("You may not manage the forms of this municipality."))


def _validate_leika(leika: str) -> str:
    leika = (leika or "").strip()
    try:
        leika_validator(leika)
    except ValidationError as exc:
        raise ValidationError({"leika": exc.messages}) from None
    return leika


def _next_number(form: Form) -> int:
    return (form.versions.aggregate(n=Max("number"))["n"] or 0) + 1


def _form_for(*, municipality, leika: str, title: str) -> Form:
    form = Form.objects.select_for_update().filter(leika=leika).first()
    if form is None:
        form = Form(municipality=municipality, leika=leika, title=title[:300])
        form.full_clean()
        form.save()
    return form


# --- import -------------------------------------------------------------------------------------


def form_import_xdatenfelder(
    *,
    municipality,
    leika: str,
    data: bytes,
    filename: str = "",
    actor=None,
    publish: bool = False,
    context: AuditContext | None = None,
) -> FormVersion:
    """Create a new version of the service's form from an XDatenfelder file.

    Raises :class:`revier.forms.xdf.XDatenfelderError` (with every problem and its element path)
    when the file is refused, ``ValidationError`` for a bad LeiKa key; nothing is stored then.
    """
    _check(actor, municipality)
    leika = _validate_leika(leika)
    message = xdf.parse(data)
    with transaction.atomic():
        form = _form_for(municipality=municipality, leika=leika, title=message.root.label)
        root = message.root
        version = FormVersion(
            municipality=municipality,
            form=form,
            number=_next_number(form),
            title=root.label[:300],
            description=root.description,
            source=FormVersion.Source.XDATENFELDER,
            xdf_version=message.xdf_version,
            schema_id=root.id,
            schema_version=root.version,
            source_name=filename[:255],
            source_sha256=hashlib.sha256(data).hexdigest(),
            imported_at=timezone.now(),
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        version.save()
        writer = _TreeWriter(version, message)
        writer.write()
        version.report = writer.report
        version.save(update_fields=["report"])
        audit_log(
            municipality=municipality,
            actor=actor,
            action="create",
            obj=version,
            summary=f"imported XDatenfelder {message.xdf_version} {root.id} {root.version}",
            event="forms.xdf_imported",
            params={"xdf": message.xdf_version, "id": root.id, "version": root.version},
            context=context,
        )
        if publish:
            form_version_publish(version=version, actor=actor, context=context)
    return version


class _TreeWriter:
    """Turns the parsed message into steps, groups, fields, code lists and rules."""

    def __init__(self, version: FormVersion, message: xdf.Message):
        self.version = version
        self.message = message
        self.municipality = version.municipality
        self.position = 0
        self.fields: list[Field] = []
        self.code_lists: dict[tuple[str, str], CodeList] = {}
        # rule key → [{"owner", "scope", "known"}]
        self.attachments: dict[str, list[dict]] = {}
        self.report = [p.as_dict("warning") for p in message.warnings]

    def _next(self) -> int:
        self.position += 1
        return self.position

    def _attach(self, element: xdf.Element, *, owner: str, scope: list[str], known: set[str]):
        for key in element.rules:
            self.attachments.setdefault(key, []).append(
                {"owner": owner, "scope": scope, "known": known}
            )

    def write(self) -> None:
        root = self.message.root
        top_keys = {child.element.id for child in root.children}
        self._attach(root, owner="", scope=[], known=top_keys)
        loose: Step | None = None
        for child in root.children:
            element = child.element
            if isinstance(element, xdf.Group):
                loose = None
                step = Step.objects.create(
                    **self._node(element, child),
                    municipality=self.municipality,
                    version=self.version,
                )
                self._attach(
                    element,
                    owner=element.id,
                    scope=[element.id],
                    known={c.element.id for c in element.children},
                )
                self._children(element, step=step, parent=None, scope=[element.id])
            else:
                if loose is None:
                    loose = Step.objects.create(
                        municipality=self.municipality,
                        version=self.version,
                        position=self._next(),
                        label=root.label[:500],
                        help_text=root.help_text,
                    )
                self._field(element, child, step=loose, group=None, scope=[], siblings=top_keys)
        Field.objects.bulk_create(self.fields)
        self._rules()

    def _node(self, element: xdf.Element, child: xdf.Child) -> dict:
        return {
            "position": self._next(),
            "key": element.id,
            "fim_id": element.id,
            "fim_version": element.version,
            "label": element.label[:500],
            "help_text": element.help_text,
            "min_occurs": child.min_occurs,
            "max_occurs": child.max_occurs,
        }

    def _children(self, group: xdf.Group, *, step: Step, parent: Group | None, scope: list[str]):
        siblings = {c.element.id for c in group.children}
        for child in group.children:
            element = child.element
            if isinstance(element, xdf.Group):
                node = Group.objects.create(
                    **self._node(element, child),
                    municipality=self.municipality,
                    version=self.version,
                    step=step,
                    parent=parent,
                )
                inner = [*scope, element.id]
                self._attach(
                    element,
                    owner=element.id,
                    scope=inner,
                    known={c.element.id for c in element.children},
                )
                self._children(element, step=step, parent=node, scope=inner)
            else:
                self._field(element, child, step=step, group=parent, scope=scope, siblings=siblings)

    def _code_list(self, ref: xdf.CodeListRef, values) -> CodeList:
        key = (ref.canonical_identification or ref.id, ref.version)
        if key not in self.code_lists:
            self.code_lists[key] = CodeList.objects.create(
                municipality=self.municipality,
                version=self.version,
                fim_id=ref.id,
                canonical_identification=ref.canonical_identification or ref.id,
                list_version=ref.version,
                canonical_version_uri=ref.canonical_version_uri,
                values=[{"code": c, "label": label} for c, label in values],
            )
        return self.code_lists[key]

    def _field(self, element: xdf.Field, child: xdf.Child, *, step, group, scope, siblings):
        constraints = element.constraints
        code_list = None
        if element.code_list is not None:
            code_list = self._code_list(element.code_list, element.values)
            if not element.values and element.kind == "select":
                self.report.append(
                    {
                        "level": "warning",
                        "path": element.path,
                        "line": None,
                        "message": _(
                            "The values of code list %(list)s are not part of the file: "
                            "answers to %(field)s are not checked against them."
                        )
                        % {
                            "list": f"{code_list.canonical_identification} "
                            f"{code_list.list_version}".strip(),
                            "field": element.id,
                        },
                    }
                )
        self._attach(element, owner=element.id, scope=scope, known=siblings)
        self.fields.append(
            Field(
                **self._node(element, child),
                municipality=self.municipality,
                version=self.version,
                step=step,
                group=group,
                name=element.name[:500],
                description=element.description,
                datatype=element.datatype,
                kind=element.kind,
                min_length=constraints.get("minLength"),
                max_length=constraints.get("maxLength"),
                min_value=constraints.get("minValue", ""),
                max_value=constraints.get("maxValue", ""),
                pattern=constraints.get("pattern", ""),
                content=element.content,
                code_list=code_list,
                choices=[{"code": c, "label": label} for c, label in element.values],
                max_size=element.max_size,
                media_types=element.media_types,
            )
        )

    def _rules(self) -> None:
        for key, attachments in self.attachments.items():
            rule = self.message.rules[key]
            targets = []
            reasons = set()
            for attachment in attachments:
                expression, reason = compile_rule(
                    name=rule.name,
                    free_text=rule.free_text,
                    script=rule.script,
                    known=attachment["known"],
                )
                if reason:
                    reasons.add(reason)
                targets.append(
                    {
                        "owner": attachment["owner"],
                        "scope": attachment["scope"],
                        "expression": expression,
                    }
                )
            evaluable = not reasons
            Rule.objects.create(
                municipality=self.municipality,
                version=self.version,
                fim_id=rule.id,
                fim_version=rule.version,
                name=rule.name[:500],
                description=rule.description,
                free_text=rule.free_text,
                type=rule.type,
                script=rule.script,
                targets=targets,
                evaluable=evaluable,
            )
            owners = ", ".join(t["owner"] or self.message.root.id for t in targets)
            if evaluable:
                message = _("Rule %(rule)s (%(name)s) on %(owners)s is checked by the server.")
            else:
                message = _(
                    "Rule %(rule)s (%(name)s) on %(owners)s is not checked by the server "
                    "(%(reason)s); staff check it when processing."
                )
            self.report.append(
                {
                    "level": "rule",
                    "path": rule.path,
                    "line": None,
                    "message": message
                    % {
                        "rule": rule.key,
                        "name": rule.name,
                        "owners": owners,
                        "reason": ", ".join(sorted(reasons)),
                    },
                }
            )


# --- life cycle ---------------------------------------------------------------------------------


@transaction.atomic
def form_version_publish(
    *, version: FormVersion, actor, context: AuditContext | None = None
) -> FormVersion:
    """Make ``version`` the one residents fill in; the version published so far is retired."""
    _check(actor, version.municipality)
    Form.objects.select_for_update().filter(pk=version.form_id).first()
    version.refresh_from_db()
    if version.status == FormVersion.Status.PUBLISHED:
        return version
    if not version.fields.exclude(kind=Field.Kind.LABEL).exists():
        raise ValidationError(_("A form without input fields cannot be published."))
    now = timezone.now()
    FormVersion.objects.filter(form=version.form, status=FormVersion.Status.PUBLISHED).update(
        status=FormVersion.Status.RETIRED, retired_at=now
    )
    version.status = FormVersion.Status.PUBLISHED
    version.published_at = now
    version.retired_at = None
    version.save(update_fields=["status", "published_at", "retired_at"])
    audit_log(
        municipality=version.municipality,
        actor=actor,
        action="change",
        obj=version,
        summary="published form version",
        event="forms.version_published",
        context=context,
    )
    # The service pages link to the published form (ADR 0033).
    public_content_changed(version.municipality)
    return version


@transaction.atomic
def form_version_retire(
    *, version: FormVersion, actor, context: AuditContext | None = None
) -> FormVersion:
    """Stop offering ``version``; applications already made keep referring to it."""
    _check(actor, version.municipality)
    version.refresh_from_db()
    if version.status != FormVersion.Status.PUBLISHED:
        raise ValidationError(_("Only a published version can be retired."))
    version.status = FormVersion.Status.RETIRED
    version.retired_at = timezone.now()
    version.save(update_fields=["status", "retired_at"])
    audit_log(
        municipality=version.municipality,
        actor=actor,
        action="change",
        obj=version,
        event="forms.version_retired",
        context=context,
    )
    # The service pages link to the published form (ADR 0033).
    public_content_changed(version.municipality)
    return version


@transaction.atomic
def code_list_load_genericode(
    *, version: FormVersion, data: bytes, actor, context: AuditContext | None = None
):
    """Fill a referenced code list of a draft with the values of a genericode file.

    The file must be the list the form references (canonical URI, and the version when the
    reference names one). Raises ``XDatenfelderError`` for a bad file, ``ValidationError`` when
    it matches no code list of the version.
    """
    _check(actor, version.municipality)
    _editable(version)
    loaded = parse_genericode(data)
    candidates = CodeList.objects.filter(
        version=version, canonical_identification=loaded.canonical_uri
    )
    code_list = next(
        (c for c in candidates if not c.list_version or c.list_version == loaded.version), None
    )
    if code_list is None:
        raise ValidationError(
            _("This form references no code list %(uri)s in version %(version)s.")
            % {"uri": loaded.canonical_uri, "version": loaded.version or "–"}
        )
    code_list.values = [{"code": code, "label": label} for code, label in loaded.values]
    code_list.canonical_version_uri = code_list.canonical_version_uri or (
        loaded.canonical_version_uri
    )
    code_list.save(update_fields=["values", "canonical_version_uri"])
    audit_log(
        municipality=version.municipality,
        actor=actor,
        action="change",
        obj=version,
        event="forms.code_list_loaded",
        params={"uri": loaded.canonical_uri, "version": loaded.version},
        context=context,
    )
    return code_list


# --- builder (forms without FIM) ----------------------------------------------------------------


@transaction.atomic
def form_create(
    *, municipality, leika: str, title: str, actor, context: AuditContext | None = None
) -> FormVersion:
    """A new draft version built by hand, for a new form or a further version of one."""
    _check(actor, municipality)
    leika = _validate_leika(leika)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the form a title.")})
    form = _form_for(municipality=municipality, leika=leika, title=title)
    version = FormVersion(
        municipality=municipality,
        form=form,
        number=_next_number(form),
        title=title[:300],
        source=FormVersion.Source.BUILDER,
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    version.save()
    audit_log(
        municipality=municipality,
        actor=actor,
        action="create",
        obj=version,
        event="forms.version_created",
        context=context,
    )
    return version


def _editable(version: FormVersion) -> None:
    if not version.is_editable:
        raise ValidationError(
            _("Only a draft can be changed; published versions stay as they are.")
        )


@transaction.atomic
def form_step_add(*, version: FormVersion, title: str, help_text: str = "", actor) -> Step:
    _check(actor, version.municipality)
    _editable(version)
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": _("Give the step a title.")})
    last = version.steps.aggregate(n=Max("position"))["n"] or 0
    last = max(last, version.fields.aggregate(n=Max("position"))["n"] or 0)
    return Step.objects.create(
        municipality=version.municipality,
        version=version,
        position=last + 1,
        label=title[:500],
        help_text=help_text,
    )


@transaction.atomic
def form_field_add(
    *,
    version: FormVersion,
    step: Step,
    label: str,
    datatype: str,
    required: bool,
    help_text: str = "",
    choices: list[str] | None = None,
    max_length: int | None = None,
    actor,
) -> Field:
    """Add a field at the end of ``step``. Its answers are keyed ``feld_<n>``."""
    _check(actor, version.municipality)
    _editable(version)
    if step.version_id != version.pk:
        raise ValidationError(_("The step does not belong to this version."))
    label = (label or "").strip()
    errors = {}
    if not label:
        errors["label"] = _("Give the field a label.")
    if datatype not in Field.Datatype.values:
        errors["datatype"] = _("Choose a data type.")
    choices = [c.strip() for c in (choices or []) if c.strip()]
    if len(set(choices)) != len(choices):
        errors["choices"] = _("Each choice may occur only once.")
    if errors:
        raise ValidationError(errors)
    number = version.fields.count() + 1
    while version.fields.filter(key=f"feld_{number}").exists():
        number += 1
    last = max(
        version.steps.aggregate(n=Max("position"))["n"] or 0,
        version.fields.aggregate(n=Max("position"))["n"] or 0,
    )
    return Field.objects.create(
        municipality=version.municipality,
        version=version,
        step=step,
        position=last + 1,
        key=f"feld_{number}",
        label=label[:500],
        help_text=help_text,
        datatype=datatype,
        kind=Field.Kind.SELECT if choices else Field.Kind.INPUT,
        min_occurs=1 if required else 0,
        max_occurs=1,
        max_length=max_length,
        choices=[{"code": c, "label": c} for c in choices],
    )


@transaction.atomic
def form_field_update(
    *,
    field: Field,
    label: str,
    help_text: str,
    required: bool,
    actor,
    context: AuditContext | None = None,
) -> Field:
    """Change what residents read (label, help) and whether an answer is required, in a draft.

    The key, FIM id, type and constraints stay as imported: they define the answers' data.
    """
    _check(actor, field.municipality)
    _editable(field.version)
    label = (label or "").strip()
    if not label:
        raise ValidationError({"label": _("Give the field a label.")})
    field.label = label[:500]
    field.help_text = (help_text or "").strip()
    field.min_occurs = max(1, field.min_occurs) if required else 0
    field.save(update_fields=["label", "help_text", "min_occurs"])
    audit_log(
        municipality=field.municipality,
        actor=actor,
        action="change",
        obj=field.version,
        event="forms.field_changed",
        params={"key": field.key},
        context=context,
    )
    return field
