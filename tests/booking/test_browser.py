"""Accessibility of the booking pages (axe-core in Chromium, the public pages' harness) and
screenshots at 1280 and 375 px (``BOOKING_SCREENSHOTS``: a folder to write them to)."""

import os
from pathlib import Path

import pytest
from django_scopes import scope

from tests.backoffice.test_browser_accessibility import _log_in
from tests.booking.conftest import at, workday
from tests.browser.test_accessibility import (  # noqa: F401 - demo is a fixture
    _check,
    _format,
    _new_context,
    demo,
)
from tests.conftest import enable_totp

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("BOOKING_SCREENSHOTS", "")


def _shot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_booking_pages_have_no_serious_violations(browser, demo, language):  # noqa: F811
    from revier.accounts.models import User
    from revier.booking import services
    from revier.booking.models import Resource
    from revier.tenancy.models import Municipality

    zeitz = Municipality.objects.get(slug="zeitz")
    day = workday()
    anna = User.objects.get(email="anna.schmidt@example.org")
    with scope(municipality=zeitz):
        desk = Resource.objects.filter(kind="desk").order_by("name").last()
        room = Resource.objects.filter(kind="room").first()
        appointment = Resource.objects.filter(kind="appointment").first()
        event = Resource.objects.filter(kind="event").first()
        course = Resource.objects.get(kind="course")
        booked = services.booking_create(
            resource=room, actor=anna, start=at(day, 9), end=at(day, 10)
        )
        desk_booking = services.booking_create(
            resource=desk, actor=anna, start=at(day, 8), end=at(day, 18)
        )
        reserved = services.booking_create(
            resource=appointment, email="max@example.org", name="Max", start=at(day, 9)
        )
    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}
    try:
        pages = [
            ("index", "/zeitz/termine/"),
            ("hub", f"/zeitz/termine/hub/digital-hub-zeitz/?tag={day}"),
            ("appointment", f"/zeitz/termine/angebot/{appointment.pk}/?tag={day}"),
            ("event", f"/zeitz/termine/angebot/{event.pk}/"),
            ("course", f"/zeitz/termine/angebot/{course.pk}/"),
            ("desk-anonymous", f"/zeitz/termine/angebot/{desk.pk}/?tag={day}"),
            ("booking-reserved", f"/zeitz/termine/buchung/{reserved.token}/"),
            ("booking-desk", f"/zeitz/termine/buchung/{desk_booking.token}/"),
            ("check-in", f"/zeitz/termine/buchung/{desk_booking.token}/einchecken/"),
        ]
        for name, url in pages:
            _check(page, url, problems, csp)
            assert page.locator("h1").count() == 1, url
            _shot(page, f"{language}-{name}")
        _check(page, "/zeitz/termine/buchung/gibt-es-nicht/", problems, csp, status=404)

        # The appointment form with errors: summary at the top, messages at the fields.
        page.goto(f"/zeitz/termine/angebot/{appointment.pk}/?tag={day}")
        page.locator("input[name=period]").first.check()
        page.fill("#id_name", "Max")
        page.fill("#id_email", "kein-at-zeichen")
        page.click("form.revier-form[method=post] button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#error-summary").count() == 1
        _check(page, "", problems, csp)
        _shot(page, f"{language}-appointment-errors")

        # A cancelled booking's link used again: a clear page.
        page.goto(f"/zeitz/termine/buchung/{booked.token}/")
        page.click("input[value=cancel] ~ button")
        page.wait_for_load_state()
        _check(page, "", problems, csp)
        _shot(page, f"{language}-booking-cancelled")

        # Logged in: book a room and a desk without JavaScript.
        _log_in(context, demo["url"], anna.email)
        _check(page, f"/zeitz/termine/angebot/{room.pk}/?tag={day}", problems, csp)
        _shot(page, f"{language}-room")
        _check(page, f"/zeitz/termine/angebot/{desk.pk}/?tag={day}", problems, csp)

        # The counter's day list.
        counter = User.objects.get(email="counter-staff@zeitz.example")
        enable_totp(counter)
        _log_in(context, demo["url"], counter.email)
        _check(page, f"/zeitz/backoffice/termine/?tag={day}", problems, csp)
        _shot(page, f"{language}-backoffice-day")
    finally:
        context.close()
    assert not problems, _format(problems)
    assert not csp, csp
    assert not recorder.foreign_requests
    assert not recorder.page_errors
