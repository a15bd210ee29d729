"""The platform's URLs plus a sample form and API view using revier.core.abuse (tests only)."""

from django import forms
from django.shortcuts import render
from django.urls import include, path
from rest_framework.response import Response
from rest_framework.views import APIView

from revier.core import abuse


class SampleForm(forms.Form):
    name = forms.CharField(label="Your name", max_length=100)
    altcha = abuse.ProofOfWorkField()


def sample_form(request):
    form = SampleForm(request.POST or None)
    status = 200
    if request.method == "POST":
        limited = None
        if form.is_valid():
            limited = abuse.rate_limit_or_form_error(
                form, "tests.sample", abuse.client_key(request), limit=2, window=60
            )
            if not limited:
                return render(request, "abuse_tests/done.html", {"name": form.cleaned_data["name"]})
        status = 429 if limited else 400
        response = render(request, "abuse_tests/form.html", {"form": form}, status=status)
        return abuse.with_retry_after(response, limited) if limited else response
    return render(request, "abuse_tests/form.html", {"form": form}, status=status)


def limited_page(request):
    abuse.check_rate("tests.page", abuse.client_key(request), limit=1, window=120)
    return render(request, "abuse_tests/done.html", {"name": "ok"})


def too_large_page(request):
    """The 413 page as RequestSizeMiddleware answers it (a browser cannot easily send 16 MB)."""
    from revier.core.limits import request_too_big_response

    return request_too_big_response(request, 2 * 1024 * 1024)


class LimitedAPI(APIView):
    def post(self, request):
        abuse.check_rate("tests.api", abuse.client_key(request), limit=1, window=60)
        abuse.require_proof(request)
        return Response({"ok": True}, status=201)


urlpatterns = [
    path("abuse-tests/form/", sample_form, name="abuse-sample-form"),
    path("abuse-tests/page/", limited_page, name="abuse-limited-page"),
    path("abuse-tests/too-large/", too_large_page),
    path("api/v1/abuse-tests/", LimitedAPI.as_view()),
    path("", include("revier.config.urls")),
]
