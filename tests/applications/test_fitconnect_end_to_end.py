"""End to end: a real application, made from the imported FIM form and submitted over the API,
goes through the FIT-Connect route to the local Submission API, which decrypts it, validates
the metadata and checks every hash."""

import hashlib
import json
from decimal import Decimal

import pytest
from django.core import mail
from django.utils import timezone
from django_scopes import scope
from jsonschema import Draft202012Validator
from rest_framework.test import APIClient

from revier.applications.models import Application, Upload
from revier.delivery.models import Delivery
from revier.delivery.services import delivery_route_set
from revier.delivery.tasks import retry_due_deliveries
from revier.forms.schema import schema_uri
from revier.payments.models import Fee, Payment
from revier.payments.services import fee_set, kassenzeichen, payment_account_set
from tests.applications.conftest import FILE_KEY, LEIKA
from tests.applications.test_api_and_retention import DATA, PDF, _api
from tests.delivery.conftest import route_options, trusted_fitconnect_server

pytestmark = pytest.mark.django_db

URL = "/api/v1/zeitz/applications/"
SERVICE_URN = f"urn:de:fim:leika:leistung:{LEIKA}"


@pytest.fixture
def server(settings, tmp_path):
    """The local FIT-Connect server with a destination for the dog-tax service."""
    with trusted_fitconnect_server(settings, tmp_path, leika=LEIKA) as server:
        yield server


@pytest.fixture
def routed(zeitz, dog_form, server):
    """The dog-tax service of Zeitz is offered with its FIM form and routed to FIT-Connect."""
    with scope(municipality=zeitz):
        delivery_route_set(
            municipality=zeitz,
            leika=LEIKA,
            plugin="fitconnect",
            options=route_options(server),
        )
    return dog_form


def _submit(resident, version, capture):
    with capture(execute=True):
        response = _api(resident).post(URL, {"form": version.pk, "data": DATA}, format="json")
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "submitted"
    return response.json()["reference"]


def _by_purpose(submission) -> dict[str, list[tuple[dict, bytes]]]:
    parts: dict[str, list[tuple[dict, bytes]]] = {}
    for described in submission.metadata["contentStructure"]["attachments"]:
        content = submission.attachment_contents[described["attachmentId"]]
        parts.setdefault(described["purpose"], []).append((described, content))
    return parts


def test_api_application_is_delivered_and_opened_by_the_receiver(
    zeitz, routed, server, resident, django_capture_on_commit_callbacks
):
    version = routed["version"]
    reference = _submit(resident, version, django_capture_on_commit_callbacks)

    with scope(municipality=zeitz):
        application = Application.objects.get()
        delivery = Delivery.objects.get()
        upload = Upload.objects.get()
    assert application.reference == reference
    assert delivery.reference == reference
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 1 and delivery.last_error == ""
    [submission] = server.submitted()
    assert len(server.submissions) == 1
    assert delivery.submission_id == submission.submission_id
    metadata = submission.metadata

    # The decrypted answers satisfy the JSON Schema the public form API publishes.
    form = APIClient().get(f"/api/v1/zeitz/forms/{version.pk}/")
    assert form.status_code == 200
    published_schema = form.json()["json_schema"]
    Draft202012Validator.check_schema(published_schema)
    data = json.loads(submission.data)
    errors = [e.message for e in Draft202012Validator(published_schema).iter_errors(data)]
    assert errors == []
    assert data == application.data
    assert data["G60000086"]["F60000227"] == "Schmidt"
    # The file answer names the file; its bytes travel as an attachment.
    assert data[FILE_KEY] == "haftpflicht.pdf"
    # The metadata names that schema, by its $id.
    submission_schema = metadata["contentStructure"]["data"]["submissionSchema"]
    assert submission_schema == {
        "schemaUri": schema_uri(version),
        "mimeType": "application/json",
    }
    assert submission_schema["schemaUri"] == published_schema["$id"]
    assert schema_uri(version) == f"urn:revier:form:zeitz:{LEIKA}:{version.number}"

    # The stored receipt (report) and the uploaded file (attachment), byte for byte.
    parts = _by_purpose(submission)
    assert sorted(parts) == ["attachment", "report"]
    [(receipt_meta, receipt_bytes)] = parts["report"]
    assert receipt_bytes == bytes(application.receipt)
    assert receipt_bytes.startswith(b"%PDF")
    assert (receipt_meta["filename"], receipt_meta["mimeType"]) == (
        f"{reference}.pdf",
        "application/pdf",
    )
    [(file_meta, file_bytes)] = parts["attachment"]
    assert file_bytes == PDF == bytes(upload.content)
    assert (file_meta["filename"], file_meta["mimeType"]) == ("haftpflicht.pdf", "application/pdf")

    # Every hash in the metadata is the SHA-512 of the decrypted part.
    assert metadata["contentStructure"]["data"]["hash"] == {
        "type": "sha512",
        "content": hashlib.sha512(submission.data).hexdigest(),
    }
    for described in metadata["contentStructure"]["attachments"]:
        content = submission.attachment_contents[described["attachmentId"]]
        assert described["hash"] == {
            "type": "sha512",
            "content": hashlib.sha512(content).hexdigest(),
        }
    assert set(submission.attachment_contents) == {
        a["attachmentId"] for a in metadata["contentStructure"]["attachments"]
    }

    assert metadata["publicServiceType"]["identifier"] == SERVICE_URN
    assert submission.service_type["identifier"] == SERVICE_URN
    assert metadata["publicServiceType"]["name"] == application.service_name
    assert metadata["replyChannel"] == {"eMail": {"address": resident.email}}
    assert metadata["additionalReferenceInfo"]["senderReference"] == reference
    assert metadata["additionalReferenceInfo"]["applicationDate"] == (
        timezone.localdate(application.submitted_at).isoformat()
    )
    assert "paymentInformation" not in metadata  # the service has no fee
    # Every part was JWE to the destination's key.
    assert len(submission.headers) == 4
    assert {h["kid"] for h in submission.headers} == {server.destination.kid}


