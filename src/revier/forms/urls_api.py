from django.urls import path

from revier.forms import api

urlpatterns = [
    path(
        "<slug:municipality>/forms/<int:pk>/",
        api.FormVersionDetailView.as_view(),
        name="api-form-detail",
    ),
]
