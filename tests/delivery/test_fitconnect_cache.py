"""Kept OAuth token and kept destination/key of the FIT-Connect route, against the local
Submission API: reused, renewed after expiry or refusal, and still never delivered twice."""

import json
import uuid

import pytest

from revier.delivery import fitconnect
from revier.delivery.models import Delivery
from revier.delivery.services import delivery_enqueue, delivery_route_set
from tests.delivery.conftest import LEIKA, make_package, route_options
from tests.delivery.fitconnect_server import FitConnectServer

pytestmark = pytest.mark.django_db


class ShortTokenServer(FitConnectServer):
    """Tokens live ``lifetime`` seconds and are refused afterwards, as a real token server."""

    lifetime = 200  # renewed 20 s (a tenth) before it expires

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.expiry: dict[str, float] = {}

    def _token(self, headers, body):
        status, content_type, payload = super()._token(headers, body)
        if status == 200:
            answer = json.loads(payload)
            answer["expires_in"] = self.lifetime
            self.expiry[answer["access_token"]] = fitconnect._clock() + self.lifetime
            payload = json.dumps(answer).encode()
        return status, content_type, payload

    def handle(self, method, path, headers, body):
        now = fitconnect._clock()
        with self.lock:
            for token, expires in list(self.expiry.items()):
                if expires <= now:
                    self.tokens.discard(token)
                    del self.expiry[token]
        return super().handle(method, path, headers, body)


@pytest.fixture(autouse=True)
def _empty_caches():
    fitconnect.caches_clear()
    yield
    fitconnect.caches_clear()


def _deliver(municipality, capture, number: int) -> Delivery:
    reference = f"ZTZ-2026-{number:06d}"
    with capture(execute=True):
        delivery = delivery_enqueue(package=make_package(municipality, reference=reference))
    delivery.refresh_from_db()
    return delivery


def _count(server, method, predicate) -> int:
    return sum(1 for m, p in server.requests if m == method and predicate(p))


def _token_requests(server) -> int:
    return _count(server, "POST", lambda p: p == "/token")


def _destination_requests(server) -> int:
    return _count(server, "GET", lambda p: p.startswith("/v1/destinations/") and "/keys/" not in p)


def _key_requests(server) -> int:
    return _count(server, "GET", lambda p: "/keys/" in p)


