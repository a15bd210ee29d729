"""The built-in back-office route (default) and the e-mail fallback."""

import base64
import dataclasses
import json

import pytest
from django.core import mail
from jwcrypto import jwk

from revier.delivery import crypto
from revier.delivery.models import Delivery, MunicipalityKey, ReceivedPackage
from revier.delivery.package import DeliveryPackage
from revier.delivery.services import delivery_enqueue, delivery_route_set, received_package_open
from revier.delivery.tasks import deliver_package
from tests.delivery.conftest import LEIKA, make_package

pytestmark = pytest.mark.django_db


def test_without_a_route_the_package_goes_to_the_own_back_office_encrypted(
    zeitz_scope, django_capture_on_commit_callbacks, zeitz_admin
):
    package = make_package(zeitz_scope)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = delivery_enqueue(package=package)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.plugin) == (Delivery.Status.DELIVERED, "backoffice")

    received = ReceivedPackage.objects.get()
    assert delivery.submission_id == f"backoffice:{received.pk}"
    key = MunicipalityKey.objects.get()
    assert key.public_jwk["key_ops"] == ["wrapKey"]
    assert crypto.public_key_check(key.public_jwk, kid=key.kid)  # RSA ≥ 4096
    assert '"d"' not in key.private_jwk_sealed  # the private key is sealed
    # Stored exactly as FIT-Connect carries it: JWE with the municipality's kid.
    header = json.loads(jwk.base64url_decode(received.encrypted_data.split(".")[0]))
    assert header == {"alg": "RSA-OAEP-256", "enc": "A256GCM", "kid": key.kid}

    opened = received_package_open(received=received, actor=zeitz_admin)
    assert opened.data == package.data
    assert [(a.filename, a.purpose, a.content) for a in opened.attachments] == [
        (a.filename, a.purpose, a.content) for a in package.attachments
    ]
    assert opened.metadata["publicServiceType"]["identifier"].endswith(LEIKA)

    # A second run of the task stores nothing twice.
    deliver_package(municipality_id=zeitz_scope.pk, delivery_id=delivery.pk)
    assert ReceivedPackage.objects.count() == 1


def test_email_route_sends_data_and_files_to_the_office(
    zeitz_scope, django_capture_on_commit_callbacks
):
    delivery_route_set(
        municipality=zeitz_scope,
        leika=LEIKA,
        plugin="email",
        options={"address": "buergerbuero@zeitz.example"},
    )
    package = make_package(zeitz_scope)
    with django_capture_on_commit_callbacks(execute=True):
        delivery = delivery_enqueue(package=package)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.plugin) == (Delivery.Status.DELIVERED, "email")

    [message] = mail.outbox
    assert message.to == ["buergerbuero@zeitz.example"]
    assert message.reply_to == ["anna.schmidt@example.org"]
    assert message.extra_headers["Message-ID"] == delivery.submission_id
    assert "ZTZ-2026-000001" in message.subject
    assert "Anmeldung einer Wohnung" in message.subject
    assert "KZ-2026-0042" in message.body
    assert message.attachments == [
        ("ZTZ-2026-000001.json", package.data, "application/json"),
        *[(a.filename, a.content, a.mime_type) for a in package.attachments],
    ]


def test_email_route_needs_an_address(zeitz_scope):
    from django.core.exceptions import ValidationError
    from django.utils import translation

    with translation.override("en"), pytest.raises(ValidationError) as error:
        delivery_route_set(
            municipality=zeitz_scope, leika=LEIKA, plugin="email", options={"address": "nein"}
        )
    assert error.value.message_dict == {"address": ["Enter a valid e-mail address."]}


def test_unreachable_mail_server_is_retried(
    zeitz_scope, django_capture_on_commit_callbacks, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 9  # discard port: refused
    delivery_route_set(
        municipality=zeitz_scope,
        leika=LEIKA,
        plugin="email",
        options={"address": "buergerbuero@zeitz.example"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        delivery = delivery_enqueue(package=make_package(zeitz_scope))
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.RETRYING, 1)
    assert delivery.last_error.startswith("ConnectionRefusedError")


def test_enqueue_needs_the_packages_municipality_as_scope(zeitz, naumburg):
    from django_scopes import scope

    with scope(municipality=naumburg), pytest.raises(ValueError, match="active scope"):
        delivery_enqueue(package=make_package(zeitz))


def test_package_survives_persistence(zeitz):
    package = make_package(zeitz)
    blob = package.to_bytes()
    assert type(package).from_bytes(blob) == package
    # Contents are stored raw, not base64: the container adds only its JSON header.
    contents = len(package.data) + sum(len(a.content) for a in package.attachments)
    assert contents < len(blob) < contents + 2048


def test_package_of_the_earlier_json_format_is_still_read(zeitz):
    """Deliveries waiting at an upgrade were stored as JSON with base64 contents."""
    package = make_package(zeitz)
    raw = dataclasses.asdict(package)
    raw["data"] = base64.b64encode(package.data).decode()
    raw["application_date"] = package.application_date.isoformat()
    raw["attachments"] = [
        {**dataclasses.asdict(a), "content": base64.b64encode(a.content).decode()}
        for a in package.attachments
    ]
    if package.payment is not None:
        stamp = package.payment.transaction_timestamp
        raw["payment"]["gross_amount"] = str(package.payment.gross_amount)
        raw["payment"]["transaction_timestamp"] = stamp.isoformat() if stamp else None
    assert type(package).from_bytes(json.dumps(raw).encode()) == package


def test_broken_package_container_is_refused(zeitz):
    blob = make_package(zeitz).to_bytes()
    with pytest.raises(ValueError, match="truncated"):
        DeliveryPackage.from_bytes(blob[:-1])
    with pytest.raises(ValueError, match="trailing"):
        DeliveryPackage.from_bytes(blob + b"x")
