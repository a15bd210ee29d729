"""``/api/v1/me/``: the signed-in person's own data across municipalities."""

from django.urls import path

from revier.cases import api_me

urlpatterns = [
    path(
        "me/applications/",
        api_me.MeApplicationListView.as_view(),
        name="api-me-applications",
    ),
    path("me/messages/", api_me.MeMessageListView.as_view(), name="api-me-messages"),
]
