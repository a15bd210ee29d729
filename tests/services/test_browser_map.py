"""The office map on the public service page in Chromium: drawn without breaking the CSP,
markers reachable and usable by keyboard, axe-clean, and the list alone without JavaScript."""

import pytest

from tests.browser.test_accessibility import _check, _format, _new_context

pytestmark = pytest.mark.browser

PAGE = "/zeitz/leistungen/99000000000004/"


def lines(locator) -> list[str]:
    return [line for line in locator.inner_text().split("\n") if line.strip()]


@pytest.mark.django_db(transaction=True)
def test_map_markers_work_by_keyboard_within_the_csp(browser, live_server, located):
    context, page, recorder = _new_context(browser, live_server.url, language="en")
    problems: dict = {}
    csp: dict = {}
    try:
        _check(page, PAGE, problems, csp)
        page.wait_for_selector(".revier-map .leaflet-marker-icon")
        assert page.locator(".revier-map__visual").is_visible()
        marker = page.locator(".revier-map .leaflet-marker-icon")
        assert marker.count() == 1
        assert marker.get_attribute("role") == "button"
        assert marker.get_attribute("tabindex") == "0"
        assert marker.get_attribute("alt") == "Bürgerbüro"
        assert page.locator(".revier-map .leaflet-control-zoom-in").get_attribute("aria-label") == (
            "Zoom in"
        )

        # From the map container the next Tab stop is the marker; Enter opens its popup.
        page.locator(".revier-map__canvas").focus()
        page.keyboard.press("Tab")
        focused_alt = page.evaluate("() => document.activeElement.getAttribute('alt')")
        assert focused_alt == "Bürgerbüro"
        page.keyboard.press("Enter")
        popup = page.locator(".revier-map .leaflet-popup-content")
        popup.wait_for()
        assert lines(popup) == ["Bürgerbüro", "Altmarkt 1, 06712 Zeitz"]
        close = page.locator(".revier-map .leaflet-popup-close-button")
        assert close.get_attribute("aria-label") == "Close"
        # axe again with the popup open, once its fade-in is over.
        page.wait_for_function(
            "() => getComputedStyle(document.querySelector('.leaflet-popup')).opacity === '1'"
        )
        _check(page, "", problems, csp)
    finally:
        context.close()
    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, csp
    assert not recorder.console_errors, recorder.console_errors
    assert not recorder.page_errors, recorder.page_errors
    assert not recorder.foreign_requests, recorder.foreign_requests


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_list_carries_the_place(browser, live_server, located):
    context, page, _recorder = _new_context(
        browser, live_server.url, language="en", javascript=False
    )
    try:
        page.goto(PAGE)
        assert page.locator(".revier-map__visual").is_hidden()
        places = page.locator(".revier-map__list li")
        assert places.count() == 1
        assert lines(places) == [
            "Bürgerbüro",
            "Altmarkt 1, 06712 Zeitz",
            "Latitude 51.0479, longitude 12.1383",
        ]
    finally:
        context.close()
