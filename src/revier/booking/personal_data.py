"""The booking module's part of a person's data export and erasure (``PersonalDataProvider``
in ``module.py``). Bookings belong to a municipality each, the account is platform-wide: these
functions cross municipalities with ``scopes_disabled()``, every query filtered by the person."""

from collections.abc import Iterable

from django.db.models import Q
from django.utils import timezone
from django_scopes import scopes_disabled

from revier.booking.models import Booking

LIMIT = 5000


def _mine(user) -> Q:
    return Q(user=user) | Q(user__isnull=True, email__iexact=user.email)


def export(*, user) -> dict:
    """The person's bookings (those under their account or their e-mail address), by
    municipality."""
    by_municipality: dict[str, list[dict]] = {}
    with scopes_disabled():
        rows = (
            Booking.objects.filter(_mine(user))
            .select_related("municipality", "resource", "organisation")
            .order_by("municipality__name", "start", "id")[:LIMIT]
        )
        for b in rows:
            by_municipality.setdefault(b.municipality.name, []).append(
                {
                    "what": b.resource.name,
                    "kind": b.resource.kind,
                    "start": b.start.isoformat(),
                    "end": b.end.isoformat(),
                    "status": b.status,
                    "name": b.name,
                    "email": b.email,
                    "organisation": b.organisation.name if b.organisation else None,
                    "answers": b.answers,
                    "booked": b.created_at.isoformat(),
                    "checked_in": b.checked_in_at.isoformat() if b.checked_in_at else None,
                }
            )
    return {"bookings": by_municipality}


def municipalities(*, user) -> Iterable[int]:
    with scopes_disabled():
        return set(Booking.objects.filter(_mine(user)).values_list("municipality_id", flat=True))


def erase(*, user) -> dict[str, int]:
    """Upcoming bookings are cancelled (their places free at once), and every booking of the
    person loses name, e-mail, answers and the link to the account; times and places stay for
    the occupancy statistics."""
    now = timezone.now()
    with scopes_disabled():
        mine = Booking.objects.filter(_mine(user))
        cancelled = mine.filter(
            status__in=(*Booking.ACTIVE, Booking.Status.WAITLISTED), end__gt=now
        ).update(status=Booking.Status.CANCELLED, cancelled_at=now, updated_at=now)
        anonymised = mine.update(user=None, name="", email="", answers={}, anonymised_at=now)
    result = {}
    if anonymised:
        result["bookings_anonymised"] = anonymised
    if cancelled:
        result["bookings_cancelled"] = cancelled
    return result
