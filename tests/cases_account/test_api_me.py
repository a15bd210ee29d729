"""``/api/v1/me/applications/`` and ``/api/v1/me/messages/``: the owner's data across
municipalities, nothing of anybody else, 401 as a problem document, constant query count."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope
from rest_framework.test import APIClient

from revier.accounts.models import Membership
from revier.accounts.services import organisation_create
from revier.cases.models import Message, Workflow
from tests.applications.conftest import offer_form
from tests.cases_account.conftest import LEIKA, bare_application, bare_case, message_to
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

APPS = "/api/v1/me/applications/"
MESSAGES = "/api/v1/me/messages/"


def _api(user, *, token=True):
    client = APIClient()
    if token:
        client.force_authenticate(user, token=object())
    else:
        client.force_login(user)
    return client


@pytest.fixture
def world(zeitz, naumburg, resident):
    zeitz_version = offer_form(zeitz, with_file=False)["version"]
    naumburg_version = offer_form(naumburg, with_file=False)["version"]
    company = organisation_create(name="Schmidt Bau GmbH", admin=make_user("chef@example.org"))
    Membership.objects.create(organisation=company, user=resident, role=Membership.Role.MEMBER)
    own = bare_application(zeitz, zeitz_version, "ZEI-T-1", applicant=resident)
    draft = bare_application(zeitz, zeitz_version, "ZEI-T-2", applicant=resident, status="draft")
    for_company = bare_application(
        naumburg,
        naumburg_version,
        "NAU-T-1",
        applicant=make_user("kollege@example.org"),
        organisation=company,
    )
    someone = bare_application(
        zeitz, zeitz_version, "ZEI-T-9", applicant=make_user("mallory@example.org")
    )
    own_case = bare_case(zeitz, own, status="in_progress")
    company_case = bare_case(naumburg, for_company)
    bare_case(zeitz, someone)
    with scope(municipality=naumburg):
        # Naumburg names its statuses itself.
        Workflow.objects.create(
            municipality=naumburg,
            leika=LEIKA,
            name="Hundesteuer",
            initial="received",
            statuses=[
                {
                    "key": "received",
                    "label_de": "Eingegangen",
                    "label_en": "Arrived",
                    "kind": "open",
                },
                {"key": "closed", "label_de": "Erledigt", "label_en": "Done", "kind": "closed"},
            ],
            transitions={"received": ["closed"], "closed": []},
        )
    return {
        "own": own,
        "draft": draft,
        "company": for_company,
        "someone": someone,
        "own_case": own_case,
        "company_case": company_case,
    }


def test_applications_of_the_person_and_their_organisations(world, resident, settings):
    body = _api(resident).get(APPS).json()
    rows = {row["reference"]: row for row in body["results"]}
    assert set(rows) == {"ZEI-T-1", "ZEI-T-2", "NAU-T-1"}  # not Mallory's
    assert body["count"] == 3
    own = rows["ZEI-T-1"]
    assert own["municipality"] == "zeitz"
    assert own["status"] == "submitted" and own["case_status"] == "in_progress"
    assert own["status_label"] == "in progress"
    assert own["links"]["html"] == f"{settings.REVIER_PUBLIC_URL}/zeitz/konto/antraege/ZEI-T-1/"
    assert rows["ZEI-T-2"]["status"] == "draft" and rows["ZEI-T-2"]["case_status"] is None
    assert rows["ZEI-T-2"]["status_label"] == "draft"
    assert rows["NAU-T-1"]["municipality"] == "naumburg"
    assert rows["NAU-T-1"]["status_label"] == "Arrived"  # Naumburg's own workflow
    # Session authentication works as well.
    assert _api(resident, token=False).get(APPS).json()["count"] == 3


def test_messages_of_the_person_across_municipalities(world, resident):
    mine = message_to(world["own_case"], subject="An Anna", requests_information=True)
    company = message_to(world["company_case"], subject="An die Firma")
    with scope(municipality=world["own_case"].municipality):
        Message.objects.filter(pk=mine.pk).update(read_at="2026-01-01T00:00:00Z")
        Message.objects.create(
            municipality=world["own_case"].municipality,
            case=world["own_case"],
            direction=Message.Direction.FROM_APPLICANT,
            subject="Von Anna",
            body="…",
        )
    mallory_case = world["someone"].cases.model.objects
    assert mallory_case  # the other case exists (made in the fixture)
    body = _api(resident).get(MESSAGES).json()
    assert [m["subject"] for m in body["results"]] == ["An die Firma", "An Anna"]
    first, second = body["results"]
    assert first == {
        "id": company.pk,
        "reference": "NAU-T-1",
        "municipality": "naumburg",
        "subject": "An die Firma",
        "body": "Bitte senden Sie uns den Nachweis.",
        "sent": first["sent"],
        "read": False,
        "requests_information": False,
        "answer_due": None,
        "answered_at": None,
    }
    assert second["read"] is True and second["requests_information"] is True
    # Reading through the API does not mark anything read.
    with scope(municipality=world["company_case"].municipality):
        assert Message.objects.get(pk=company.pk).read_at is None
    # Mallory sees none of it.
    assert _api(make_user("mallory2@example.org")).get(MESSAGES).json()["count"] == 0


@pytest.mark.parametrize("url", [APPS, MESSAGES])
def test_anonymous_gets_a_401_problem(url):
    response = APIClient().get(url)
    assert response.status_code == 401
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["status"] == 401


@pytest.mark.parametrize("url", [APPS, MESSAGES])
def test_query_count_does_not_grow_with_rows(world, resident, zeitz, naumburg, url):
    api = _api(resident)
    # One row of each kind to start from: an empty list is a single COUNT query.
    message_to(world["own_case"], subject="Die erste")
    api.get(url)  # warm caches

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert api.get(url).status_code == 200
        return len(queries)

    few = count()
    version = world["own"].form_version
    for n in range(10, 20):
        application = bare_application(zeitz, version, f"ZEI-T-{n}", applicant=resident)
        case = bare_case(zeitz, application, status="in_progress" if n % 2 else "received")
        message_to(case, subject=f"Nachricht {n}")
    message_to(world["company_case"], subject="Noch eine")
    assert count() == few
