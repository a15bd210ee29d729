"""revier.core.abuse: rate limits, 429 answers, ALTCHA proof of work and the time lock."""

import base64
import json

import pytest
from django.test import RequestFactory

from revier.core import abuse
from revier.core.abuse import altcha, ratelimit, timelock


@pytest.fixture
def clock(monkeypatch):
    """One clock for the rate limits, challenges and time locks."""

    class Clock:
        now = 1_900_000_000.0

        def __call__(self):
            return self.now

    c = Clock()
    for module in (ratelimit, altcha, timelock):
        monkeypatch.setattr(module, "_now", c)
    return c


# --- client_key ----------------------------------------------------------------------------------


def test_client_key_is_a_keyed_hash_never_the_address(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="203.0.113.7")
    key = abuse.client_key(request)
    assert "203.0.113.7" not in key and len(key) == 32
    assert key == abuse.client_key(RequestFactory().get("/", REMOTE_ADDR="203.0.113.7"))
    assert key != abuse.client_key(RequestFactory().get("/", REMOTE_ADDR="203.0.113.8"))
    settings.SECRET_KEY = "another-secret-" + "y" * 40
    assert key != abuse.client_key(RequestFactory().get("/", REMOTE_ADDR="203.0.113.7"))


def test_client_key_trusts_only_the_configured_proxies(settings):
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    # nginx appends the client it saw; what the client wrote itself further left is ignored.
    a = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 198.51.100.1"
    )
    b = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="9.9.9.9, 198.51.100.1"
    )
    c = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.2")
    assert abuse.client_key(a) == abuse.client_key(b) != abuse.client_key(c)
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 0}
    assert abuse.client_key(a) == abuse.client_key(c)  # without a proxy: REMOTE_ADDR


def test_client_key_counts_ipv6_by_its_64_network():
    one = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2::1")
    other = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:2:ffff::9")
    elsewhere = RequestFactory().get("/", REMOTE_ADDR="2001:db8:1:3::1")
    assert abuse.client_key(one) == abuse.client_key(other) != abuse.client_key(elsewhere)


def test_audit_context_records_the_client_behind_the_proxy(settings):
    from revier.core.audit import audit_context

    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    request = RequestFactory().get(
        "/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.1"
    )
    assert audit_context(request).ip_address == "198.51.100.1"


# --- check_rate ----------------------------------------------------------------------------------


def test_check_rate_counts_per_scope_and_key_and_says_when_to_retry(clock):
    clock.now = 1_899_999_960.0 + 20  # 20 s into a 60 s window
    for _ in range(3):
        abuse.check_rate("tests.a", "k1", limit=3, window=60)
    with pytest.raises(abuse.RateLimited) as exc:
        abuse.check_rate("tests.a", "k1", limit=3, window=60)
    assert exc.value.retry_after == 40
    # Other keys and other scopes count apart.
    abuse.check_rate("tests.a", "k2", limit=3, window=60)
    abuse.check_rate("tests.b", "k1", limit=3, window=60)
    # The next window starts afresh.
    clock.now += 40
    abuse.check_rate("tests.a", "k1", limit=3, window=60)


def test_check_rate_takes_the_operators_override(clock, settings):
    settings.REVIER_RATE_LIMITS = {"tests.a": (1, 600)}
    abuse.check_rate("tests.a", "k", limit=100, window=60)
    with pytest.raises(abuse.RateLimited) as exc:
        abuse.check_rate("tests.a", "k", limit=100, window=60)
    assert 0 < exc.value.retry_after <= 600


def test_proof_required_always_or_after_a_soft_threshold(clock, settings):
    assert abuse.proof_required("tests.p", "k") is True
    assert abuse.proof_required("tests.p", "k", after=2, window=60) is False
    abuse.check_rate("tests.p", "k", limit=10, window=60)
    assert abuse.proof_required("tests.p", "k", after=2, window=60) is False
    abuse.check_rate("tests.p", "k", limit=10, window=60)
    assert abuse.proof_required("tests.p", "k", after=2, window=60) is True
    settings.REVIER_PROOF_AFTER = {"tests.p": -1}
    assert abuse.proof_required("tests.p", "k") is False


