"""The API (submit, status, Idempotency-Key) and the retention task."""

import base64
import datetime as dt

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from revier.applications.models import Application, ReferenceCounter, RetentionPolicy, Upload
from revier.applications.services import retention_policy_set
from revier.applications.tasks import apply_retention
from revier.core.models import AuditLogEntry
from revier.delivery.models import Delivery
from tests.applications.conftest import FILE_KEY, offer_form
from tests.conftest import make_user
from tests.delivery.conftest import handed_over

PDF = b"%PDF-1.7\n" + b"y" * 500

DATA = {
    "G60000086": {"F60000227": "Schmidt", "F60000228": ["Anna"], "F60000229": "1980-05-17"},
    "G60000100": [{"F60000301": "01", "F60000302": 3}],
    FILE_KEY: {
        "filename": "haftpflicht.pdf",
        "content_type": "application/pdf",
        "content_base64": base64.b64encode(PDF).decode(),
    },
}


def _api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_api_submit_status_and_idempotency(
    zeitz, dog_form, resident, django_capture_on_commit_callbacks
):
    api = _api(resident)
    url = "/api/v1/zeitz/applications/"
    body = {"form": dog_form["version"].pk, "data": DATA}
    with django_capture_on_commit_callbacks(execute=True):
        first = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert first.status_code == 201, first.content
    reference = first.json()["reference"]
    assert first.json()["status"] == "submitted"
    again = api.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert again.status_code == 201 and again.json() == first.json()
    changed = {**body, "data": {**DATA, "G60000100": [{"F60000301": "02", "F60000302": 3}]}}
    conflict = api.post(url, changed, format="json", HTTP_IDEMPOTENCY_KEY="k-1")
    assert conflict.status_code == 422
    assert conflict["Content-Type"] == "application/problem+json"
    with scope(municipality=zeitz):
        assert Application.objects.count() == 1
        delivery = Delivery.objects.get()
        assert delivery.reference == reference
        assert Upload.objects.get().filename == "haftpflicht.pdf"
        # The office received the uploaded file as sent and the receipt as stored.
        *files, receipt = handed_over(delivery).attachments
        assert [(a.filename, a.mime_type, a.content, a.purpose) for a in files] == [
            ("haftpflicht.pdf", "application/pdf", PDF, "attachment")
        ]
        assert receipt.purpose == "report"
        assert receipt.content == bytes(Application.objects.get().receipt)

    status = api.get(f"{url}{reference}/")
    assert status.status_code == 200 and status.json()["reference"] == reference
    assert _api(make_user("other@example.org")).get(f"{url}{reference}/").status_code == 404
    assert APIClient().get(f"{url}{reference}/").status_code in (401, 403)


def test_api_validation_errors_by_path(zeitz, dog_form, resident):
    bad = {**DATA, "G60000086": {"F60000227": "", "F60000229": "gestern"}}
    bad[FILE_KEY] = {**DATA[FILE_KEY], "content_base64": base64.b64encode(b"GIF89a...").decode()}
    response = _api(resident).post(
        "/api/v1/zeitz/applications/", {"form": dog_form["version"].pk, "data": bad}, format="json"
    )
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    errors = response.json()["errors"]
    # Every problem in one answer, each at its place.
    assert errors == {
        "G60000086/F60000227": ["Enter your family name"],
        "G60000086/F60000229": ["The date of birth must be a real date, for example 17.05.1980"],
        FILE_KEY: ["The file must be a PDF, JPEG or PNG"],
    }
    with scopes_disabled():
        assert not Application.objects.exists()  # nothing half-stored
        # Checked before a reference number was drawn: no number is spent on a refusal.
        assert not ReferenceCounter.objects.exists()


def test_api_requires_authentication(zeitz, dog_form):
    response = APIClient().post(
        "/api/v1/zeitz/applications/", {"form": dog_form["version"].pk, "data": DATA}, format="json"
    )
    assert response.status_code in (401, 403)


def test_retention_task(zeitz, naumburg, dog_form, resident):
    from revier.applications.services import application_start

    naumburg_form = offer_form(naumburg)
    old = timezone.now() - dt.timedelta(days=400)
    with scope(municipality=zeitz):
        retention_policy_set(
            form=dog_form["version"].form,
            draft_days=10,
            submitted_days=100,
            failed_days=50,
            action=RetentionPolicy.Action.ANONYMISE,
        )
        draft_old = application_start(
            municipality=zeitz, version=dog_form["version"], actor=resident
        )
        draft_new = application_start(
            municipality=zeitz, version=dog_form["version"], actor=resident
        )
        sent_old = application_start(
            municipality=zeitz, version=dog_form["version"], actor=resident
        )
        Application.objects.filter(pk=sent_old.pk).update(
            status="submitted", submitted_at=old, data={"x": 1}, email="anna@example.org"
        )
        Application.objects.filter(pk=draft_old.pk).update(updated_at=old)
    with scope(municipality=naumburg):
        keep = application_start(
            municipality=naumburg, version=naumburg_form["version"], actor=resident
        )
        Application.objects.filter(pk=keep.pk).update(
            updated_at=timezone.now() - dt.timedelta(days=20)
        )
    result = apply_retention()
    assert result["zeitz"] == {"drafts_deleted": 1, "deleted": 0, "anonymised": 1}
    assert result["naumburg"] == {"drafts_deleted": 0, "deleted": 0, "anonymised": 0}
    with scopes_disabled():
        assert not Application.objects.filter(pk=draft_old.pk).exists()
        assert Application.objects.filter(pk=draft_new.pk).exists()
        assert Application.objects.filter(pk=keep.pk).exists()  # default: 30 days for drafts
        anon = Application.objects.get(pk=sent_old.pk)
        assert (anon.data, anon.email, anon.applicant_id) == ({}, "", None)
        assert anon.anonymised_at is not None and anon.reference == sent_old.reference
        entry = AuditLogEntry.objects.get(object_type="applications.Application")
    assert entry.municipality_id == zeitz.pk
    assert "1 drafts deleted" in entry.summary and "1 anonymised" in entry.summary


@pytest.mark.parametrize("action", ["anonymise", "delete"])
def test_retention_removes_the_delivery_packages_too(action, zeitz, dog_form):
    """A delivery that never went out still held a complete sealed copy of the application;
    when the application is anonymised or deleted, that copy goes as well."""
    from revier.delivery.services import PackageDiscarded, delivery_enqueue, delivery_package
    from tests.delivery.conftest import make_package

    form = dog_form["version"].form
    with scope(municipality=zeitz):
        application = Application.objects.create(
            municipality=zeitz,
            reference="ZEI-R-1",
            form_version=dog_form["version"],
            leika=form.leika,
            service_name="Hundesteuer",
            status="submitted",
            submitted_at=timezone.now() - dt.timedelta(days=400),
        )
        delivery = delivery_enqueue(package=make_package(zeitz, reference=application.reference))
        Delivery.objects.filter(pk=delivery.pk).update(status="retrying", attempts=4)
        retention_policy_set(
            form=form, draft_days=10, submitted_days=100, failed_days=50, action=action
        )
    counted = "anonymised" if action == "anonymise" else "deleted"
    assert apply_retention()["zeitz"][counted] == 1

    with scope(municipality=zeitz):
        delivery.refresh_from_db()  # the delivery record stays: reference, service, dates
        assert delivery.status == "failed"
        assert delivery.package_discarded_at is not None
        assert bytes(delivery.package_sealed) == b""
        with pytest.raises(PackageDiscarded):
            delivery_package(delivery=delivery)
