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