# --- ALTCHA --------------------------------------------------------------------------------------


def _tampered(payload: str, **changes) -> str:
    data = json.loads(base64.b64decode(payload))
    data.update(changes)
    return base64.b64encode(json.dumps(data).encode()).decode()


def test_challenge_has_altchas_format(settings):
    settings.REVIER_ALTCHA_MAX_NUMBER = 5000
    challenge = abuse.create_challenge()
    assert challenge["algorithm"] == "SHA-256"
    assert challenge["maxnumber"] == 5000
    assert set(challenge) == {"algorithm", "challenge", "maxnumber", "salt", "signature"}
    assert "?expires=" in challenge["salt"] and challenge["salt"].endswith("&")


def test_good_solution_is_accepted_once(settings):
    payload = abuse.solve(abuse.create_challenge(maxnumber=2000))
    assert abuse.verify_solution(payload) is True
    assert abuse.verify_solution(payload) is False  # replayed


def test_wrong_number_is_refused():
    challenge = abuse.create_challenge(maxnumber=2000)
    payload = abuse.solve(challenge)
    number = json.loads(base64.b64decode(payload))["number"]
    assert abuse.verify_solution(_tampered(payload, number=number + 1)) is False
    assert abuse.verify_solution(_tampered(payload, number=str(number))) is False
    assert abuse.verify_solution(_tampered(payload, algorithm="SHA-1")) is False


def test_expired_challenge_is_refused(clock):
    payload = abuse.solve(abuse.create_challenge(maxnumber=2000, expires_in=60))
    clock.now += 61
    assert abuse.verify_solution(payload) is False


def test_tampered_signature_is_refused():
    payload = abuse.solve(abuse.create_challenge(maxnumber=2000))
    assert abuse.verify_solution(_tampered(payload, signature="0" * 64)) is False


def test_a_challenge_of_another_key_is_refused(settings):
    settings.REVIER_ALTCHA_HMAC_KEY = "one-key"
    payload = abuse.solve(abuse.create_challenge(maxnumber=2000))
    settings.REVIER_ALTCHA_HMAC_KEY = "other-key"
    assert abuse.verify_solution(payload) is False


def test_digits_cannot_move_from_the_number_into_expires(clock):
    """The salt is checked exactly: a self-made challenge re-using a signature fails too."""
    challenge = abuse.create_challenge(maxnumber=2000, expires_in=60)
    payload = abuse.solve(challenge)
    data = json.loads(base64.b64decode(payload))
    number = str(data["number"])
    if len(number) > 1:
        spliced = _tampered(
            payload, salt=challenge["salt"].rstrip("&") + number[0], number=int(number[1:])
        )
        assert abuse.verify_solution(spliced) is False


@pytest.mark.parametrize(
    "junk", ["", "not base64!", base64.b64encode(b"[1,2]").decode(), "x" * 5000]
)
def test_junk_payloads_are_refused(junk):
    assert abuse.verify_solution(junk) is False


# --- time lock -----------------------------------------------------------------------------------


def test_timelock_ripens_after_the_delay_and_is_single_use(clock, settings):
    settings.REVIER_TIMELOCK_SECONDS = 10
    token = timelock.issue_token()
    assert timelock.seconds_left(token) == 10
    assert timelock.verify_token(token) is False
    clock.now += 10
    assert timelock.verify_token(token) is True
    assert timelock.verify_token(token) is False  # used


def test_timelock_expires_and_refuses_forgeries(clock, settings):
    token = timelock.issue_token()
    assert timelock.seconds_left(token[:-2] + "xx") is None
    clock.now += settings.REVIER_TIMELOCK_MAX_AGE + 1
    assert timelock.seconds_left(token) is None


# --- the form field ------------------------------------------------------------------------------


def _form(data):
    from tests.abuse.urls import SampleForm

    return SampleForm(data)


def test_field_accepts_an_altcha_solution_once(db, settings):
    settings.REVIER_ALTCHA_MAX_NUMBER = 2000
    payload = abuse.solve(abuse.create_challenge())
    assert _form({"name": "Anna", "altcha": payload}).is_valid()
    form = _form({"name": "Anna", "altcha": payload})
    assert not form.is_valid()
    assert "hat nicht geklappt" in form.errors["altcha"][0]


