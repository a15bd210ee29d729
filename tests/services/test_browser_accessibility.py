"""axe-core check of the catalogue's back-office pages (the public pages are in tests/browser)."""

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
def test_catalogue_back_office_pages(browser, demo, language):  # noqa: F811
    from revier.accounts.models import User
    from revier.services.models import LocalService, Office
    from revier.tenancy.models import Municipality

    zeitz = Municipality.objects.get(slug="zeitz")
    admin = User.objects.get(email="administrator@zeitz.example")
    enable_totp(admin)
    with scope(municipality=zeitz):
        local = LocalService.objects.first()
        office = Office.objects.first()

    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict = {}
    csp: dict = {}
    try:
        _log_in(context, demo["url"], admin.email)
        for url in [
            "/zeitz/backoffice/leistungen/",
            "/zeitz/backoffice/leistungen/?q=Ausweis",
            "/zeitz/backoffice/leistungen/anbieten/",
            f"/zeitz/backoffice/leistungen/angebot/{local.pk}/",
            f"/zeitz/backoffice/leistungen/angebot/{local.pk}/entfernen/",
            "/zeitz/backoffice/leistungen/stellen/",
            "/zeitz/backoffice/leistungen/stellen/neu/",
            f"/zeitz/backoffice/leistungen/stellen/{office.pk}/",
        ]:
            _check(page, url, problems, csp)
            assert page.locator("h1").count() == 1, url
        # A rejected form: the error at the field.
        page.goto("/zeitz/backoffice/leistungen/anbieten/")
        page.fill("#id_leika", "99123456789012")
        page.click("form.revier-form button[type=submit]")
        page.wait_for_load_state()
        assert "id_leika-error" in page.locator("#id_leika").get_attribute("aria-describedby")
        _check(page, "", problems, csp)
    finally:
        context.close()
    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, recorder.page_errors
