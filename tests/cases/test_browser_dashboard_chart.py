"""The case dashboard's chart in headless Chromium, German, at 1280 and 375 px: the drawing that
fits is shown (wide or compact), its bars are drawn (they have a size on screen), the page does
not scroll sideways on a phone, and the data table opens without JavaScript.

Set REVIER_SCREENSHOTS to a folder to keep a screenshot of each width for looking at."""

import os
from pathlib import Path

import pytest
from django_scopes import scope

from tests.backoffice.test_browser_accessibility import _log_in
from tests.browser.test_accessibility import (  # noqa: F401 - demo is a fixture
    _new_context,
    demo,
)

pytestmark = pytest.mark.browser

URL = "/zeitz/backoffice/vorgaenge/uebersicht/"


@pytest.mark.django_db(transaction=True)
def test_dashboard_chart_draws_bars_at_both_widths(browser, demo):  # noqa: F811
    from revier.accounts.models import User
    from revier.cases.models import Case
    from revier.tenancy.models import Municipality
    from tests.conftest import enable_totp

    zeitz = Municipality.objects.get(slug="zeitz")
    with scope(municipality=zeitz):
        assert Case.objects.exists()  # the demo's cases, received this week
    admin = "administrator@zeitz.example"
    enable_totp(User.objects.get(email=admin))  # staff without a second factor are refused
    shots = os.environ.get("REVIER_SCREENSHOTS")
    for width, javascript, shown, hidden in (
        (1280, True, "wide", "compact"),
        (375, False, "compact", "wide"),
    ):
        context, page, recorder = _new_context(
            browser, demo["url"], language="de", javascript=javascript
        )
        try:
            _log_in(context, demo["url"], admin)
            page.set_viewport_size({"width": width, "height": 900})
            assert page.goto(URL).status == 200
            # one drawing shows, the one that fits
            assert page.locator(f".revier-chart__svg--{shown}").is_visible()
            assert not page.locator(f".revier-chart__svg--{hidden}").is_visible()
            bars = page.locator(f".revier-chart__svg--{shown} .revier-chart__marks rect")
            assert bars.count() >= 1
            for i in range(bars.count()):
                box = bars.nth(i).bounding_box()
                assert box and box["width"] > 1 and box["height"] >= 1, (width, i, box)
            # the page itself never scrolls sideways; the chart's box may
            overflow = page.evaluate(
                "() => document.documentElement.scrollWidth - document.documentElement.clientWidth"
            )
            assert overflow <= 0, (width, overflow)
            table = page.locator(".revier-chart__table table")
            assert not table.is_visible()
            page.locator(".revier-chart__table summary").click()
            assert table.is_visible()
            if shots:
                Path(shots).mkdir(parents=True, exist_ok=True)
                page.screenshot(path=f"{shots}/charts-dashboard-{width}.png", full_page=True)
            assert recorder.foreign_requests == [] and recorder.console_errors == []
        finally:
            context.close()
