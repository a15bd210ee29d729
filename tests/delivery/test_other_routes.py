"""The built-in back-office route (default) and the e-mail fallback."""

import json

import pytest
from django.core import mail
from jwcrypto import jwk

from revier.delivery import crypto
from revier.delivery.models import Delivery, MunicipalityKey, ReceivedPackage
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
    assert type(package).from_json(package.to_json()) == package
