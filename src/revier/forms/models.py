"""Online forms of a municipality: versioned, generated from FIM XDatenfelder or built by staff.

A :class:`Form` belongs to one service (LeiKa key) of one municipality. Its content lives in
numbered :class:`FormVersion` rows, which are immutable once published: steps (the top-level data
groups), nested groups, fields, code lists and rules hang off the version. Answers are keyed by
each element's ``key`` (the FIM id for imported elements), see ``revier.forms.schema``.
"""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from revier.core.models import TenantOwnedModel

leika_validator = RegexValidator(r"^99\d{12}$", _("A LeiKa key has 14 digits and starts with 99."))


class Form(TenantOwnedModel):
    """The online form of one service (LeiKa key) in one municipality."""

    leika = models.CharField(_("LeiKa key"), max_length=14, validators=[leika_validator])
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("form")
        verbose_name_plural = _("forms")
        ordering = ["title", "id"]
        constraints = [
            models.UniqueConstraint(fields=["municipality", "leika"], name="forms_unique_leika")
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.leika})"


class FormVersion(TenantOwnedModel):
    class Status(models.TextChoices):
        DRAFT = "draft", _("draft")
        PUBLISHED = "published", _("published")
        RETIRED = "retired", _("retired")

    class Source(models.TextChoices):
        XDATENFELDER = "xdatenfelder", _("FIM XDatenfelder")
        BUILDER = "builder", _("form builder")

    form = models.ForeignKey(
        Form, on_delete=models.CASCADE, related_name="versions", verbose_name=_("form")
    )
    number = models.PositiveIntegerField(_("version"))
    status = models.CharField(
        _("status"), max_length=16, choices=Status.choices, default=Status.DRAFT
    )
    title = models.CharField(_("title"), max_length=300)
    description = models.TextField(_("description"), blank=True)
    source = models.CharField(_("source"), max_length=16, choices=Source.choices)
    xdf_version = models.CharField(_("XDatenfelder version"), max_length=8, blank=True)
    schema_id = models.CharField(_("FIM id"), max_length=64, blank=True)
    schema_version = models.CharField(_("FIM version"), max_length=32, blank=True)
    source_name = models.CharField(_("file name"), max_length=255, blank=True)
    source_sha256 = models.CharField(_("SHA-256 of the file"), max_length=64, blank=True)
    # [{"level": "warning"|"rule", "path": "/xdf:…", "line": 12, "message": "…"}]
    report = models.JSONField(_("import report"), default=list, blank=True)
    imported_at = models.DateTimeField(_("imported"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    retired_at = models.DateTimeField(_("retired"), null=True, blank=True)

    class Meta:
        verbose_name = _("form version")
        verbose_name_plural = _("form versions")
        ordering = ["form", "-number"]
        constraints = [
            # The municipality first, as in every unique constraint of a tenant table (Citus).
            models.UniqueConstraint(
                fields=["municipality", "form", "number"], name="forms_unique_version_number"
            ),
            # At most one version of a form is what residents fill in.
            models.UniqueConstraint(
                fields=["municipality", "form"],
                condition=Q(status="published"),
                name="forms_one_published_version",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.number}"

    @property
    def is_editable(self) -> bool:
        return self.status == self.Status.DRAFT


class _Node(TenantOwnedModel):
    """What steps, groups and fields share: identity in FIM, label, help, multiplicity."""

    position = models.PositiveIntegerField(_("position"), default=0)
    # The key of the element in the answers: the FIM id, or ``feld_<n>`` for built fields.
    key = models.CharField(_("key"), max_length=64, blank=True)
    fim_id = models.CharField(_("FIM id"), max_length=64, blank=True)
    fim_version = models.CharField(_("FIM version"), max_length=32, blank=True)
    label = models.CharField(_("label"), max_length=500)
    help_text = models.TextField(_("help text"), blank=True)
    min_occurs = models.PositiveIntegerField(_("minimum number"), default=1)
    # Null: unbounded ("*").
    max_occurs = models.PositiveIntegerField(_("maximum number"), null=True, blank=True, default=1)

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.label

    @property
    def required(self) -> bool:
        return self.min_occurs > 0

    @property
    def repeatable(self) -> bool:
        return self.max_occurs is None or self.max_occurs > 1


class Step(_Node):
    """One page of the form: a top-level data group, or (key empty) top-level fields."""

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="steps")

    class Meta:
        verbose_name = _("step")
        verbose_name_plural = _("steps")
        ordering = ["version", "position"]


class Group(_Node):
    """A data group nested inside a step (FIM Datenfeldgruppe below the top level)."""

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="groups")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="groups")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="subgroups"
    )

    class Meta:
        verbose_name = _("group")
        verbose_name_plural = _("groups")
        ordering = ["version", "position"]


