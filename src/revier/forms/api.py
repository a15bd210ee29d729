from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, inline_serializer
from rest_framework import exceptions, serializers
from rest_framework.response import Response
from rest_framework.views import APIView

from revier.forms.models import FormVersion
from revier.forms.schema import json_schema
from revier.forms.selectors import form_version_get, form_version_tree
from revier.tenancy.api_scope import HasMunicipalityPerm, MunicipalityAPIMixin

FormVersionResponse = inline_serializer(
    "FormVersion",
    {
        "id": serializers.IntegerField(help_text="Id of the form version; submit answers to it."),
        "form": inline_serializer(
            "FormOfVersion",
            {
                "id": serializers.IntegerField(),
                "leika": serializers.CharField(help_text="LeiKa key of the service"),
                "title": serializers.CharField(),
            },
        ),
        "number": serializers.IntegerField(),
        "status": serializers.ChoiceField(FormVersion.Status.values),
        "title": serializers.CharField(),
        "description": serializers.CharField(),
        "source": serializers.ChoiceField(FormVersion.Source.values),
        "xdf_version": serializers.CharField(help_text="XDatenfelder version of the source"),
        "schema_id": serializers.CharField(help_text="FIM id of the Stammdatenschema"),
        "schema_version": serializers.CharField(),
        "published_at": serializers.DateTimeField(allow_null=True),
        "steps": serializers.ListField(
            child=serializers.DictField(),
            help_text="Steps with their groups and fields (key, fim_id, fim_version, label, "
            "help_text, datatype, kind, required, min_occurs, max_occurs, constraints, "
            "choices), nested as in the answers.",
        ),
        "json_schema": serializers.DictField(
            help_text="JSON Schema (draft 2020-12) of the answers, keyed by FIM ids."
        ),
    },
)


@extend_schema(tags=["forms"], responses={200: FormVersionResponse})
class FormVersionDetailView(MunicipalityAPIMixin, APIView):
    """A form version with its fields and the JSON Schema its answers must satisfy.

    Published versions are public; drafts and retired versions only for staff who manage forms.
    """

    def get(self, request, municipality: str, pk: int):
        version = form_version_get(pk=pk)
        if version is None:
            raise exceptions.NotFound(_("There is no form with this id."))
        if version.status != FormVersion.Status.PUBLISHED:
            permission = HasMunicipalityPerm("forms.manage_forms")()
            if not (request.user.is_authenticated and permission.has_permission(request, self)):
                # Unpublished versions do not exist for the public.
                raise exceptions.NotFound(_("There is no form with this id."))
        tree = form_version_tree(version)
        form = version.form
        return Response(
            {
                "id": version.pk,
                "form": {"id": form.pk, "leika": form.leika, "title": form.title},
                "number": version.number,
                "status": version.status,
                "title": version.title,
                "description": version.description,
                "source": version.source,
                "xdf_version": version.xdf_version,
                "schema_id": version.schema_id,
                "schema_version": version.schema_version,
                "published_at": (
                    version.published_at.isoformat() if version.published_at else None
                ),
                "steps": tree,
                "json_schema": json_schema(version, tree=tree),
            }
        )
