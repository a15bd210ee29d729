"""The demo resident applies for "Wohnsitz Anmeldung" in Chromium: axe-core on every page of the
journey (de, en), and the whole journey once more without JavaScript."""

import json

import pytest
from django_scopes import scopes_disabled

from tests.browser.test_accessibility import (  # noqa: F401 - demo is a fixture
    _check,
    _format,
    _new_context,
    demo,
)

pytestmark = pytest.mark.browser

LEIKA = "99115005104000"
RESIDENT = "anna.schmidt@example.org"
PDF = b"%PDF-1.7\n" + b"x" * 2000 + b"\n%%EOF"
PERSON = {
    "GD0000001/FD0000001": "Schmidt",
    "GD0000001/FD0000002": "Anna",
    "GD0000001/FD0000003": "1980-05-17",
}
FLAT = {
    "GD0000002/FD0000010": "Altmarkt 3",
    "GD0000002/FD0000011": "06712",
    "GD0000002/FD0000012": "Zeitz",
    "GD0000002/FD0000013": "2026-10-01",
}
OTHER = {
    "GD0000003/0/FD0000020": "Schmidt",
    "GD0000003/0/FD0000021": "Ben",
    "GD0000003/0/FD0000022": "2015-02-03",
}


def _log_in(page, password: str) -> None:
    page.goto("/zeitz/accounts/login/")
    page.fill("#id_login", RESIDENT)
    page.fill("#id_password", password)
    page.click("form.revier-form button[type=submit]")
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url


def _fill(page, values: dict) -> None:
    for name, value in values.items():
        page.fill(f'[name="{name}"]', value)


def _press(page, selector: str) -> None:
    page.click(selector)
    page.wait_for_load_state()


CONTINUE = 'main form button[name="continue"]'


def _file_input(page):
    return page.locator('main input[type="file"]')


def _start(page) -> str:
    page.goto(f"/zeitz/antrag/neu/{LEIKA}/")
    _press(page, "main form button[type=submit]")
    assert "/seite/0/" in page.url, page.url
    return page.url.split("/antrag/")[1].split("/")[0]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_application_journey_has_no_serious_violations(browser, demo, language):  # noqa: F811
    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}

    def check(label: str, url: str = "", status: int = 200) -> None:
        _check(page, url, problems, csp, status=status)
        assert page.locator("h1").count() == 1, f"{label}: expected one <h1>"
        assert page.locator("main#main").count() == 1, f"{label}: no <main>"
        if not url:  # a page reached by submitting: file it under its name
            for key in list(problems):
                if key == page.url:
                    problems[label] = problems.pop(key)

    try:
        _log_in(page, demo["password"])
        check("service page", f"/zeitz/leistungen/{LEIKA}/")
        assert page.locator(f'main a[href="/zeitz/antrag/neu/{LEIKA}/"]').count() == 1
        check("start page", f"/zeitz/antrag/neu/{LEIKA}/")
        _press(page, "main form button[type=submit]")
        reference = page.url.split("/antrag/")[1].split("/")[0]

        check("step 1")
        _press(page, CONTINUE)  # nothing entered: errors at every required field
        assert page.locator(".kern-alert--danger").count() == 1
        assert page.locator(".kern-error").count() == 3
        check("step 1 with errors")
        _fill(page, PERSON)
        _press(page, CONTINUE)
        check("step 2")
        _fill(page, FLAT)
        _press(page, CONTINUE)

        check("step 3 (repeatable, none yet)")
        _press(page, 'main form button[name="add:GD0000003"]')
        check("step 3 with one person")
        _fill(page, OTHER)
        _press(page, CONTINUE)

        check("step 4 (upload)")
        _file_input(page).set_input_files(
            {"name": "bestaetigung.txt", "mimeType": "application/pdf", "buffer": b"plain text"}
        )
        _press(page, CONTINUE)
        assert page.locator(".kern-error").count() == 1
        check("upload refused")
        _file_input(page).set_input_files(
            {"name": "bestaetigung.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        _press(page, CONTINUE)
        assert page.url.endswith(f"/zeitz/antrag/{reference}/pruefen/"), page.url

        check("check your answers")
        assert "Ben" in page.locator("main").inner_text()
        _press(page, "main form button[type=submit]")  # declaration not accepted
        assert page.locator("#declaration-error").count() == 1
        check("declaration error")
        page.check("#declaration")
        _press(page, "main form button[type=submit]")
        assert page.url.endswith(f"/zeitz/antrag/{reference}/"), page.url
        assert reference in page.locator("main").inner_text()
        check("confirmation")
        check("status page", f"/zeitz/antrag/{reference}/")
        check("my applications", "/zeitz/antrag/")
        assert page.locator(f'main a[href="/zeitz/antrag/{reference}/"]').count() == 1

        draft = _start(page)
        _fill(page, {"GD0000001/FD0000001": "Schmidt"})
        _press(page, 'main form button[name="save"]')
        assert page.locator(f'main a[href="/zeitz/antrag/{draft}/pruefen/"]').count() == 1
        check("saved (the private link goes by e-mail)")
    finally:
        context.close()

    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, recorder.page_errors
    assert not recorder.foreign_requests, recorder.foreign_requests


@pytest.mark.django_db(transaction=True)
def test_application_journey_without_javascript(browser, demo):  # noqa: F811
    from revier.applications.models import Application
    from revier.delivery.models import Delivery

    context, page, _recorder = _new_context(browser, demo["url"], language="de", javascript=False)
    try:
        _log_in(page, demo["password"])
        reference = _start(page)
        _fill(page, PERSON)
        _press(page, CONTINUE)
        _fill(page, FLAT)
        _press(page, CONTINUE)
        _press(page, 'main form button[name="add:GD0000003"]')
        _fill(page, OTHER)
        _press(page, CONTINUE)
        _file_input(page).set_input_files(
            {"name": "bestaetigung.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        _press(page, CONTINUE)
        page.check("#declaration")
        _press(page, "main form button[type=submit]")
        assert page.url.endswith(f"/zeitz/antrag/{reference}/"), page.url
        assert reference in page.locator("main").inner_text()
    finally:
        context.close()

    with scopes_disabled():
        application = Application.objects.get(reference=reference)
        assert application.status == Application.Status.SUBMITTED
        assert application.data["GD0000003"] == [
            {"FD0000020": "Schmidt", "FD0000021": "Ben", "FD0000022": "2015-02-03"}
        ]
        assert application.receipt.startswith(b"%PDF")
        assert Delivery.objects.filter(reference=reference).count() == 1
