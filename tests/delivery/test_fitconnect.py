"""The FIT-Connect route against the local Submission API, which decrypts what it receives."""

import base64
import json
from datetime import timedelta

import pytest
from django.utils import timezone
from fitconnect import Environment, FITConnectClient
from jwcrypto import jwk

from revier.delivery import crypto
from revier.delivery.models import Delivery
from revier.delivery.services import delivery_enqueue, delivery_run
from revier.delivery.tasks import deliver_package, retry_due_deliveries
from tests.delivery.conftest import LEIKA, SERVICE, make_package
from tests.delivery.fitconnect_server import public_jwk, rsa_key

pytestmark = pytest.mark.django_db


def enqueue(municipality, capture, **kwargs) -> Delivery:
    with capture(execute=True):
        delivery = delivery_enqueue(package=make_package(municipality, **kwargs))
    delivery.refresh_from_db()
    return delivery


def test_full_delivery_is_decrypted_by_the_receiver(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    package = make_package(zeitz_scope)
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 1
    assert delivery.last_error == ""
    [submission] = fitconnect_server.submitted()
    assert delivery.submission_id == submission.submission_id
    # The receiver's decryption (cryptography primitives) gives back exactly what was sent.
    assert submission.data == package.data
    by_name = {
        a["filename"]: submission.attachment_contents[a["attachmentId"]]
        for a in submission.metadata["contentStructure"]["attachments"]
    }
    assert by_name == {a.filename: a.content for a in package.attachments}
    # The calls in the order the Submission API prescribes.
    calls = [
        (m, p.split("/")[2] if p.startswith("/v1/") else p) for m, p in fitconnect_server.requests
    ]
    assert calls == [
        ("POST", "/token"),
        ("GET", "destinations"),
        ("GET", "destinations"),
        # The key's certificates against the trust anchor: the CRLs of the CA and the root.
        ("GET", "/pki/ca.crl"),
        ("GET", "/pki/root.crl"),
        ("POST", "submissions"),
        ("PUT", "submissions"),
        ("PUT", "submissions"),
        ("PUT", "submissions"),
    ]
    assert fitconnect_server.requests[2][1].endswith(f"/keys/{fitconnect_server.destination.kid}")
    # Every part is JWE with RSA-OAEP-256, A256GCM, the destination's kid and no compression.
    assert len(submission.headers) == 4
    for header in submission.headers:
        assert header == {
            "alg": "RSA-OAEP-256",
            "enc": "A256GCM",
            "kid": fitconnect_server.destination.kid,
        }
    assert submission.service_type == {
        "name": SERVICE,
        "identifier": f"urn:de:fim:leika:leistung:{LEIKA}",
    }


def test_metadata_content(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    import hashlib

    package = make_package(zeitz_scope)
    enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    metadata = fitconnect_server.submitted()[0].metadata
    attachments = metadata["contentStructure"]["attachments"]
    assert metadata["contentStructure"]["data"] == {
        "hash": {"type": "sha512", "content": hashlib.sha512(package.data).hexdigest()},
        "submissionSchema": {
            "schemaUri": "https://zeitz.example/api/v1/zeitz/forms/7/schema.json",
            "mimeType": "application/json",
        },
    }
    assert [(a["filename"], a["purpose"], a["mimeType"]) for a in attachments] == [
        ("mietvertrag.pdf", "attachment", "application/pdf"),
        ("eingangsbestaetigung.pdf", "report", "application/pdf"),
    ]
    assert attachments[1]["hash"] == {
        "type": "sha512",
        "content": hashlib.sha512(package.attachments[1].content).hexdigest(),
    }
    assert metadata["publicServiceType"] == {
        "name": SERVICE,
        "identifier": "urn:de:fim:leika:leistung:99115001001000",
    }
    assert metadata["paymentInformation"] == {
        "transactionId": "9xxd-432x-6543",
        "transactionReference": "KZ-2026-0042",
        "paymentMethod": "INVOICE",
        "status": "BOOKED",
        "grossAmount": 12.3,
    }
    assert metadata["replyChannel"] == {"eMail": {"address": "anna.schmidt@example.org"}}
    assert metadata["additionalReferenceInfo"] == {
        "senderReference": "ZTZ-2026-000001",
        "applicationDate": "2026-03-14",
    }


def test_pypi_fitconnect_client_retrieves_and_verifies_the_submission(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    """Independent peer: the ``fitconnect`` SDK (subscriber side) fetches the submission,
    decrypts it with the destination's private key, validates the metadata against its own copy
    of the schema and checks the data and attachment hashes."""
    package = make_package(zeitz_scope)
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)

    client = FITConnectClient(
        Environment.TESTING, fitconnect_server.client_id, fitconnect_server.client_secret
    )
    # The SDK only knows FITKO's hosted environments; point it at the local server.
    client.token_url = fitconnect_server.token_url
    client.submission_api_url = f"{fitconnect_server.api_url}/v1"
    private = jwk.JWK.from_pyca(fitconnect_server.destination.key).export_private(as_dict=True)
    private["kid"] = fitconnect_server.destination.kid

    retrieved = client.retrieve_submission(delivery.submission_id, private)

    assert retrieved["data_json"] == json.loads(package.data)
    assert retrieved["metadata"]["publicServiceType"]["name"] == SERVICE
    names = {
        a["attachmentId"]: a["filename"]
        for a in retrieved["metadata"]["contentStructure"]["attachments"]
    }
    assert {names[k]: v for k, v in retrieved["attachments"].items()} == {
        a.filename: a.content for a in package.attachments
    }


def test_weak_key_is_refused_and_nothing_is_sent(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    destination = fitconnect_server.destination
    destination.served_key = public_jwk(rsa_key(2048), destination.kid)

    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.FAILED
    assert "RSA key of 2048 bits, at least 4096 are required" in delivery.last_error
    assert fitconnect_server.submissions == {}


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"key_ops": ["verify"]}, "key_ops does not contain wrapKey"),
        ({"alg": "RSA1_5"}, "algorithm 'RSA1_5', RSA-OAEP-256 is required"),
        ({"kid": "someone-elses-key"}, "the key has kid 'someone-elses-key'"),
    ],
)
def test_unsuitable_key_is_refused(
    zeitz_scope,
    fitconnect_route,
    fitconnect_server,
    django_capture_on_commit_callbacks,
    change,
    message,
):
    destination = fitconnect_server.destination
    destination.served_key = {**public_jwk(destination.key, destination.kid), **change}

    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.FAILED
    assert message in delivery.last_error
    assert fitconnect_server.submissions == {}


