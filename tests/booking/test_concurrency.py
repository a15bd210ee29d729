"""Zero overselling under real concurrency: threads with their own database connections race
for the same places. On PostgreSQL the advisory locks and the exclusion constraint decide; on
SQLite the IMMEDIATE transactions (one writer at a time) do — the documented fallback."""

import threading
from collections import Counter

import pytest
from django.db import IntegrityError, connection, connections, transaction
from django_scopes import scope

from revier.booking import services
from revier.booking.models import Booking
from revier.core import locking
from tests.booking.conftest import at, make_event, make_resource, workday
from tests.conftest import make_user

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 16


def race(municipality, work, n=THREADS) -> Counter:
    """Run ``work(i)`` in ``n`` threads released at once; count the outcomes."""
    barrier = threading.Barrier(n)
    outcomes: Counter = Counter()
    guard = threading.Lock()

    def run(i):
        try:
            barrier.wait()
            with scope(municipality=municipality):
                try:
                    result = work(i)
                except services.BookingUnavailable as exc:
                    result = exc.code
                except locking.LockBusy:
                    result = "busy"
            with guard:
                outcomes[result] += 1
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return outcomes


def test_event_seats_never_oversold(zeitz):
    event = make_event(zeitz, capacity=5)
    users = [make_user(f"p{i}@example.org") for i in range(THREADS)]
    outcomes = race(zeitz, lambda i: services.booking_create(resource=event, actor=users[i]).status)
    with scope(municipality=zeitz):
        active = Booking.objects.filter(resource=event, status__in=Booking.ACTIVE).count()
    assert active == 5
    assert outcomes["confirmed"] == 5
    assert outcomes["confirmed"] + outcomes["full"] + outcomes["busy"] == THREADS


def test_one_desk_one_booking(zeitz, hub):
    desk = make_resource(zeitz, "desk", "Desk", hub=hub)
    day = workday()
    users = [make_user(f"d{i}@example.org") for i in range(THREADS)]
    outcomes = race(
        zeitz,
        lambda i: (
            services.booking_create(
                resource=desk, actor=users[i], start=at(day, 8), end=at(day, 18)
            ).status
        ),
    )
    with scope(municipality=zeitz):
        assert Booking.objects.filter(resource=desk, status__in=Booking.ACTIVE).count() == 1
    assert outcomes["confirmed"] == 1
    assert outcomes["taken"] + outcomes["busy"] == THREADS - 1


def test_contingent_never_exceeded(zeitz, hub):
    from django.utils import timezone

    from revier.accounts.services import membership_add, organisation_create

    admin = make_user("admin@firma.example")
    company = organisation_create(name="Firma", admin=admin)
    members = [make_user(f"m{i}@firma.example") for i in range(8)]
    for m in members:
        membership_add(organisation=company, user=m, actor=admin)
    desks = [make_resource(zeitz, "desk", f"Desk {i}", hub=hub) for i in range(8)]
    with scope(municipality=zeitz):
        services.contingent_set(
            municipality=zeitz,
            hub=hub,
            organisation=company,
            desks=3,
            valid_from=timezone.localdate(),
        )
    day = workday()
    outcomes = race(
        zeitz,
        lambda i: (
            services.booking_create(
                resource=desks[i],
                actor=members[i],
                organisation=company,
                start=at(day, 8),
                end=at(day, 18),
            ).status
        ),
        n=8,
    )
    with scope(municipality=zeitz):
        assert Booking.objects.filter(contingent__organisation=company).count() == 3
    assert outcomes["confirmed"] == 3


def test_exclusion_constraint_refuses_overlap_written_around_the_service(zeitz, hub):
    if connection.vendor != "postgresql":
        pytest.skip("The exclusion constraint is PostgreSQL's; SQLite uses the fallback.")
    desk = make_resource(zeitz, "desk", "Desk", hub=hub)
    day = workday()
    with scope(municipality=zeitz):
        Booking.objects.create(
            municipality=zeitz,
            resource=desk,
            start=at(day, 8),
            end=at(day, 13),
            exclusive=True,
            status="confirmed",
            email="a@example.org",
        )
        with pytest.raises(IntegrityError), transaction.atomic():
            Booking.objects.create(
                municipality=zeitz,
                resource=desk,
                start=at(day, 12),
                end=at(day, 18),
                exclusive=True,
                status="reserved",
                email="b@example.org",
            )
        # A cancelled booking holds nothing: the same time can be booked again.
        Booking.objects.create(
            municipality=zeitz,
            resource=desk,
            start=at(day, 8),
            end=at(day, 13),
            exclusive=True,
            status="cancelled",
            email="c@example.org",
        )


def test_lock_timeout_becomes_busy(zeitz):
    if connection.vendor != "postgresql":
        pytest.skip("Advisory locks are PostgreSQL's.")
    held = threading.Event()
    release = threading.Event()

    def holder():
        try:
            with transaction.atomic():
                locking.lock([("booking.slot", 42)])
                held.set()
                release.wait(10)
        finally:
            connections.close_all()

    t = threading.Thread(target=holder)
    t.start()
    try:
        assert held.wait(10)
        with pytest.raises(locking.LockBusy), transaction.atomic():
            locking.lock([("booking.slot", 42)], timeout=100)
    finally:
        release.set()
        t.join(10)


def test_lock_needs_a_transaction(db):
    with pytest.raises(RuntimeError):
        locking.lock([("booking.slot", 1)])


def test_lock_keys_sorted_and_folded():
    assert locking.lock_key("booking.slot", 2**40) == locking.lock_key("booking.slot", 2**40)
    a, b = locking.lock_key("booking.slot", 2**31 + 5)
    assert -(2**31) <= a < 2**31 and -(2**31) <= b < 2**31
