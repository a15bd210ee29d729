"""The booking module's part of the GDPR export and erasure."""

import pytest

from revier.booking import personal_data
from tests.booking.conftest import at, book, make_event, reload, workday

pytestmark = pytest.mark.django_db


def test_export_and_erase(zeitz, naumburg, desk, anna, ben):
    mine = book(desk, anna, start=at(workday(), 8), end=at(workday(), 18))
    other_town = book(make_event(naumburg), anna)
    theirs = book(make_event(zeitz), ben)
    exported = personal_data.export(user=anna)["bookings"]
    assert sorted(exported) == ["Naumburg (Saale)", "Zeitz"]
    assert exported["Zeitz"][0]["what"] == "Schreibtisch 01"
    assert set(personal_data.municipalities(user=anna)) == {zeitz.pk, naumburg.pk}
    assert personal_data.erase(user=anna) == {"bookings_anonymised": 2, "bookings_cancelled": 2}
    for booking in (mine, other_town):
        booking = reload(booking)
        assert (booking.email, booking.user_id, booking.status) == ("", None, "cancelled")
    assert reload(theirs).email == "ben.mueller@example.org"
