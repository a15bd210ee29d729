"""Fixtures of the applicant's side of case work: a case from a real submission (API submit,
delivery to the municipality's own back office, intake) and cheap cases made directly."""

import datetime as dt

import pytest
from django.test import Client
from django.utils import timezone
from django_scopes import scope

from revier.applications.models import Application
from revier.cases.models import Case, CaseEvent, Message
from tests.applications.conftest import offer_form
from tests.applications.test_api_and_retention import DATA, _api

LEIKA = "99089001001000"


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def client():
    english = Client(headers={"Accept-Language": "en"})
    english.cookies["django_language"] = "en"
    return english


def submit_and_deliver(municipality, version, user, capture) -> Case:
    """Submit through the API; the delivery runs on commit and the back office takes the
    package in as a case."""
    with capture(execute=True):
        response = _api(user).post(
            f"/api/v1/{municipality.slug}/applications/",
            {"form": version.pk, "data": DATA},
            format="json",
        )
    assert response.status_code == 201, response.content
    reference = response.json()["reference"]
    with scope(municipality=municipality):
        return Case.objects.select_related("municipality").get(reference=reference)


@pytest.fixture
def delivered(zeitz, resident, django_capture_on_commit_callbacks):
    form = offer_form(zeitz)
    case = submit_and_deliver(zeitz, form["version"], resident, django_capture_on_commit_callbacks)
    return {"case": case, "form": form, "version": form["version"], "admin": form["admin"]}


def bare_application(municipality, version, reference, *, applicant, status="submitted", **more):
    with scope(municipality=municipality):
        return Application.objects.create(
            municipality=municipality,
            reference=reference,
            form_version=version,
            leika=LEIKA,
            service_name="Hundesteuer Anmeldung",
            status=status,
            applicant=applicant,
            submitted_at=timezone.now() if status != "draft" else None,
            **more,
        )


def bare_case(municipality, application=None, *, reference=None, **fields) -> Case:
    with scope(municipality=municipality):
        values = {
            "reference": reference or application.reference,
            "leika": LEIKA,
            "service_name": "Hundesteuer Anmeldung",
            "application": application,
            "applicant": application.applicant if application else None,
            "organisation": application.organisation if application else None,
            "received_at": timezone.now() - dt.timedelta(hours=1),
            "status": "received",
        }
        values.update(fields)
        case = Case.objects.create(municipality=municipality, **values)
        CaseEvent.objects.create(
            municipality=municipality, case=case, kind="received", to_status="received", public=True
        )
        return case


def message_to(case, subject="Bitte Nachweis nachreichen", **fields) -> Message:
    with scope(municipality=case.municipality):
        return Message.objects.create(
            municipality=case.municipality,
            case=case,
            direction=Message.Direction.TO_APPLICANT,
            subject=subject,
            body=fields.pop("body", "Bitte senden Sie uns den Nachweis."),
            **fields,
        )
