"""The authority's answer: the FIT-Connect event log read after delivery, every entry verified.

The local server signs its entries with ``cryptography`` (RSASSA-PSS, SHA-512); Revier verifies
them with jwcrypto: the two sides share no code.
"""

import json
from datetime import timedelta

import pytest
from django.utils import timezone, translation

from revier.delivery import crypto, fitconnect
from revier.delivery.models import Delivery
from revier.delivery.services import (
    ANSWER_WAIT,
    delivery_answer_check,
    delivery_enqueue,
    delivery_route_set,
)
from revier.delivery.tasks import check_delivery_answers
from tests.delivery.conftest import LEIKA, make_package
from tests.delivery.fitconnect_server import SET_SCHEMA, b64url, public_jwk, rsa_key, set_sign

pytestmark = pytest.mark.django_db

Answer = Delivery.Answer


@pytest.fixture(autouse=True)
def _fresh_caches():
    fitconnect.caches_clear()
    yield
    fitconnect.caches_clear()


def delivered(municipality, capture) -> Delivery:
    with capture(execute=True):
        delivery = delivery_enqueue(package=make_package(municipality))
    delivery.refresh_from_db()
    assert delivery.status == Delivery.Status.DELIVERED
    return delivery


def check(delivery: Delivery) -> Delivery:
    delivery_answer_check(delivery_id=delivery.pk)
    delivery.refresh_from_db()
    return delivery


