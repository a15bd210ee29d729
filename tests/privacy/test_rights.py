"""The person's rights: download all their data (JSON, PDF), delete the account; the privacy
page lists what is processed."""

import io
import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from revier.accounts.models import Membership, User
from revier.accounts.services import membership_add, organisation_create
from revier.applications.models import Application
from revier.cases.models import Case
from revier.core.models import AuditLogEntry
from revier.notifications.models import Notification
from tests.conftest import PASSWORD, make_staff, make_user
from tests.privacy.conftest import make_application, make_case, make_form_version

pytestmark = pytest.mark.django_db

OVERVIEW = "/zeitz/konto/meine-daten/"
JSON_URL = "/zeitz/konto/meine-daten/meine-daten.json"
PDF_URL = "/zeitz/konto/meine-daten/meine-daten.pdf"
DELETE = "/zeitz/konto/meine-daten/konto-loeschen/"


@pytest.fixture
def world(zeitz, naumburg):
    """Anna has data in Zeitz and Naumburg; Ben (another resident) in both as well."""
    anna = make_user("anna@example.org", first_name="Anna", last_name="Schmidt")
    anna.phone = "0151 111"
    anna.save()
    ben = make_user("ben@example.org")
    zv, nv = make_form_version(zeitz), make_form_version(naumburg)
    make_application(zeitz, zv, anna, "ZEI-A-1")
    make_application(zeitz, zv, anna, "ZEI-A-DRAFT", status="draft")
    make_application(naumburg, nv, anna, "NAU-A-1")
    make_application(zeitz, zv, ben, "ZEI-B-1")
    make_application(naumburg, nv, ben, "NAU-B-1")
    make_case(zeitz, anna, "ZEI-C-ANNA")
    make_case(naumburg, ben, "NAU-C-BEN")
    for municipality, user in ((zeitz, anna), (naumburg, ben)):
        with scope(municipality=municipality):
            Notification.objects.create(
                municipality=municipality,
                event="case_message",
                channel="email",
                recipient=user,
                address=user.email,
                language="de",
                subject=f"to {user.email}",
            )
    return {"anna": anna, "ben": ben, "zeitz": zeitz, "naumburg": naumburg}


def test_json_export_has_all_of_the_person_and_nothing_of_others(client, world):
    client.force_login(world["anna"])
    response = client.get(JSON_URL)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment")
    data = json.loads(response.content)
    assert data["format"] == "revier-personal-data/1"
    assert data["account"]["email"] == "anna@example.org"
    assert data["account"]["phone"] == "0151 111"
    assert sorted(a["reference"] for a in data["applications"]) == [
        "NAU-A-1",
        "ZEI-A-1",
        "ZEI-A-DRAFT",
    ]
    upload = data["applications"][0]["uploads"][0]
    assert upload["size"] == 8 and upload["sha256"] == "0" * 64
    assert upload["content_base64"] == "JVBERi0xLjc="
    [case] = data["cases"]
    assert case["reference"] == "ZEI-C-ANNA"
    assert [e["kind"] for e in case["timeline"]] == ["received"]  # internal note left out
    assert case["messages"][0]["subject"] == "Question ZEI-C-ANNA"
    assert [d["filename"] for d in case["documents"]] == ["bescheid.pdf"]
    assert [n["subject"] for n in data["notifications"]] == ["to anna@example.org"]
    text = response.content.decode()
    for other in (
        "ben@example.org",
        "ZEI-B-1",
        "NAU-B-1",
        "NAU-C-BEN",
        "INTERNAL NOTE",
        "internal.pdf",
    ):
        assert other not in text
    # Audited in each municipality holding her data, by her.
    with scopes_disabled():
        entries = AuditLogEntry.objects.filter(action="export")
        assert sorted(e.municipality.slug for e in entries) == ["naumburg", "zeitz"]
        assert {e.actor_email for e in entries} == {"anna@example.org"}


