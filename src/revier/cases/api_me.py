"""``/api/v1/me/…``: the signed-in person's own applications and messages in every
municipality (token or session). Nothing of anybody else: the selectors filter on the person."""

from django.conf import settings
from django.urls import get_script_prefix, reverse
from drf_spectacular.utils import extend_schema
from rest_framework import generics, permissions

from revier.cases import selectors_account as selectors
from revier.cases.serializers_me import MeApplicationSerializer, MeMessageSerializer
from revier.tenancy.models import municipality_absolute_url


def _account_link(application) -> str:
    path = reverse(
        "casework_account:application",
        args=[application.reference],
        urlconf=settings.MUNICIPALITY_URLCONF,
    )
    return municipality_absolute_url(
        application.municipality, "/" + path[len(get_script_prefix()) :]
    )


@extend_schema(tags=["me"])
class MeApplicationListView(generics.ListAPIView):
    """Your applications and those of your organisations, in every municipality, newest first;
    drafts are only your own. ``status_label`` is the case's status once the office works on it."""

    serializer_class = MeApplicationSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.me_applications(user=self.request.user)

    def paginate_queryset(self, queryset):
        page = super().paginate_queryset(queryset)
        rows = page if page is not None else list(queryset)
        selectors.me_status_labels(rows)
        for application in rows:
            application.html_link = _account_link(application)
        return page


@extend_schema(tags=["me"])
class MeMessageListView(generics.ListAPIView):
    """The town hall's messages to you and your organisations, in every municipality, newest
    first. Reading them here does not mark them read; the account's mailbox does."""

    serializer_class = MeMessageSerializer
    permission_classes = [permissions.IsAuthenticated]

    def get_queryset(self):
        return selectors.me_messages(user=self.request.user)