def test_accept_is_read_from_the_signed_event_log(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    before = timezone.now()
    delivery = delivered(zeitz_scope, django_capture_on_commit_callbacks)
    [submission] = fitconnect_server.submitted()
    assert delivery.case_id == submission.case_id
    assert delivery.authentication_tags == fitconnect_server.authentication_tags(submission)
    assert delivery.answer == Answer.NONE
    # The first look is due a few minutes after delivery.
    assert before + timedelta(minutes=4) < delivery.answer_next_check_at
    assert delivery.answer_next_check_at < timezone.now() + timedelta(minutes=6)

    # Only the delivery service's own submit event so far: no answer, the next look planned.
    delivery = check(delivery)
    assert delivery.answer == Answer.NONE
    assert delivery.answer_error == ""
    assert delivery.answer_next_check_at > timezone.now()
    paths = [p for _m, p in fitconnect_server.requests]
    assert f"/v1/cases/{submission.case_id}/events" in paths
    assert "/.well-known/jwks.json" in paths  # the service's key, for its submit event

    fitconnect_server.accept(submission.submission_id)
    delivery = check(delivery)
    assert delivery.answer == Answer.ACCEPTED
    assert delivery.answered_at is not None
    assert abs((delivery.answered_at - timezone.now()).total_seconds()) < 60
    assert delivery.answer_problems == []
    assert delivery.answer_next_check_at is None
    key_path = (
        f"/v1/destinations/{fitconnect_server.destination.destination_id}"
        f"/keys/{fitconnect_server.destination.signing_kid}"
    )
    assert key_path in [p for _m, p in fitconnect_server.requests]

    # An answer is kept: later events do not change it, and it is not asked again.
    fitconnect_server.reject(submission.submission_id, problems=[{"title": "late"}])
    asked = len(fitconnect_server.requests)
    assert check(delivery).answer == Answer.ACCEPTED
    assert len(fitconnect_server.requests) == asked


def test_reject_keeps_the_authoritys_problems(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    delivery = delivered(zeitz_scope, django_capture_on_commit_callbacks)
    [submission] = fitconnect_server.submitted()
    problem = {
        "type": "https://schema.fitko.de/fit-connect/events/problems/invalid-data",
        "title": "Fachdaten unvollständig",
        "detail": "Das Geburtsdatum fehlt." + "x" * 800,
        "instance": "data",
        "unexpected": {"nested": True},
    }
    fitconnect_server.reject(submission.submission_id, problems=[problem])
    delivery = check(delivery)
    assert delivery.answer == Answer.REJECTED
    [kept] = delivery.answer_problems
    assert kept["title"] == "Fachdaten unvollständig"
    assert kept["instance"] == "data"
    assert len(kept["detail"]) == 500  # bounded: it comes from outside
    assert "unexpected" not in kept


def test_accept_of_other_parts_is_not_taken(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    delivery = delivered(zeitz_scope, django_capture_on_commit_callbacks)
    [submission] = fitconnect_server.submitted()
    tags = fitconnect_server.authentication_tags(submission)
    tags["data"] = b64url(b"another tag of 16")
    fitconnect_server.accept(submission.submission_id, tags=tags)
    with translation.override("en"):
        delivery = check(delivery)
    assert delivery.answer == Answer.NONE
    assert "differ" in delivery.answer_error
    assert delivery.answer_next_check_at is not None  # a corrected accept may still come


def _forged(submission, destination_id: str, *, key, kid: str, event="accept-submission"):
    payload = {
        "$schema": SET_SCHEMA,
        "jti": "3f1c7a2e-9d4b-4b7e-8a51-0c2d6e9f1a33",
        "iss": destination_id,
        "iat": int(timezone.now().timestamp()),
        "sub": f"submission:{submission.submission_id}",
        "txn": f"case:{submission.case_id}",
        "events": {f"https://schema.fitko.de/fit-connect/events/{event}": {}},
    }
    return set_sign(payload, key=key, kid=kid)


@pytest.mark.parametrize("forgery", ["wrong_key", "service_issues_accept", "altered", "alg_none"])
def test_a_log_that_does_not_verify_gives_no_answer(
    forgery, zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    delivery = delivered(zeitz_scope, django_capture_on_commit_callbacks)
    [submission] = fitconnect_server.submitted()
    destination = fitconnect_server.destination
    if forgery == "wrong_key":
        # Names the destination's signature key but is signed with another one.
        token = _forged(
            submission, destination.destination_id, key=rsa_key(2048), kid=destination.signing_kid
        )
    elif forgery == "service_issues_accept":
        # Correctly signed by the delivery service, but only the authority may accept.
        token = _forged(
            submission,
            fitconnect_server.api_url,
            key=fitconnect_server.signing_key,
            kid=fitconnect_server.signing_kid,
        )
    elif forgery == "altered":
        fitconnect_server.reject(submission.submission_id, problems=[{"title": "no"}])
        [original] = fitconnect_server._signed(submission.case_id)[-1:]
        header, payload, signature = original.split(".")
        claims = json.loads(fitconnect.crypto._b64url_decode(payload))
        claims["events"] = {"https://schema.fitko.de/fit-connect/events/accept-submission": {}}
        token = f"{header}.{b64url(json.dumps(claims).encode())}.{signature}"
        fitconnect_server.events[submission.case_id].pop()
    else:
        header = b64url(json.dumps({"typ": "secevent+jwt", "alg": "none", "kid": "x"}).encode())
        body = b64url(json.dumps({"iss": destination.destination_id}).encode())
        token = f"{header}.{body}."
    fitconnect_server.events[submission.case_id].append(token)

    delivery = check(delivery)
    assert delivery.answer == Answer.NONE
    assert delivery.answer_error.startswith("events: ")
    assert delivery.answer_next_check_at is not None


def test_unreachable_server_and_the_periodic_task(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    delivery = delivered(zeitz_scope, django_capture_on_commit_callbacks)
    [submission] = fitconnect_server.submitted()
    # Not due yet: the periodic run leaves it alone.
    assert check_delivery_answers() == 0

    Delivery.objects.filter(pk=delivery.pk).update(
        answer_next_check_at=timezone.now() - timedelta(seconds=1)
    )
    fitconnect_server.unavailable = True
    assert check_delivery_answers() == 1
    delivery.refresh_from_db()
    assert delivery.answer == Answer.NONE
    assert "503" in delivery.answer_error
    assert delivery.answer_next_check_at > timezone.now()

    fitconnect_server.unavailable = False
    fitconnect_server.accept(submission.submission_id)
    Delivery.objects.filter(pk=delivery.pk).update(
        answer_next_check_at=timezone.now() - timedelta(seconds=1)
    )
    assert check_delivery_answers() == 1
    delivery.refresh_from_db()
    assert delivery.answer == Answer.ACCEPTED
    assert delivery.answer_error == ""
    assert check_delivery_answers() == 0


def test_asking_ends_after_the_wait_and_with_a_changed_route(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    delivery = delivered(zeitz_scope, django_capture_on_commit_callbacks)
    Delivery.objects.filter(pk=delivery.pk).update(
        delivered_at=timezone.now() - ANSWER_WAIT - timedelta(hours=1)
    )
    delivery = check(delivery)
    assert delivery.answer == Answer.NONE
    assert delivery.answer_next_check_at is None

    Delivery.objects.filter(pk=delivery.pk).update(answer_next_check_at=timezone.now())
    delivery_route_set(
        municipality=zeitz_scope,
        leika=LEIKA,
        plugin="email",
        options={"address": "poststelle@zeitz.example"},
    )
    asked = len(fitconnect_server.requests)
    with translation.override("en"):
        delivery = check(delivery)
    assert delivery.answer_next_check_at is None
    assert "changed" in delivery.answer_error
    assert len(fitconnect_server.requests) == asked


def test_routes_without_answers_are_not_asked(zeitz_scope, django_capture_on_commit_callbacks):
    # No route: the built-in back office takes it, and it has no event log to read.
    delivery = delivered(zeitz_scope, django_capture_on_commit_callbacks)
    assert delivery.plugin == "backoffice"
    assert delivery.answer_next_check_at is None
    assert check_delivery_answers() == 0


def test_signature_keys_are_checked_like_encryption_keys():
    served = public_jwk(rsa_key(4096, "sig-destination"), "k1", use="sig")
    assert crypto.public_key_check(served, kid="k1", alg=crypto.SET_ALG)
    with pytest.raises(crypto.KeyRefused, match="verify"):
        crypto.public_key_check({**served, "key_ops": ["wrapKey"]}, kid="k1", alg="PS512")
    with pytest.raises(crypto.KeyRefused, match="PS512"):
        # An encryption key must not verify the authority's signatures.
        crypto.public_key_check(public_jwk(rsa_key(4096), "k1"), kid="k1", alg="PS512")
    with pytest.raises(crypto.KeyRefused, match="4096"):
        weak = public_jwk(rsa_key(2048, "sig-weak"), "k1", use="sig")
        crypto.public_key_check(weak, kid="k1", alg="PS512")