def test_token_destination_and_key_are_asked_once_for_many_deliveries(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    deliveries = [_deliver(zeitz_scope, django_capture_on_commit_callbacks, n) for n in (1, 2, 3)]

    assert [d.status for d in deliveries] == [Delivery.Status.DELIVERED] * 3
    assert len(fitconnect_server.submitted()) == 3
    assert _token_requests(fitconnect_server) == 1
    assert _destination_requests(fitconnect_server) == 1
    assert _key_requests(fitconnect_server) == 1
    assert fitconnect_server.pki.crl_requests == 2  # the CA's and the root's, once
    # Four requests per delivery instead of seven: create, attachment × 2, submit.
    assert len(fitconnect_server.requests) == 3 + 2 + 3 * 4


def test_token_is_renewed_after_it_expired(
    zeitz_scope, django_capture_on_commit_callbacks, monkeypatch
):
    # One clock for client and server, turned forward instead of waiting (and independent of
    # how long a delivery takes on a busy machine).
    now = [1000.0]
    monkeypatch.setattr(fitconnect, "_clock", lambda: now[0])
    server = ShortTokenServer().start()
    try:
        server.destination = server.add_destination(services=[f"urn:de:fim:leika:leistung:{LEIKA}"])
        delivery_route_set(
            municipality=zeitz_scope,
            leika=LEIKA,
            plugin="fitconnect",
            options=route_options(server),
        )
        first = _deliver(zeitz_scope, django_capture_on_commit_callbacks, 1)
        assert _token_requests(server) == 1
        now[0] += server.lifetime - 10  # within the renewal margin: renewed before expiry
        assert _deliver(zeitz_scope, django_capture_on_commit_callbacks, 3).attempts == 1
        assert _token_requests(server) == 2
        now[0] += server.lifetime + 1  # expired on the server too
        second = _deliver(zeitz_scope, django_capture_on_commit_callbacks, 2)
    finally:
        server.stop()

    assert (first.status, second.status) == (Delivery.Status.DELIVERED,) * 2
    assert _token_requests(server) == 3
    # No request was refused for an expired token (that would have cost another token).
    assert len(server.submitted()) == 3
    assert _destination_requests(server) == 2  # kept 300 s: asked again after 391 s


def test_a_refused_token_is_replaced_and_the_request_repeated_once(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    first = _deliver(zeitz_scope, django_capture_on_commit_callbacks, 1)
    fitconnect_server.tokens.clear()  # revoked (or the server restarted)
    second = _deliver(zeitz_scope, django_capture_on_commit_callbacks, 2)

    assert (first.status, second.status) == (Delivery.Status.DELIVERED,) * 2
    assert second.attempts == 1
    assert _token_requests(fitconnect_server) == 2
    assert len(fitconnect_server.submitted()) == 2
    # The refused request (create, the first that needed the token) was sent again once.
    assert _count(fitconnect_server, "POST", lambda p: p == "/v1/submissions") == 3


def test_a_token_refused_again_fails_without_looping(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    original = fitconnect_server._token

    def unusable_token(headers, body):
        status, content_type, payload = original(headers, body)
        fitconnect_server.tokens.clear()  # hands out tokens it never accepts
        return status, content_type, payload

    fitconnect_server._token = unusable_token
    delivery = _deliver(zeitz_scope, django_capture_on_commit_callbacks, 1)

    assert delivery.status == Delivery.Status.FAILED
    assert delivery.last_error.startswith("destination: 401 Unauthorized")
    assert _token_requests(fitconnect_server) == 2
    assert fitconnect_server.submissions == {}


def test_kept_key_refused_by_the_receiver_is_fetched_anew_and_sent_once(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    first = _deliver(zeitz_scope, django_capture_on_commit_callbacks, 1)
    old_kid = fitconnect_server.destination.kid
    # The destination rotates its key (new kid): the kept one is refused on submit.
    fitconnect_server.destination.kid = str(uuid.uuid4())

    second = _deliver(zeitz_scope, django_capture_on_commit_callbacks, 2)

    assert (first.status, second.status) == (Delivery.Status.DELIVERED,) * 2
    assert second.attempts == 1
    assert _destination_requests(fitconnect_server) == 2
    assert _key_requests(fitconnect_server) == 2
    submitted = fitconnect_server.submitted()
    assert len(submitted) == 2  # one per delivery: never twice
    assert {h["kid"] for h in submitted[-1].headers} == {fitconnect_server.destination.kid}
    assert second.submission_id == submitted[-1].submission_id
    # The submission refused at its submit (parts sealed to the old key) is completed with
    # parts sealed anew, not left open beside a second one (ADR 0030).
    assert len(fitconnect_server.submissions) == 2
    assert old_kid != fitconnect_server.destination.kid

    # Later deliveries keep the new key.
    third = _deliver(zeitz_scope, django_capture_on_commit_callbacks, 3)
    assert third.status == Delivery.Status.DELIVERED
    assert _key_requests(fitconnect_server) == 2


def test_a_fresh_key_refused_again_fails_once(
    zeitz_scope, fitconnect_route, fitconnect_server, django_capture_on_commit_callbacks
):
    _deliver(zeitz_scope, django_capture_on_commit_callbacks, 1)
    original = fitconnect_server._key

    def key_then_rotate(*args, **kwargs):
        answer = original(*args, **kwargs)
        fitconnect_server.destination.kid = str(uuid.uuid4())
        return answer

    fitconnect_server.destination.kid = str(uuid.uuid4())  # kept key: refused
    fitconnect_server._key = key_then_rotate  # the fresh one rotates right after: refused
    second = _deliver(zeitz_scope, django_capture_on_commit_callbacks, 2)

    assert second.status == Delivery.Status.FAILED
    assert "submit: 422 Unknown key" in second.last_error
    assert len(fitconnect_server.submitted()) == 1  # only the first delivery's
    assert _count(fitconnect_server, "PUT", lambda p: p.count("/") == 3) == 1 + 2


def test_destination_is_asked_again_after_its_time(
    zeitz_scope,
    fitconnect_route,
    fitconnect_server,
    django_capture_on_commit_callbacks,
    monkeypatch,
):
    monkeypatch.setattr(fitconnect, "DESTINATION_TTL", 0.0)
    _deliver(zeitz_scope, django_capture_on_commit_callbacks, 1)
    _deliver(zeitz_scope, django_capture_on_commit_callbacks, 2)

    assert _destination_requests(fitconnect_server) == 2
    assert _key_requests(fitconnect_server) == 2
    assert _token_requests(fitconnect_server) == 1
    assert len(fitconnect_server.submitted()) == 2
