"""The destination's keys are used only with a V-PKI certificate chain that holds.

The local server's test PKI (root → CA → the destination's certificates, CRLs published by the
server) is the configured trust anchor (``conftest.fitconnect_server``). Certificates are made
with ``cryptography``'s builders; Revier checks them with its path validation and the CRLs.
"""

import datetime as dt

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from django.utils import timezone

from revier.delivery import certificates, crypto
from revier.delivery.models import Delivery
from revier.delivery.services import delivery_answer_check, delivery_enqueue
from revier.delivery.tasks import retry_due_deliveries
from tests.delivery.conftest import make_package
from tests.delivery.fitconnect_server import Pki, der_b64, public_jwk, rsa_key

pytestmark = pytest.mark.django_db


def enqueue(municipality, capture) -> Delivery:
    with capture(execute=True):
        delivery = delivery_enqueue(package=make_package(municipality))
    delivery.refresh_from_db()
    return delivery


def serve_chain(server, chain: list[str]) -> None:
    destination = server.destination
    destination.served_key = public_jwk(destination.key, destination.kid, x5c=chain)


def test_a_valid_chain_is_checked_once_and_delivered(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.DELIVERED
    assert fitconnect_server.pki.crl_requests == 2  # the CA's list, then the root's
    assert len(fitconnect_server.submitted()) == 1


def _other_root(server):
    return Pki(server.api_url, name="Fremd-PKI").x5c(server.destination.key, use="enc")


def _expired(server):
    return server.pki.x5c(server.destination.key, use="enc", valid_days=(-30, -1))


def _not_yet_valid(server):
    return server.pki.x5c(server.destination.key, use="enc", valid_days=(2, 30))


def _other_key(server):
    return server.pki.x5c(rsa_key(4096, "someone else"), use="enc")


def _signature_only(server):
    return server.pki.x5c(server.destination.key, use="enc", usage=("digital_signature",))


def _no_crl(server):
    return server.pki.x5c(server.destination.key, use="enc", crl_url=None)


def _leaf_revoked(server):
    chain = server.pki.x5c(server.destination.key, use="enc")
    server.pki.revoke(chain[0])
    return chain


def _ca_revoked(server):
    server.pki.revoke(server.pki.ca)
    return server.pki.x5c(server.destination.key, use="enc")


def _ca_missing(server):
    return server.pki.x5c(server.destination.key, use="enc")[:1]


def _root_as_ca_for_itself(server):
    # A chain that brings its own self-signed "root" proves nothing.
    leaf, _ca = server.pki.x5c(server.destination.key, use="enc")
    return [leaf, der_b64(Pki(server.api_url, name="Selbst").root)]


@pytest.mark.parametrize(
    ("make_chain", "message"),
    [
        (lambda server: None, "the key carries no certificate chain (x5c)"),
        (lambda server: [], "the key carries no certificate chain (x5c)"),
        (lambda server: ["kein Zertifikat!"], "x5c entry 1 is not a base64 DER certificate"),
        (_other_root, "the certificate chain is not trusted"),
        (_root_as_ca_for_itself, "the certificate chain is not trusted"),
        (_ca_missing, "the certificate chain is not trusted"),
        (_expired, "the certificate chain is not trusted"),
        (_not_yet_valid, "the certificate chain is not trusted"),
        (_other_key, "the key differs from the key of its certificate (x5c)"),
        (_signature_only, "is not for keyEncipherment"),
        (_no_crl, "names no CRL distribution point"),
        (_leaf_revoked, "CN=Zustellpunkt Test (enc),O=Revier Test-PKI,C=DE has been revoked"),
        (_ca_revoked, "CN=Test V-PKI CA,O=Revier Test-PKI,C=DE has been revoked"),
    ],
    ids=[
        "absent",
        "empty",
        "garbage",
        "other-root",
        "own-root",
        "ca-missing",
        "expired",
        "not-yet-valid",
        "other-key",
        "wrong-usage",
        "no-crl",
        "leaf-revoked",
        "ca-revoked",
    ],
)
def test_a_key_whose_chain_does_not_hold_is_refused_and_nothing_is_sent(
    zeitz_scope,
    fitconnect_route,
    fitconnect_server,
    django_capture_on_commit_callbacks,
    make_chain,
    message,
):
    chain = make_chain(fitconnect_server)
    if chain is None:
        destination = fitconnect_server.destination
        destination.served_key = public_jwk(destination.key, destination.kid)
    else:
        serve_chain(fitconnect_server, chain)

    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error.startswith("key: key refused: ")
    assert message in delivery.last_error
    assert fitconnect_server.submissions == {}


def test_an_unreachable_crl_makes_the_delivery_wait(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    fitconnect_server.pki.crl_unavailable = True

    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.RETRYING
    assert delivery.last_error.startswith("key: revocation status unknown: ")
    assert "/pki/ca.crl: HTTP 503" in delivery.last_error
    assert fitconnect_server.submissions == {}

    fitconnect_server.pki.crl_unavailable = False
    Delivery.objects.filter(pk=delivery.pk).update(next_attempt_at=timezone.now())
    assert retry_due_deliveries() == 1
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    assert len(fitconnect_server.submitted()) == 1


def test_without_trust_anchors_the_test_environment_needs_no_chain(
    settings, zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    settings.FITCONNECT_TRUST_ANCHORS = ""  # FIT-Connect's test environment has no V-PKI keys
    destination = fitconnect_server.destination
    destination.served_key = public_jwk(destination.key, destination.kid)

    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)

    assert delivery.status == Delivery.Status.DELIVERED
    assert fitconnect_server.pki.crl_requests == 0


def test_an_answer_signed_with_a_revoked_key_is_not_taken(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    assert delivery.status == Delivery.Status.DELIVERED
    [submission] = fitconnect_server.submitted()
    destination = fitconnect_server.destination
    destination.signing_x5c = fitconnect_server.pki.x5c(destination.signing_key, use="sig")
    fitconnect_server.pki.revoke(destination.signing_x5c[0])
    certificates.caches_clear()  # the CRL kept since the delivery is due for renewal
    fitconnect_server.accept(submission.submission_id)

    delivery_answer_check(delivery_id=delivery.pk)
    delivery.refresh_from_db()

    assert delivery.answer == Delivery.Answer.NONE
    assert delivery.answer_error.startswith("events: signature key refused: ")
    assert "has been revoked" in delivery.answer_error


def test_an_answer_is_taken_with_a_valid_signature_certificate(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    delivery = enqueue(zeitz_scope, django_capture_on_commit_callbacks)
    [submission] = fitconnect_server.submitted()
    fitconnect_server.accept(submission.submission_id)

    delivery_answer_check(delivery_id=delivery.pk)
    delivery.refresh_from_db()

    assert delivery.answer == Delivery.Answer.ACCEPTED
    served = [p for _m, p in fitconnect_server.requests if "/keys/" in p]
    assert served[-1].endswith(f"/keys/{fitconnect_server.destination.signing_kid}")


# --- the check itself, without HTTP -------------------------------------------------------------


@pytest.fixture
def pki(fitconnect_server):
    return fitconnect_server.pki


def _jwk(pki, **kwargs) -> dict:
    key = rsa_key(4096)
    return public_jwk(key, "k1", x5c=pki.x5c(key, use="enc", **kwargs))


def test_a_crl_signed_by_someone_else_says_nothing(pki):
    forger = rsa_key(2048, "forger")
    now = dt.datetime.now(dt.UTC)
    forged = (
        x509.CertificateRevocationListBuilder()
        .issuer_name(pki.ca.subject)
        .last_update(now)
        .next_update(now + dt.timedelta(days=1))
        .sign(forger, hashes.SHA256())
        .public_bytes(serialization.Encoding.DER)
    )
    certificates.caches_clear()

    with pytest.raises(certificates.RevocationUnavailable, match="is not signed by CN=Test V-PKI"):
        certificates.chain_check(
            _jwk(pki), use="enc", anchors=(pki.root,), fetch=lambda url: forged
        )


def test_an_outdated_crl_says_nothing(pki):
    later = dt.datetime.now(dt.UTC) + dt.timedelta(days=2)  # the CRLs' nextUpdate is one day
    certificates.caches_clear()

    with pytest.raises(certificates.RevocationUnavailable, match="is out of date"):
        certificates.chain_check(
            _jwk(pki, valid_days=(-1, 30)),
            use="enc",
            anchors=(pki.root,),
            fetch=lambda url: pki.crl(url.rsplit("/", 1)[1].removesuffix(".crl")),
            now=later,
        )


def test_the_crl_is_kept_until_its_next_update_at_most_an_hour(pki):
    fetched = []

    def fetch(url):
        fetched.append(url)
        return pki.crl(url.rsplit("/", 1)[1].removesuffix(".crl"))

    certificates.caches_clear()
    now = dt.datetime.now(dt.UTC)
    key = _jwk(pki)
    for minutes in (0, 30, 59):
        certificates.chain_check(
            key,
            use="enc",
            anchors=(pki.root,),
            fetch=fetch,
            now=now + dt.timedelta(minutes=minutes),
        )
    assert len(fetched) == 2
    certificates.chain_check(
        key, use="enc", anchors=(pki.root,), fetch=fetch, now=now + dt.timedelta(minutes=61)
    )
    assert len(fetched) == 4


def test_a_signature_key_needs_a_signature_certificate(pki):
    key = rsa_key(4096, "sig-destination")
    jwk = public_jwk(key, "s1", use="sig", x5c=pki.x5c(key, use="enc"))

    with pytest.raises(crypto.KeyRefused, match="is not for digitalSignature"):
        certificates.chain_check(jwk, use="sig", anchors=(pki.root,), fetch=lambda url: b"")