def test_export_query_count_does_not_grow_with_the_data(client, world):
    client.force_login(world["anna"])
    client.get(OVERVIEW)  # warm the municipality cache
    with CaptureQueriesContext(connection) as few:
        client.get(JSON_URL)
    for n in range(5):
        make_case(world["naumburg"], world["anna"], f"NAU-MORE-{n}")
        make_application(
            world["naumburg"],
            make_form_version(world["naumburg"], f"9908900100{n:04d}"),
            world["anna"],
            f"NAU-MA-{n}",
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(JSON_URL)
    assert len(json.loads(response.content)["cases"]) == 6
    # One audit entry per municipality: constant here (both already had data).
    assert len(many) == len(few)


def test_pdf_export_is_a_readable_pdf_in_the_persons_language(client, world):
    client.force_login(world["anna"])
    response = client.get(PDF_URL)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "anna@example.org" in text and "ZEI-C-ANNA" in text and "NAU-A-1" in text
    assert "ben@example.org" not in text and "NAU-C-BEN" not in text
    assert "My data" in text
    assert f"1 / {len(reader.pages)}" in text  # page numbers from the template's @page
    # The documents service's fonts, tagged, and not PDF/A (a copy to read, not a record).
    fonts = {
        str(ref.get_object()["/BaseFont"]).split("+")[1]
        for ref in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert "Revier-Sans" in fonts and fonts <= {"Revier-Sans", "Revier-Sans-Bold"}
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert "/OutputIntents" not in reader.trailer["/Root"]
    client.cookies["django_language"] = "de"
    german = PdfReader(io.BytesIO(client.get(PDF_URL).content))
    assert "anna@example.org" in german.pages[0].extract_text()


def test_export_needs_login(client, world):
    response = client.get(JSON_URL)
    assert response.status_code == 302 and "/login/" in response["Location"]


def test_delete_refused_with_wrong_password_and_keeps_everything(client, world):
    client.force_login(world["anna"])
    response = client.post(DELETE, {"password": "wrong"})
    assert response.status_code == 400
    assert "The password is not correct." in response.content.decode()
    assert User.objects.filter(email="anna@example.org").exists()


def test_delete_keeps_records_unlinked_and_removes_the_rest(client, world):
    anna, zeitz = world["anna"], world["zeitz"]
    solo = organisation_create(name="Annas Hundeschule", admin=anna)
    client.force_login(anna)
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 200
    assert "Your account has been deleted" in response.content.decode()
    assert response.context["counts"] == {
        "drafts_deleted": 1,
        "applications_kept": 2,
        "cases_kept": 1,
        "notifications": 1,
    }
    assert not User.objects.filter(email="anna@example.org").exists()
    with scopes_disabled():
        assert not Application.objects.filter(reference="ZEI-A-DRAFT").exists()
        kept = Application.objects.get(reference="ZEI-A-1")
        assert kept.applicant is None and kept.data == {"name": "ZEI-A-1"}
        case = Case.objects.get(reference="ZEI-C-ANNA")
        assert case.applicant is None
        assert case.applicant_name == "Name ZEI-C-ANNA"
        assert case.applicant_email == "anna@example.org"
        assert not Notification.objects.filter(address="anna@example.org").exists()
        # Ben's data untouched.
        assert Application.objects.get(reference="ZEI-B-1").applicant == world["ben"]
        assert Notification.objects.filter(recipient=world["ben"]).count() == 1
        entries = AuditLogEntry.objects.filter(action="delete", object_type="accounts.User")
        assert sorted(e.municipality.slug for e in entries) == ["naumburg", "zeitz"]
        assert {e.actor_email for e in entries} == {"anna@example.org"}
    assert not Membership.objects.filter(organisation_id=solo.pk).exists()
    # Logged out.
    assert client.get(OVERVIEW).status_code == 302
    del zeitz


def test_delete_refused_for_last_organisation_admin_and_staff(client, world):
    anna, ben = world["anna"], world["ben"]
    organisation = organisation_create(name="Verein", admin=anna)
    membership_add(organisation=organisation, user=ben, role=Membership.Role.MEMBER, actor=anna)
    client.force_login(anna)
    page = client.get(DELETE)
    assert "last administrator of Verein" in page.content.decode()
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 400
    assert User.objects.filter(pk=anna.pk).exists()

    clerk = make_staff(world["zeitz"], "case_worker", email="clerk@zeitz.example")
    client.force_login(clerk)
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 400
    assert "staff roles in Zeitz" in response.content.decode()
    assert User.objects.filter(pk=clerk.pk).exists()


def test_overview_links_to_the_rights(client, world):
    client.force_login(world["anna"])
    body = client.get("/zeitz/konto/").content.decode()
    assert 'href="/zeitz/konto/meine-daten/"' in body
    assert 'href="/zeitz/konto/meine-daten/konto-loeschen/"' in body
    assert client.get(OVERVIEW).status_code == 200


def test_privacy_page_lists_processing_activities_of_enabled_modules(client, zeitz, naumburg):
    zeitz.enabled_modules = ["news", "services"]
    zeitz.save()
    zeitz_page = client.get("/zeitz/datenschutz/").content.decode()
    naumburg_page = client.get("/naumburg/datenschutz/").content.decode()
    for name in (
        "User account",
        "Notifications",
        "Audit log",
        "Case work",
        "Transmission to the responsible authority (FIT-Connect)",
        "Fees and payment",
        "Online applications",
    ):
        assert name in zeitz_page, name
    assert "User account" in naumburg_page and "Audit log" in naumburg_page
    assert "Case work" not in naumburg_page  # services module off in Naumburg
