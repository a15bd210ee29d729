"""Reads of the forms app. Queries run in the active municipality's scope."""

from django.db.models import Count, Prefetch, QuerySet

from revier.forms.models import Field, Form, FormVersion, Group, Rule, Step


def forms_all() -> QuerySet[Form]:
    """The municipality's forms with their versions, newest version first."""
    return (
        Form.objects.all()
        .prefetch_related(Prefetch("versions", queryset=FormVersion.objects.order_by("-number")))
        .order_by("title", "id")
    )


def form_version_get(*, pk: int) -> FormVersion | None:
    return (
        FormVersion.objects.select_related("form")
        .annotate(field_count=Count("fields"))
        .filter(pk=pk)
        .first()
    )


def form_version_published_get(*, pk: int) -> FormVersion | None:
    return (
        FormVersion.objects.select_related("form")
        .filter(pk=pk, status=FormVersion.Status.PUBLISHED)
        .first()
    )


def form_version_published_for(*, leika: str) -> FormVersion | None:
    """The version residents fill in for a service, if any."""
    return (
        FormVersion.objects.select_related("form")
        .filter(form__leika=leika, status=FormVersion.Status.PUBLISHED)
        .first()
    )


def _field_dict(field: Field) -> dict:
    return {
        "type": "field",
        "key": field.key,
        "fim_id": field.fim_id,
        "fim_version": field.fim_version,
        "label": field.label,
        "help_text": field.help_text,
        "min_occurs": field.min_occurs,
        "max_occurs": field.max_occurs,
        "datatype": field.datatype,
        "kind": field.kind,
        "required": field.min_occurs > 0 and field.kind != Field.Kind.LABEL,
        "constraints": {
            name: value
            for name, value in (
                ("min_length", field.min_length),
                ("max_length", field.max_length),
                ("min_value", field.min_value),
                ("max_value", field.max_value),
                ("pattern", field.pattern),
            )
            if value not in (None, "")
        },
        "content": field.content,
        "choices": field.choices
        or (field.code_list.values if field.code_list_id and field.code_list else []),
        "code_list": (
            {
                "canonical_identification": field.code_list.canonical_identification,
                "version": field.code_list.list_version,
            }
            if field.code_list_id
            else None
        ),
        "max_size": field.max_size,
        "media_types": field.media_types,
    }


def _node_dict(node, kind: str) -> dict:
    return {
        "type": kind,
        "key": node.key,
        "fim_id": node.fim_id,
        "fim_version": node.fim_version,
        "label": node.label,
        "help_text": node.help_text,
        "min_occurs": node.min_occurs,
        "max_occurs": node.max_occurs,
        "children": [],
    }


def form_version_tree(version: FormVersion) -> list[dict]:
    """The steps of ``version``, each with its groups and fields nested in order, as plain dicts.

    A step whose ``key`` is empty holds fields that sit at the top level of the answers. Four
    queries whatever the size of the form.
    """
    steps = list(Step.objects.filter(version=version).order_by("position"))
    groups = list(Group.objects.filter(version=version).order_by("position"))
    fields = list(
        Field.objects.filter(version=version).select_related("code_list").order_by("position")
    )
    step_nodes = {s.pk: _node_dict(s, "step") for s in steps}
    group_nodes = {g.pk: _node_dict(g, "group") for g in groups}
    # Children of a parent are interleaved by the version-wide position.
    placed: list[tuple[int, dict, dict]] = []
    for group in groups:
        parent = group_nodes[group.parent_id] if group.parent_id else step_nodes[group.step_id]
        placed.append((group.position, parent, group_nodes[group.pk]))
    for field in fields:
        parent = group_nodes[field.group_id] if field.group_id else step_nodes[field.step_id]
        placed.append((field.position, parent, _field_dict(field)))
    for _position, parent, node in sorted(placed, key=lambda item: item[0]):
        parent["children"].append(node)
    return [step_nodes[s.pk] for s in steps]


def form_version_rules(version: FormVersion) -> list[Rule]:
    return list(Rule.objects.filter(version=version).order_by("fim_id"))
