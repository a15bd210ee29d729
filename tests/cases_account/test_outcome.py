"""The resident reads the outcome of a decided case ("bewilligt", "abgelehnt", "teilweise
bewilligt"), not the office's word for the step ("entschieden") — issue 12, item 9."""

import pytest
from django.test import Client
from django_scopes import scope

from revier.cases.models import CaseEvent
from tests.applications.conftest import offer_form
from tests.cases_account.conftest import bare_application, bare_case

pytestmark = pytest.mark.django_db

LIST = "/zeitz/konto/antraege/"


def german() -> Client:
    client = Client(headers={"Accept-Language": "de"})
    client.cookies["django_language"] = "de"
    return client


@pytest.mark.parametrize(
    ("result", "outcome"),
    [
        ("granted", "bewilligt"),
        ("rejected", "abgelehnt"),
        ("partly_granted", "teilweise bewilligt"),
    ],
)
def test_the_resident_sees_the_outcome_not_entschieden(zeitz, resident, result, outcome):
    version = offer_form(zeitz)["version"]
    application = bare_application(zeitz, version, "ZEI-T-1", applicant=resident)
    case = bare_case(zeitz, application, status="decided", status_kind="decided", result=result)
    with scope(municipality=zeitz):
        CaseEvent.objects.create(
            municipality=zeitz,
            case=case,
            kind="status",
            from_status="received",
            to_status="decided",
            public=True,
        )
        CaseEvent.objects.create(municipality=zeitz, case=case, kind="decision", public=True)
    client = german()
    client.force_login(resident)

    listing = client.get(LIST).content.decode()
    assert outcome in listing and "entschieden" not in listing

    detail = client.get(f"{LIST}{case.reference}/").content.decode()
    assert (
        '<dt class="kern-description-list-item__key">Status</dt>'
        f'<dd class="kern-description-list-item__value">{outcome}</dd>' in detail
    )
    assert f"Status: {outcome}" in detail
    assert f"Bescheid erlassen: {outcome}" in detail
    assert "entschieden" not in detail


def test_an_open_case_keeps_its_status_label(zeitz, resident):
    version = offer_form(zeitz)["version"]
    application = bare_application(zeitz, version, "ZEI-T-2", applicant=resident)
    case = bare_case(zeitz, application, status="in_progress", result="granted")
    client = german()
    client.force_login(resident)
    detail = client.get(f"{LIST}{case.reference}/").content.decode()
    assert '<dd class="kern-description-list-item__value">in Bearbeitung</dd>' in detail
