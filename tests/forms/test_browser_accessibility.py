"""The forms back office in Chromium with axe-core (same harness as the other back-office pages)."""

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
from tests.forms.conftest import XDF2, dog_tax_schema, import_file

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_forms_pages_have_no_serious_violations(browser, demo, language):  # noqa: F811
    from revier.accounts.models import User
    from revier.forms.services import form_create, form_step_add
    from revier.tenancy.models import Municipality

    zeitz = Municipality.objects.get(slug="zeitz")
    admin = User.objects.get(email="administrator@zeitz.example")
    enable_totp(admin)
    imported = import_file(zeitz, dog_tax_schema(), leika="99089001001001", publish=True)
    select = import_file(zeitz, XDF2 / "select.xml", leika="99089001001002")
    with scope(municipality=zeitz):
        built = form_create(
            municipality=zeitz, leika="99089001001003", title="Sperrmüll", actor=None
        )
        form_step_add(version=built, title="Abholung", actor=None)
        select_field = select.fields.get()

    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}
    try:
        _log_in(context, demo["url"], admin.email)
        base = "/zeitz/backoffice/formulare/"
        for url in [
            base,
            f"{base}import/",
            f"{base}neu/",
            f"{base}versionen/{imported.pk}/",
            f"{base}versionen/{imported.pk}/vorschau/",
            f"{base}versionen/{select.pk}/",
            f"{base}versionen/{built.pk}/",
            f"{base}versionen/{select.pk}/felder/{select_field.pk}/",
        ]:
            _check(page, url, problems, csp)
            assert page.locator("h1").count() == 1
            assert page.locator("main#main").count() == 1
        # A refused upload: the problem list and the form with its error.
        page.goto(f"{base}import/")
        page.set_input_files("input[type=file]", str(XDF2 / "unknown-namespace.xml"))
        page.fill("input[name=leika]", "99089001001004")
        page.click("main button[type=submit]")
        assert page.locator(".kern-alert--danger li").count() == 1
        _check(page, None, problems, csp)
    finally:
        context.close()

    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, recorder.page_errors
