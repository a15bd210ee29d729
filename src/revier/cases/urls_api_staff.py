"""Case work for staff below ``/api/v1/<slug>/cases/``."""

from django.urls import path

from revier.cases import api

urlpatterns = [
    path("<slug:municipality>/cases/", api.CaseListView.as_view(), name="api-case-list"),
    path(
        "<slug:municipality>/cases/bulk-status/",
        api.CaseBulkStatusView.as_view(),
        name="api-case-bulk-status",
    ),
    path("<slug:municipality>/cases/<int:pk>/", api.CaseDetailView.as_view(), name="api-case"),
    path(
        "<slug:municipality>/cases/<int:pk>/status/",
        api.CaseStatusView.as_view(),
        name="api-case-status",
    ),
    path(
        "<slug:municipality>/cases/<int:pk>/messages/",
        api.CaseMessageView.as_view(),
        name="api-case-messages",
    ),
]