class CodeList(TenantOwnedModel):
    """A code list a selection field draws from (genericode reference, values if known)."""

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="code_lists")
    fim_id = models.CharField(_("FIM id"), max_length=64, blank=True)
    canonical_identification = models.CharField(_("canonical identification"), max_length=500)
    list_version = models.CharField(_("code list version"), max_length=64, blank=True)
    canonical_version_uri = models.CharField(_("canonical version URI"), max_length=500, blank=True)
    # [{"code": "…", "label": "…"}]; empty when only the reference is known.
    values = models.JSONField(_("values"), default=list, blank=True)

    class Meta:
        verbose_name = _("code list")
        verbose_name_plural = _("code lists")
        ordering = ["version", "canonical_identification"]

    def __str__(self) -> str:
        return f"{self.canonical_identification} {self.list_version}".strip()


class Field(_Node):
    class Datatype(models.TextChoices):
        TEXT = "text", _("text")
        TEXT_LATIN = "text_latin", _("text (Latin characters)")
        DATE = "date", _("date")
        TIME = "time", _("time")
        DATETIME = "datetime", _("date and time")
        BOOL = "bool", _("yes/no")
        NUM = "num", _("number")
        NUM_INT = "num_int", _("whole number")
        NUM_CURRENCY = "num_currency", _("amount of money")
        FILE = "file", _("file")
        OBJ = "obj", _("object (binary)")

    class Kind(models.TextChoices):
        INPUT = "input", _("input")
        SELECT = "select", _("selection")
        LABEL = "label", _("text only (no input)")
        HIDDEN = "hidden", _("hidden")
        LOCKED = "locked", _("locked")

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="fields")
    step = models.ForeignKey(Step, on_delete=models.CASCADE, related_name="fields")
    group = models.ForeignKey(
        Group, null=True, blank=True, on_delete=models.CASCADE, related_name="fields"
    )
    name = models.CharField(_("name"), max_length=500, blank=True)
    description = models.TextField(_("description"), blank=True)
    datatype = models.CharField(_("data type"), max_length=16, choices=Datatype.choices)
    kind = models.CharField(_("field kind"), max_length=8, choices=Kind.choices)
    min_length = models.PositiveIntegerField(_("minimum length"), null=True, blank=True)
    max_length = models.PositiveIntegerField(_("maximum length"), null=True, blank=True)
    min_value = models.CharField(_("minimum value"), max_length=64, blank=True)
    max_value = models.CharField(_("maximum value"), max_length=64, blank=True)
    pattern = models.CharField(_("pattern"), max_length=1000, blank=True)
    # The text of a label field, the fixed value of a locked field, else a default.
    content = models.TextField(_("content"), blank=True)
    code_list = models.ForeignKey(
        CodeList, null=True, blank=True, on_delete=models.SET_NULL, related_name="fields"
    )
    # [{"code": "…", "label": "…"}] from the field's own values or its code list.
    choices = models.JSONField(_("choices"), default=list, blank=True)
    max_size = models.PositiveIntegerField(_("maximum file size"), null=True, blank=True)
    media_types = models.JSONField(_("media types"), default=list, blank=True)

    class Meta:
        verbose_name = _("field")
        verbose_name_plural = _("fields")
        ordering = ["version", "position"]

    @property
    def takes_input(self) -> bool:
        return self.kind != self.Kind.LABEL


class Rule(TenantOwnedModel):
    """A FIM rule (Regel). ``evaluable`` rules are checked by the server."""

    class Type(models.TextChoices):
        COMPLEX = "K", _("complex")
        MULTIPLICITY = "M", _("multiplicity")
        VALIDATION = "V", _("validation")
        CALCULATION = "B", _("calculation")
        UNSPECIFIED = "", _("unspecified")

    version = models.ForeignKey(FormVersion, on_delete=models.CASCADE, related_name="rules")
    fim_id = models.CharField(_("FIM id"), max_length=64)
    fim_version = models.CharField(_("FIM version"), max_length=32, blank=True)
    name = models.CharField(_("name"), max_length=500)
    description = models.TextField(_("description"), blank=True)
    free_text = models.TextField(_("rule in words"), blank=True)
    type = models.CharField(_("type"), max_length=1, choices=Type.choices, blank=True)
    script = models.TextField(_("script"), blank=True)
    # Where the rule is attached: [{"owner": key ("" = the form), "scope": [keys of the groups
    # down to the answers it reads], "expression": compiled rule or {}}], see forms.evaluation.
    targets = models.JSONField(_("attached to"), default=list, blank=True)
    evaluable = models.BooleanField(_("checked by the server"), default=False)

    class Meta:
        verbose_name = _("rule")
        verbose_name_plural = _("rules")
        ordering = ["version", "fim_id"]

    def __str__(self) -> str:
        return f"{self.fim_id} {self.name}"