def test_server_down_at_submission_then_delivered_by_the_retry_sweep(
    zeitz, routed, server, resident, django_capture_on_commit_callbacks
):
    server.stop()
    reference = _submit(resident, routed["version"], django_capture_on_commit_callbacks)

    # The resident is served although the delivery service is unreachable.
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == [resident.email]
    assert reference in mail.outbox[0].subject + mail.outbox[0].body
    with scope(municipality=zeitz):
        application = Application.objects.get()
        delivery = Delivery.objects.get()
    assert application.reference == reference
    assert application.status == Application.Status.SUBMITTED
    assert bytes(application.receipt).startswith(b"%PDF")
    assert delivery.reference == reference
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.attempts == 1
    assert delivery.last_error != ""
    assert delivery.next_attempt_at is not None
    assert server.submissions == {}

    server.start()  # same port
    with scope(municipality=zeitz):
        Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert retry_due_deliveries() == 1
    with scope(municipality=zeitz):
        delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 2
    assert delivery.last_error == ""
    assert delivery.next_attempt_at is None
    [submission] = server.submitted()
    assert len(server.submissions) == 1
    assert delivery.submission_id == submission.submission_id
    assert submission.metadata["additionalReferenceInfo"]["senderReference"] == reference
    [receipt] = _by_purpose(submission)["report"]
    assert receipt[1] == bytes(application.receipt)
    # Nothing more to do: the sweep leaves the delivered package alone, no second submission.
    assert retry_due_deliveries() == 0
    assert len(server.submissions) == 1
    assert len(mail.outbox) == 1


def test_invoice_fee_travels_as_payment_information(
    zeitz, routed, server, resident, django_capture_on_commit_callbacks
):
    with scope(municipality=zeitz):
        payment_account_set(
            municipality=zeitz,
            account_holder="Stadtkasse Zeitz",
            iban="DE02 1203 0000 0000 2020 51",
            bic="BYLADEM1001",
            bank_name="Sparkasse Burgenlandkreis",
        )
        fee_set(
            local_service=routed["local"],
            amount=Decimal("36.00"),
            policy=Fee.Policy.AFTERWARDS,
            plugin="invoice",
        )
    reference = _submit(resident, routed["version"], django_capture_on_commit_callbacks)

    with scope(municipality=zeitz):
        payment = Payment.objects.get()
        delivery = Delivery.objects.get()
    assert delivery.status == Delivery.Status.DELIVERED
    assert payment.reference == reference
    assert payment.transaction_reference == kassenzeichen(reference=reference, prefix="5")
    [submission] = server.submitted()
    paid = submission.metadata["paymentInformation"]
    assert paid["paymentMethod"] == "INVOICE"
    assert paid["transactionReference"] == payment.transaction_reference
    assert paid["transactionId"] == payment.transaction_id
    assert paid["status"] == "INITIAL"  # booked later by the cash office
    assert Decimal(str(paid["grossAmount"])) == Decimal("36.00")
