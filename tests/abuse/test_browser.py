"""The proof-of-work widget, its no-JavaScript fallback and the 429 page in headless Chromium:
axe-core finds nothing serious, the CSP is never violated, no request leaves the origin.

Set ``REVIER_SCREENSHOT_DIR`` to keep screenshots at 1280 and 375 px."""

import os
from pathlib import Path

import pytest

from tests.browser.test_accessibility import _check, _format, _new_context

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("REVIER_SCREENSHOT_DIR", "")


def _shoot(page, name: str) -> None:
    if not SHOTS:
        return
    Path(SHOTS).mkdir(parents=True, exist_ok=True)
    for width in (1280, 375):
        page.set_viewport_size({"width": width, "height": 900})
        page.screenshot(path=f"{SHOTS}/{name}-{width}.png", full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})


@pytest.fixture
def site(live_server, sample_site):
    sample_site.REVIER_TIMELOCK_SECONDS = 2
    return live_server.url


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_widget_solves_and_the_form_is_sent(browser, site, language):
    context, page, recorder = _new_context(browser, site, language=language)
    problems, csp = {}, {}
    try:
        _check(page, "/abuse-tests/form/", problems, csp)
        page.fill("#id_name", "Erika Mustermann")
        # The widget solves on load and puts its solution into the hidden field "altcha".
        page.wait_for_function(
            "() => { const i = document.querySelector('input[name=altcha]');"
            " return i && i.value.length > 20; }",
            timeout=30_000,
        )
        _check(page, "", problems, csp)
        _shoot(page, f"pow-widget-{language}")
        with page.expect_navigation():
            page.click("main form button[type=submit]")
        assert "Erika Mustermann" in page.locator("h1").inner_text()
        assert not problems, _format(problems)
        assert not csp, csp
        assert not recorder.foreign_requests, recorder.foreign_requests
        assert not recorder.page_errors, recorder.page_errors
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
def test_without_javascript_the_time_lock_asks_to_wait_and_keeps_the_answers(browser, site):
    # axe-core cannot run where JavaScript is off; the fallback is a KERN alert and the page's
    # structure is checked with JavaScript above.
    context, page, recorder = _new_context(browser, site, language="de", javascript=False)
    try:
        assert page.goto("/abuse-tests/form/").status == 200
        assert page.locator(".revier-pow__fallback").is_visible()
        _shoot(page, "pow-nojs")
        page.fill("#id_name", "Erika Mustermann")
        page.click("main form button[type=submit]")  # at once: too early
        assert page.locator("#id_altcha-error").is_visible()
        assert "Sekunde" in page.locator("#id_altcha-error").inner_text() or "second" in (
            page.locator("#id_altcha-error").inner_text()
        )
        assert page.locator("#id_name").input_value() == "Erika Mustermann"
        _shoot(page, "pow-nojs-too-early")
        page.wait_for_timeout(2100)
        page.click("main form button[type=submit]")
        assert "Erika Mustermann" in page.locator("h1").inner_text()
        assert not recorder.foreign_requests, recorder.foreign_requests
    finally:
        context.close()


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_rate_limited_and_too_large_pages(browser, site, language):
    context, page, recorder = _new_context(browser, site, language=language)
    problems, csp = {}, {}
    try:
        page.goto("/abuse-tests/page/")
        _check(page, "/abuse-tests/page/", problems, csp, status=429)
        assert page.locator("h1").count() == 1
        _shoot(page, f"rate-limited-{language}")
        _check(page, "/abuse-tests/too-large/", problems, csp, status=413)
        assert page.locator("h1").count() == 1
        _shoot(page, f"too-large-{language}")
        assert not problems, _format(problems)
        assert not csp, csp
        assert not recorder.foreign_requests, recorder.foreign_requests
    finally:
        context.close()
