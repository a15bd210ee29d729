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


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_backoffice_pages_have_no_serious_violations(browser, demo, language):  # noqa: F811
    import base64
    from decimal import Decimal

    from django_scopes import scope

    from revier.accounts.models import User
    from revier.applications.services import application_submit_api
    from revier.forms.selectors import form_version_published_for
    from revier.payments.services import fee_set, payment_account_set
    from revier.services.selectors import local_service_get
    from revier.tenancy.models import Municipality
    from tests.backoffice.test_browser_accessibility import _log_in as _staff_log_in
    from tests.conftest import enable_totp

    zeitz = Municipality.objects.get(slug="zeitz")
    admin = User.objects.get(email="administrator@zeitz.example")
    enable_totp(admin)
    with scope(municipality=zeitz):
        version = form_version_published_for(leika=LEIKA)
        _status, body = application_submit_api(
            municipality=zeitz,
            version=version,
            actor=User.objects.get(email=RESIDENT),
            data={
                "GD0000001": {k.split("/")[1]: v for k, v in PERSON.items()},
                "GD0000002": {k.split("/")[1]: v for k, v in FLAT.items()},
                "GD0000003": [{k.split("/")[2]: v for k, v in OTHER.items()}],
                "feld_11": {
                    "filename": "bestaetigung.pdf",
                    "content_type": "application/pdf",
                    "content_base64": base64.b64encode(PDF).decode(),
                },
            },
        )
        fee_set(local_service=local_service_get(leika=LEIKA), amount=Decimal("12.00"))
        payment_account_set(
            municipality=zeitz, account_holder="Stadtkasse Zeitz", iban="DE02120300000000202051"
        )
        form_id = version.form_id
    reference = body["reference"]

    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}
    try:
        _staff_log_in(context, demo["url"], admin.email)
        for url in [
            "/zeitz/backoffice/",
            "/zeitz/backoffice/antraege/",
            "/zeitz/backoffice/antraege/?status=submitted",
            f"/zeitz/backoffice/antraege/{reference}/",
            "/zeitz/backoffice/antraege/aufbewahrung/",
            f"/zeitz/backoffice/antraege/aufbewahrung/{form_id}/",
            "/zeitz/backoffice/gebuehren/",
            f"/zeitz/backoffice/gebuehren/{LEIKA}/",
            "/zeitz/backoffice/gebuehren/konto/",
        ]:
            _check(page, url, problems, csp)
            assert page.locator("h1").count() == 1, url
            assert page.locator("main#main").count() == 1, url
        assert "Ben" in page.goto(f"/zeitz/backoffice/antraege/{reference}/").text()

        # Refused input: errors at the fields, values kept.
        page.goto(f"/zeitz/backoffice/gebuehren/{LEIKA}/")
        page.fill("#id_amount", "-1")
        page.fill("#id_label", "je Anmeldung")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#id_label").input_value() == "je Anmeldung"
        assert page.locator("#id_amount-error").count() == 1
        _check(page, "", problems, csp)
        # "Verbindung testen" of the saved payment method: the result as a KERN alert.
        page.goto(f"/zeitz/backoffice/gebuehren/{LEIKA}/")
        page.click(f"form[action$='/gebuehren/{LEIKA}/verbindung-testen/'] button")
        page.wait_for_load_state()
        assert page.locator(".kern-alert--success").count() == 1
        _check(page, "", problems, csp)
        page.goto(f"/zeitz/backoffice/antraege/aufbewahrung/{form_id}/")
        page.fill("#id_draft_days", "0")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#id_draft_days-error").count() == 1
        _check(page, "", problems, csp)
    finally:
        context.close()

    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, recorder.page_errors
