"""axe-core in Chromium over the pages of this issue part (de, en): my data, delete account,
the notification templates (list, edit with preview, refused input), the sent list, SMS
settings and the retention of cases."""

import json

import pytest
from django_scopes import scope

from tests.backoffice.test_browser_accessibility import _log_in
from tests.browser.test_accessibility import (  # noqa: F401 - demo is a fixture
    _check,
    _format,
    _new_context,
    demo,
)
from tests.conftest import enable_totp

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_privacy_and_notification_pages_have_no_serious_violations(
    browser,
    demo,  # noqa: F811
    language,
):
    from revier.accounts.models import User
    from revier.notifications.models import Notification
    from revier.tenancy.models import Municipality

    zeitz = Municipality.objects.get(slug="zeitz")
    admin = User.objects.get(email="administrator@zeitz.example")
    enable_totp(admin)
    with scope(municipality=zeitz):
        Notification.objects.create(
            municipality=zeitz,
            event="case_status",
            channel="email",
            address="anna.schmidt@example.org",
            language="de",
            status="failed",
            error="550",
        )
    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}
    try:
        _log_in(context, demo["url"], "anna.schmidt@example.org")
        for url in [
            "/zeitz/konto/",
            "/zeitz/konto/meine-daten/",
            "/zeitz/konto/meine-daten/konto-loeschen/",
            "/zeitz/datenschutz/",
        ]:
            _check(page, url, problems, csp)
            assert page.locator("h1").count() == 1, url
        page.goto("/zeitz/konto/meine-daten/konto-loeschen/")
        page.fill("#id_password", "falsch")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#id_password-error").count() == 1
        _check(page, "", problems, csp)

        _log_in(context, demo["url"], admin.email)
        base = "/zeitz/backoffice/benachrichtigungen/"
        for url in [
            base,
            base + "vorlagen/case_status/de/",
            base + "vorlagen/case_decided/en/",
            base + "versand/",
            base + "versand/?status=failed",
            base + "sms/",
            "/zeitz/backoffice/datenschutz/aufbewahrung/",
            "/zeitz/backoffice/datenschutz/aufbewahrung/standard/",
            "/zeitz/backoffice/datenschutz/aufbewahrung/neu/",
        ]:
            _check(page, url, problems, csp)
            assert page.locator("h1").count() == 1, url
            assert page.locator("main#main").count() == 1, url
        page.goto(base + "vorlagen/case_status/de/")
        page.fill("#id_subject", "Neu {unbekannt}")
        page.click('main form button[name="save"]')
        page.wait_for_load_state()
        assert page.locator("#id_subject-error").count() == 1
        assert page.locator("#id_subject").input_value() == "Neu {unbekannt}"
        _check(page, "", problems, csp)
        page.fill("#id_subject", "Neu {reference}")
        page.click('main form button[name="preview"]')
        page.wait_for_load_state()
        assert "MUS-2026-000123" in page.locator("main").inner_text()
        _check(page, "", problems, csp)
    finally:
        context.close()

    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, recorder.page_errors
