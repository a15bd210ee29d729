"""API of people and roles: the staff of a municipality (administrators only)."""

from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import generics, serializers

from revier.accounts.models import User
from revier.accounts.selectors import staff_list
from revier.core import kit
from revier.core.audit import audit_context, audit_log
from revier.tenancy.api_scope import HasMunicipalityPerm, MunicipalityAPIMixin


class StaffFilterSerializer(serializers.Serializer):
    role = serializers.ChoiceField(
        choices=kit.role_choices(),
        required=False,
        help_text=_("Only people holding this role."),
    )


class StaffSerializer(serializers.ModelSerializer):
    roles = serializers.SerializerMethodField(help_text=_("Roles in this municipality."))

    class Meta:
        model = User
        fields = ["email", "first_name", "last_name", "roles"]

    def get_roles(self, obj: User) -> list[str]:
        return [staff_role.role for staff_role in obj.municipal_roles]


@extend_schema(
    tags=["staff"],
    parameters=[
        OpenApiParameter(
            "role",
            str,
            enum=[role.key for role in kit.roles()],
            description="Only people holding this role.",
        ),
    ],
)
class StaffListView(MunicipalityAPIMixin, generics.ListAPIView):
    """Staff of a municipality with their roles. For the municipality's administrators.

    Reading this list is recorded in the municipality's audit log (it is personal data).
    """

    serializer_class = StaffSerializer
    permission_classes = [HasMunicipalityPerm("accounts.manage_staff")]

    def get_queryset(self):
        filters = StaffFilterSerializer(data=self.request.query_params)
        filters.is_valid(raise_exception=True)
        return staff_list(municipality=self.municipality, role=filters.validated_data.get("role"))

    def list(self, request, *args, **kwargs):
        response = super().list(request, *args, **kwargs)
        audit_log(
            municipality=self.municipality,
            actor=request.user,
            action="view",
            object_type="accounts.StaffRole",
            object_repr="staff list",
            event="accounts.staff_listed_api",
            params={"path": request.get_full_path()[:300]},
            context=audit_context(request),
        )
        return response
