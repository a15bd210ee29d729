"""A real submission delivered through the built-in back-office route becomes a case with its
documents; a package that cannot be opened becomes an error case with the reason, and opens
again once repaired."""

import pytest
from django_scopes import scope
from rest_framework.test import APIClient

from revier.cases.models import Case, CaseDocument, CaseEvent, StatusKind
from revier.cases.services import case_intake, case_intake_retry
from revier.cases.workflow import ERROR_STATUS
from revier.core.models import AuditLogEntry
from revier.delivery.models import Delivery, ReceivedPackage
from tests.applications.conftest import LEIKA, offer_form
from tests.applications.test_api_and_retention import DATA
from tests.cases.conftest import INBOX, install_municipality_key
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def _submit(municipality, version, user, capture) -> str:
    api = APIClient()
    api.force_authenticate(user)
    with capture(execute=True):
        response = api.post(
            f"/api/v1/{municipality.slug}/applications/",
            {"form": version.pk, "data": DATA},
            format="json",
        )
    assert response.status_code == 201, response.content
    return response.json()["reference"]


def test_submission_becomes_case_error_and_retry(
    client, zeitz, resident, django_capture_on_commit_callbacks
):
    install_municipality_key(zeitz)
    form = offer_form(zeitz)
    reference = _submit(zeitz, form["version"], resident, django_capture_on_commit_callbacks)
    with scope(municipality=zeitz):
        delivery = Delivery.objects.get(reference=reference)
        assert (delivery.status, delivery.plugin) == (Delivery.Status.DELIVERED, "backoffice")
        case = Case.objects.get(reference=reference)
        assert case.applicant_id == resident.pk
        assert case.application.reference == reference
        assert case.applicant_name == "Anna Schmidt"
        assert (case.status, case.status_kind) == ("received", StatusKind.OPEN)
        assert case.leika == LEIKA
        assert case.data["G60000086"]["F60000227"] == "Schmidt"
        documents = {d.kind: d for d in case.documents.all()}
        assert documents[CaseDocument.Kind.ATTACHMENT].filename == "haftpflicht.pdf"
        assert bytes(documents[CaseDocument.Kind.RECEIPT].content).startswith(b"%PDF")
        assert documents[CaseDocument.Kind.RECEIPT].public
        assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.RECEIVED]
        attachment_id = documents[CaseDocument.Kind.ATTACHMENT].pk

    # The case page shows the answers labelled by the form and lists the files (audited).
    worker = make_staff(zeitz, "case_worker", "clerk@zeitz.example")
    client.force_login(worker)
    page = client.get(f"{INBOX}{case.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "Schmidt" in html and "haftpflicht.pdf" in html
    download = client.get(f"{INBOX}{case.pk}/dokumente/{attachment_id}/")
    assert download.status_code == 200
    assert download.content.startswith(b"%PDF")
    assert 'filename="haftpflicht.pdf"' in download["Content-Disposition"]
    with scope(municipality=zeitz):
        summaries = set(
            AuditLogEntry.objects.filter(
                action="view", object_id=str(case.pk), actor=worker
            ).values_list("summary", flat=True)
        )
    assert summaries == {"viewed case with its answers", "downloaded document haftpflicht.pdf"}

    # Tamper with the stored ciphertext: intake makes an error case with the reason.
    with scope(municipality=zeitz):
        received = ReceivedPackage.objects.get(reference=reference)
        original = received.encrypted_data
        broken = original[:-8] + ("A" * 8 if not original.endswith("A" * 8) else "B" * 8)
        ReceivedPackage.objects.filter(pk=received.pk).update(encrypted_data=broken)
        Case.objects.filter(pk=case.pk).delete()
        received.refresh_from_db()
        error_case = case_intake(received=received)
        assert (error_case.status, error_case.status_kind) == (ERROR_STATUS, StatusKind.ERROR)
        assert error_case.intake_error
        assert error_case.events.get().kind == CaseEvent.Kind.ERROR
        assert error_case.documents.count() == 0

    html = client.get(f"{INBOX}{error_case.pk}/").content.decode()
    assert "could not be opened" in html and error_case.intake_error.split(":")[0] in html
    inbox = client.get(INBOX + "?kind=error").content.decode()
    assert reference in inbox

    # Still broken: the retry keeps it as an error case; repaired: it opens.
    retry = client.post(f"{INBOX}{error_case.pk}/erneut-oeffnen/")
    assert retry.status_code == 302
    with scope(municipality=zeitz):
        again = Case.objects.get(reference=reference)
        assert again.status == ERROR_STATUS
        ReceivedPackage.objects.filter(pk=received.pk).update(encrypted_data=original)
        opened = case_intake_retry(case=again, actor=worker)
        assert opened.status == "received" and opened.applicant_name == "Anna Schmidt"
        assert opened.documents.count() == 2
        with pytest.raises(Exception, match="Only a case whose intake failed"):
            case_intake_retry(case=opened, actor=worker)
