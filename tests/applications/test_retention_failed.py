"""Retention of applications whose payment failed or never arrived (``failed_days``)."""

import datetime as dt
import logging
from decimal import Decimal

import pytest
from django.utils import timezone
from django_scopes import scope, scopes_disabled
from rest_framework.test import APIClient

from revier.applications.models import Application, IdempotencyKey, RetentionPolicy, Upload
from revier.applications.services import retention_policy_set
from revier.applications.tasks import apply_retention
from revier.core.models import AuditLogEntry
from revier.delivery.models import Delivery
from revier.payments.models import Fee
from revier.payments.services import fee_set
from tests.applications.test_api_and_retention import DATA


def _submit_unpaid(resident, version, key):
    """Submit through the API while the fee must be paid online first: the application waits
    for its payment (answers, e-mail and the uploaded file stored, nothing handed over)."""
    client = APIClient()
    client.force_authenticate(resident)
    response = client.post(
        "/api/v1/zeitz/applications/",
        {"form": version.pk, "data": DATA},
        format="json",
        HTTP_IDEMPOTENCY_KEY=key,
    )
    assert response.status_code == 201, response.content
    assert response.json()["status"] == "awaiting_payment"
    return Application.objects.get(reference=response.json()["reference"])


ACTIONS = [RetentionPolicy.Action.ANONYMISE, RetentionPolicy.Action.DELETE]


@pytest.mark.parametrize("action", ACTIONS)
def test_retention_of_failed_and_unpaid_applications(
    action, zeitz, dog_form, resident, caplog, django_capture_on_commit_callbacks
):
    now = timezone.now()
    with scope(municipality=zeitz):
        fee_set(
            local_service=dog_form["local"],
            amount=Decimal("36.00"),
            policy=Fee.Policy.REQUIRED,
            plugin="redirect",
            options={"api_url": "http://127.0.0.1:9", "merchant_id": "m", "secret": "s"},
        )
        retention_policy_set(
            form=dog_form["version"].form,
            draft_days=10,
            submitted_days=1000,
            failed_days=50,
            action=action,
        )
        with django_capture_on_commit_callbacks(execute=True):
            failed_old = _submit_unpaid(resident, dog_form["version"], "k-1")
            unpaid_old = _submit_unpaid(resident, dog_form["version"], "k-2")
            failed_young = _submit_unpaid(resident, dog_form["version"], "k-3")
            unpaid_young = _submit_unpaid(resident, dog_form["version"], "k-4")
        assert not Delivery.objects.exists()
        assert Upload.objects.count() == 4
        assert all(k.response for k in IdempotencyKey.objects.all())
        long_ago = now - dt.timedelta(days=400)
        Application.objects.filter(pk=failed_old.pk).update(
            status=Application.Status.FAILED,
            submitted_at=long_ago,
            updated_at=now - dt.timedelta(days=51),
        )
        Application.objects.filter(pk=unpaid_old.pk).update(
            submitted_at=long_ago, updated_at=now - dt.timedelta(days=51)
        )
        # Submitted long ago, but the payment failed only recently: failed_days count from
        # the last change, not from the submission.
        Application.objects.filter(pk=failed_young.pk).update(
            status=Application.Status.FAILED,
            submitted_at=long_ago,
            updated_at=now - dt.timedelta(days=49),
        )
        Application.objects.filter(pk=unpaid_young.pk).update(
            updated_at=now - dt.timedelta(days=20)
        )

    with caplog.at_level(logging.INFO, logger="revier.applications.tasks"):
        result = apply_retention()

    old, young = [failed_old, unpaid_old], [failed_young, unpaid_young]
    if action == RetentionPolicy.Action.DELETE:
        assert result["zeitz"] == {"drafts_deleted": 0, "deleted": 2, "anonymised": 0}
    else:
        assert result["zeitz"] == {"drafts_deleted": 0, "deleted": 0, "anonymised": 2}
    with scopes_disabled():
        if action == RetentionPolicy.Action.DELETE:
            assert not Application.objects.filter(pk__in=[a.pk for a in old]).exists()
        else:
            for before in old:
                anon = Application.objects.get(pk=before.pk)
                assert (anon.data, anon.raw, anon.email, anon.applicant_id) == ({}, {}, "", None)
                assert anon.anonymised_at is not None
                assert not anon.receipt
                # What stays: reference, service and dates.
                assert (anon.reference, anon.leika, anon.service_name) == (
                    before.reference,
                    before.leika,
                    before.service_name,
                )
                assert anon.submitted_at is not None
            # The stored API answers to the submissions are emptied as well.
            responses = IdempotencyKey.objects.filter(application__in=old)
            assert list(responses.values_list("response", flat=True)) == [{}, {}]
        assert not Upload.objects.filter(application_id__in=[a.pk for a in old]).exists()
        # The young ones are untouched: answers, e-mail, applicant, file and status.
        for before in young:
            kept = Application.objects.get(pk=before.pk)
            assert kept.anonymised_at is None
            assert kept.data == before.data and kept.data["G60000086"]["F60000227"] == "Schmidt"
            assert kept.email == before.email and kept.applicant_id == resident.pk
            assert Upload.objects.filter(application=kept).count() == 1
        assert Application.objects.get(pk=failed_young.pk).status == Application.Status.FAILED
        assert (
            Application.objects.get(pk=unpaid_young.pk).status
            == Application.Status.AWAITING_PAYMENT
        )
        entry = AuditLogEntry.objects.get(object_type="applications.Application")
    assert entry.municipality_id == zeitz.pk and entry.actor_id is None
    if action == RetentionPolicy.Action.DELETE:
        assert "2 applications deleted" in entry.summary and "0 anonymised" in entry.summary
    else:
        assert "0 applications deleted" in entry.summary and "2 anonymised" in entry.summary
    logged = [r.getMessage() for r in caplog.records if r.name == "revier.applications.tasks"]
    assert logged == [f"retention zeitz: {result['zeitz']}"]

    # A second run finds nothing more to do: no further counts, no further audit entry.
    assert apply_retention()["zeitz"] == {"drafts_deleted": 0, "deleted": 0, "anonymised": 0}
    with scopes_disabled():
        assert AuditLogEntry.objects.filter(object_type="applications.Application").count() == 1
