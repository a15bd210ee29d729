"""Reference numbers reserved at the same moment by several threads, each with its own database
connection: every number handed out once, none skipped."""

import threading

import pytest
from django.db import connection
from django_scopes import scope

from revier.applications.models import ReferenceCounter
from revier.applications.services import reference_reserve

THREADS = 8
ROUNDS = 5


@pytest.mark.django_db(transaction=True)
def test_parallel_reservations_get_distinct_numbers(zeitz, naumburg):
    # SQLite has one writer at a time and no row locks: there the threads take turns, which
    # still checks that each thread's own connection sees the others' committed numbers.
    serial = threading.Lock() if connection.vendor == "sqlite" else None
    start = threading.Barrier(THREADS)
    results: list[str] = []
    errors: list[BaseException] = []

    def worker(municipality):
        try:
            start.wait(10)  # all threads race for the counter row that does not exist yet
            for _ in range(ROUNDS):
                with scope(municipality=municipality):
                    if serial is None:
                        results.append(reference_reserve(municipality=municipality))
                    else:
                        with serial:
                            results.append(reference_reserve(municipality=municipality))
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    # Two municipalities at once: their counters must not block or disturb each other.
    threads = [
        threading.Thread(target=worker, args=(zeitz if n % 2 else naumburg,))
        for n in range(THREADS)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)

    assert not errors, errors
    assert not any(t.is_alive() for t in threads)
    per_town = THREADS // 2 * ROUNDS
    assert len(results) == len(set(results)) == THREADS * ROUNDS
    for prefix, municipality in (("ZEI", zeitz), ("NAU", naumburg)):
        numbers = sorted(int(r.rsplit("-", 1)[1]) for r in results if r.startswith(prefix))
        assert numbers == list(range(1, per_town + 1)), prefix
        with scope(municipality=municipality):
            assert ReferenceCounter.objects.get().last_number == per_town


API_THREADS = 4


@pytest.mark.django_db(transaction=True)
def test_concurrent_replays_of_one_idempotency_key_submit_once(
    zeitz, dog_form, resident, monkeypatch
):
    """The same API request with the same Idempotency-Key sent by several clients at once: one
    application, one delivery, one confirmation e-mail, and every client gets the first answer.
    """
    from django.core import mail

    from revier.applications import services
    from revier.applications.models import Application, IdempotencyKey
    from revier.delivery.models import Delivery
    from tests.applications.test_api_and_retention import DATA, _api

    start = threading.Barrier(API_THREADS)
    # Hold every request after its look-up of a stored answer until all have made it: each
    # then found nothing and must lose the race on the key's unique constraint, not replay.
    checked = threading.Barrier(API_THREADS)
    prepare = services._api_prepare
    prepared: list[int] = []

    def prepare_together(**kwargs):
        prepared.append(1)
        checked.wait(30)
        return prepare(**kwargs)

    monkeypatch.setattr(services, "_api_prepare", prepare_together)
    body = {"form": dog_form["version"].pk, "data": DATA}
    responses: list = []
    errors: list[BaseException] = []

    def worker():
        try:
            api = _api(resident)
            start.wait(10)
            responses.append(
                api.post(
                    "/api/v1/zeitz/applications/",
                    body,
                    format="json",
                    HTTP_IDEMPOTENCY_KEY="same-key",
                )
            )
        except BaseException as exc:  # reported by the assertion below
            errors.append(exc)
        finally:
            connection.close()

    threads = [threading.Thread(target=worker) for _ in range(API_THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)

    assert not errors, errors
    assert not any(t.is_alive() for t in threads)
    assert len(prepared) == API_THREADS  # the race happened: nobody replayed early
    # A replay answers with the stored status: 201, as the first request did.
    assert [r.status_code for r in responses] == [201] * API_THREADS, [r.content for r in responses]
    first = responses[0].json()
    assert first["status"] == "submitted"
    assert all(r.json() == first for r in responses)
    reference = first["reference"]
    with scope(municipality=zeitz):
        application = Application.objects.get()
        assert application.reference == reference
        assert application.status == "submitted"
        assert Delivery.objects.get().reference == reference
        claim = IdempotencyKey.objects.get()
        assert (claim.key, claim.status_code, claim.application_id) == (
            "same-key",
            201,
            application.pk,
        )
        assert claim.response == first
    confirmations = [m for m in mail.outbox if reference in m.subject + m.body]
    assert [m.to for m in confirmations] == [[resident.email]]
    assert len(mail.outbox) == 1
