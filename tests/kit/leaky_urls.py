"""The municipality urlconf plus one page a new module forgot to protect: the isolation test
(test_isolation_by_construction.py) proves with it that its walk and checker catch such a page."""

from django.http import HttpResponse
from django.urls import include, path
from django_scopes import scope


def unprotected(request, pk):
    from revier.portal.models import AccessibilityFeedback

    with scope(municipality=request.municipality):
        feedback = AccessibilityFeedback.objects.filter(pk=pk).first()
    return HttpResponse(feedback.message if feedback else f"Nothing numbered {pk}")


new_module = ([path("<int:pk>/", unprotected, name="detail")], "new_module")

urlpatterns = [
    path("backoffice/neues-modul/", include(new_module)),
    path("", include("revier.config.urls_municipality")),
]

handler400 = "revier.portal.views.error_400"
handler403 = "revier.portal.views.error_403"
handler404 = "revier.portal.views.error_404"
handler500 = "revier.portal.views.error_500"