def test_field_without_any_proof_names_what_to_do(db):
    form = _form({"name": "Anna"})
    assert not form.is_valid()
    assert "kein Roboter" in form.errors["altcha"][0]


def test_field_without_javascript_waits_then_accepts(clock, db, settings):
    settings.REVIER_TIMELOCK_SECONDS = 10
    token = timelock.issue_token()
    clock.now += 4
    form = _form({"name": "Anna", "altcha_timelock": token})
    assert not form.is_valid()
    assert "noch 6 Sekunden" in form.errors["altcha"][0]
    # The re-rendered form keeps the time already waited: its new token ripens with the old.
    html = str(form["altcha"])
    new_token = html.split('name="altcha_timelock" value="')[1].split('"')[0]
    assert new_token != token
    assert timelock.seconds_left(new_token) == 6
    clock.now += 6
    assert _form({"name": "Anna", "altcha_timelock": new_token}).is_valid()


def test_field_renders_the_widget_and_the_no_javascript_fallback(db):
    html = str(_form(None)["altcha"])
    assert "<altcha-widget" in html and "challengejson=" in html
    assert "vendor/altcha/altcha.js" in html
    assert "<noscript>" in html and 'name="altcha_timelock"' in html


# --- 429 page, form and API ----------------------------------------------------------------------


def test_rate_limited_page_is_429_with_retry_after(client, sample_site, clock):
    assert client.get("/abuse-tests/page/").status_code == 200
    response = client.get("/abuse-tests/page/", HTTP_ACCEPT_LANGUAGE="de")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 120
    assert "Too many requests" in response.text or "Zu viele Anfragen" in response.text


def test_rate_limited_form_keeps_the_answers(client, sample_site, clock):
    for _ in range(2):
        payload = abuse.solve(abuse.create_challenge())
        response = client.post("/abuse-tests/form/", {"name": "Anna", "altcha": payload})
        assert response.status_code == 200
    payload = abuse.solve(abuse.create_challenge())
    response = client.post("/abuse-tests/form/", {"name": "Anna Schmidt", "altcha": payload})
    assert response.status_code == 429
    assert int(response["Retry-After"]) > 0
    assert 'value="Anna Schmidt"' in response.text
    assert "kern-alert--danger" in response.text


def test_rate_limited_api_is_problem_json_with_retry_after(client, sample_site, clock, db):
    payload = abuse.solve(abuse.create_challenge())
    first = client.post(
        "/api/v1/abuse-tests/", {}, content_type="application/json", HTTP_X_ALTCHA=payload
    )
    assert first.status_code == 201
    response = client.post("/api/v1/abuse-tests/", {}, content_type="application/json")
    assert response.status_code == 429
    assert response["Content-Type"] == "application/problem+json"
    assert int(response["Retry-After"]) > 0
    body = response.json()
    assert body["status"] == 429 and body["type"].endswith("/rate-limited")


def test_api_without_proof_is_a_field_error(client, sample_site, db):
    response = client.post("/api/v1/abuse-tests/", {}, content_type="application/json")
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    assert "altcha" in response.json()["errors"]
    wrong = client.post(
        "/api/v1/abuse-tests/",
        {"altcha": "bm9wZQ=="},
        content_type="application/json",
        REMOTE_ADDR="198.51.100.9",
    )
    assert wrong.status_code == 400 and "altcha" in wrong.json()["errors"]


def test_api_challenge_endpoint_hands_out_solvable_challenges(client, db, settings):
    settings.REVIER_ALTCHA_MAX_NUMBER = 2000
    response = client.get("/api/v1/altcha/challenge/")
    assert response.status_code == 200 and response["Cache-Control"] == "no-store"
    assert abuse.verify_solution(abuse.solve(response.json()))


def test_wait_text_names_minutes_and_the_time(settings):
    from django.utils import translation

    with translation.override("de"):
        assert "in 5 Minuten" in abuse.wait_text(300)
    with translation.override("en"):
        assert "5 minutes" in abuse.wait_text(300)
        assert "30 seconds" in abuse.wait_text(30)