def test_unknown_kid_at_the_receiver_is_reported_from_the_problem(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    # The receiver rotated its key after serving the old one: it cannot match our kid.
    destination = fitconnect_server.destination
    chain = fitconnect_server.pki.x5c(destination.key, use="enc")
    destination.served_key = public_jwk(destination.key, destination.kid, x5c=chain)
    old_kid = destination.kid
    destination.served_key["kid"] = old_kid

    original = fitconnect_server._key

    def key_then_rotate(*args, **kwargs):
        answer = original(*args, **kwargs)
        destination.kid = "rotated-kid"
        return answer

    fitconnect_server._key = key_then_rotate
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error == (
        f"submit: 422 Unknown key: kid '{old_kid}' "
        "(https://schema.fitko.de/fit-connect/submission-api/problems/unknown-kid)"
    )
    assert fitconnect_server.submitted() == []


def test_tampered_ciphertext_is_refused_by_the_receiver(
    zeitz_scope,
    fitconnect_route,
    fitconnect_server,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    original = crypto.jwe_encrypt

    def tampered(plaintext, *, key):
        token = original(plaintext, key=key).split(".")
        ciphertext = bytearray(base64.urlsafe_b64decode(token[3] + "=" * (-len(token[3]) % 4)))
        ciphertext[0] ^= 1
        token[3] = base64.urlsafe_b64encode(bytes(ciphertext)).rstrip(b"=").decode()
        return ".".join(token)

    monkeypatch.setattr(crypto, "jwe_encrypt", tampered)
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error.startswith("submit: 422 Decryption failed: InvalidTag")
    assert fitconnect_server.submitted() == []


def test_accepting_like_the_real_service_and_opening_later(
    zeitz_scope,
    fitconnect_route,
    fitconnect_server,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    """The real delivery service checks JWE headers only; the authority opens later. The
    submissions benchmark relies on this mode, so it must catch what opening at once catches."""
    fitconnect_server.open_on_submit = False
    package = make_package(zeitz_scope)
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.DELIVERED
    [submission] = fitconnect_server.submitted()
    assert submission.metadata is None  # accepted, not opened
    assert fitconnect_server.open_received() == {}
    assert submission.data == package.data
    assert sorted(submission.attachment_contents.values()) == sorted(
        a.content for a in package.attachments
    )

    # A tampered part passes the header check, and opening reports it.
    original = crypto.jwe_encrypt

    def tampered(plaintext, *, key):
        token = original(plaintext, key=key).split(".")
        token[3] = token[3][:-2] + ("AA" if token[3][-2:] != "AA" else "BA")
        return ".".join(token)

    monkeypatch.setattr(crypto, "jwe_encrypt", tampered)
    second = enqueue(zeitz_scope, django_capture_on_commit_callbacks, reference="ZTZ-2026-000002")
    assert second.status == Delivery.Status.DELIVERED
    problems = fitconnect_server.open_received()
    assert list(problems) == [second.submission_id]
    assert problems[second.submission_id].startswith("Decryption failed")

    # A header the destination cannot open is refused at once, as by the real service.
    monkeypatch.setattr(
        crypto,
        "jwe_encrypt",
        lambda plaintext, *, key: "e30." + original(plaintext, key=key).split(".", 1)[1],
    )
    third = enqueue(zeitz_scope, django_capture_on_commit_callbacks, reference="ZTZ-2026-000003")
    assert third.status == Delivery.Status.FAILED
    assert "Wrong algorithms" in third.last_error


def test_wrong_client_secret_fails_with_the_oauth_error(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    fitconnect_server.client_secret = "changed-at-the-portal"
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error == "token: 401 invalid_client"
    assert fitconnect_server.submissions == {}


def test_server_down_waits_and_delivers_when_it_is_back(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    fitconnect_server.stop()
    before = timezone.now()
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.attempts == 1
    assert delivery.last_error.startswith("token: ConnectError")
    assert before + timedelta(seconds=59) < delivery.next_attempt_at
    assert delivery.next_attempt_at < timezone.now() + timedelta(seconds=61)
    # Not due yet: the periodic sweep leaves it alone.
    assert retry_due_deliveries() == 0

    # Time passes; the second attempt also fails, and the wait doubles.
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert retry_due_deliveries() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.RETRYING, 2)
    assert delivery.next_attempt_at > timezone.now() + timedelta(seconds=110)

    fitconnect_server.start()  # same port
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert retry_due_deliveries() == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert delivery.attempts == 3
    assert delivery.last_error == ""
    assert delivery.next_attempt_at is None
    assert len(fitconnect_server.submitted()) == 1


def test_server_error_5xx_is_retried_with_the_problem_kept(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    fitconnect_server.unavailable = True
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.last_error == (
        "token: 503 Service Unavailable: maintenance "
        "(https://schema.fitko.de/fit-connect/submission-api/problems/unavailable)"
    )
    fitconnect_server.unavailable = False
    deliver_package(municipality_id=zeitz_scope.pk, delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 2)


def test_queued_task_schedules_its_retry_with_backoff(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    from unittest import mock

    from celery.exceptions import Retry

    fitconnect_server.stop()
    with django_capture_on_commit_callbacks(execute=False):
        delivery = delivery_enqueue(package=make_package(zeitz_scope))
    deliver_package.push_request(is_eager=False, retries=0, id="t1")
    try:
        with (
            mock.patch.object(deliver_package, "retry", side_effect=Retry()) as retry,
            pytest.raises(Retry),
        ):
            deliver_package.run(municipality_id=zeitz_scope.pk, delivery_id=delivery.pk)
    finally:
        deliver_package.pop_request()
    [call] = retry.call_args_list
    assert 55 < call.kwargs["countdown"] <= 60


def test_running_the_task_twice_sends_once(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    assert deliver_package(municipality_id=zeitz_scope.pk, delivery_id=delivery.pk) == ("delivered")
    deliver_package.delay(municipality_id=zeitz_scope.pk, delivery_id=delivery.pk)
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 1)
    assert len(fitconnect_server.submissions) == 1
    assert [m for m, p in fitconnect_server.requests if p == "/v1/submissions"] == ["POST"]


def test_a_claim_held_by_another_worker_is_respected_until_it_expires(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        delivery = delivery_enqueue(package=make_package(zeitz_scope))
    Delivery.objects.filter(pk=delivery.pk).update(
        status=Delivery.Status.SENDING, attempts=1, sending_since=timezone.now()
    )
    assert delivery_run(delivery_id=delivery.pk).status == Delivery.Status.SENDING
    assert retry_due_deliveries() == 0
    assert fitconnect_server.requests == []

    # The other worker died eleven minutes ago: its claim is taken over.
    Delivery.objects.filter(pk=delivery.pk).update(
        sending_since=timezone.now() - timedelta(minutes=11)
    )
    assert retry_due_deliveries() == 1
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (Delivery.Status.DELIVERED, 2)
    assert len(fitconnect_server.submitted()) == 1


def test_invalid_metadata_is_refused_before_anything_is_sent(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    delivery = enqueue(
        zeitz_scope, django_capture_on_commit_callbacks, reply_email="not an address"
    )
    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error == (
        "metadata: metadata invalid: /replyChannel/eMail/address: 'not an address' is not a 'email'"
    )
    assert [m for m, p in fitconnect_server.requests if p == "/v1/submissions"] == []


def test_enqueueing_a_reference_twice_keeps_one_delivery(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    first = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    again = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    assert again.pk == first.pk
    assert Delivery.objects.count() == 1
    assert len(fitconnect_server.submissions) == 1
