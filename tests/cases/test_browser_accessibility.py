"""axe-core in headless Chromium over the case work pages (de, en): inbox, case page, message,
decision, dashboard, configuration; a refused workflow form; the demo cases."""

import json

import pytest
from django_scopes import scope, scopes_disabled

from tests.browser.test_accessibility import (  # noqa: F401 - demo is a fixture
    _check,
    _format,
    _new_context,
    demo,
)

pytestmark = pytest.mark.browser

INBOX = "/zeitz/backoffice/vorgaenge/"


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_case_pages_have_no_serious_violations(browser, demo, language):  # noqa: F811
    from revier.accounts.models import User
    from revier.cases.demo import demo_cases
    from revier.cases.models import Case, DecisionTemplate
    from revier.services.models import Office
    from revier.tenancy.models import Municipality
    from tests.backoffice.test_browser_accessibility import _log_in as _staff_log_in
    from tests.cases.conftest import install_municipality_key
    from tests.conftest import enable_totp

    zeitz = Municipality.objects.get(slug="zeitz")
    with scopes_disabled():
        from revier.delivery.models import MunicipalityKey

        if not MunicipalityKey.objects.filter(municipality=zeitz).exists():
            install_municipality_key(zeitz)
    # The demo (``revier demo``) has made the three cases already; a second call makes none.
    assert demo_cases(zeitz) == 0
    admin = User.objects.get(email="administrator@zeitz.example")
    enable_totp(admin)
    with scope(municipality=zeitz):
        cases = list(Case.objects.order_by("pk"))
        assert {c.status for c in cases} == {"in_progress", "waiting", "received"}
        template = DecisionTemplate.objects.get()
        office = Office.objects.order_by("pk").first()

    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}
    try:
        _staff_log_in(context, demo["url"], admin.email)
        for url in [
            INBOX,
            INBOX + "?kind=open&assignee=none&sort=due",
            f"{INBOX}{cases[0].pk}/",
            f"{INBOX}{cases[1].pk}/",
            f"{INBOX}{cases[2].pk}/nachricht/?request=1",
            f"{INBOX}{cases[2].pk}/bescheid/?template={template.pk}",
            INBOX + "uebersicht/",
            INBOX + "einstellungen/",
            INBOX + "einstellungen/ablauf/",
            INBOX + "einstellungen/vorlagen/neu/",
            f"{INBOX}einstellungen/vorlagen/{template.pk}/",
            f"{INBOX}einstellungen/dienststellen/{office.pk}/",
        ]:
            _check(page, url, problems, csp)
            assert page.locator("h1").count() == 1, url
            assert page.locator("main#main").count() == 1, url
        assert page.goto(INBOX).ok
        assert cases[0].reference in page.locator("main").inner_text()

        # A refused workflow: the error at the field, what was typed kept.
        page.goto(INBOX + "einstellungen/ablauf/")
        page.fill("#id_statuses", "received | eingegangen")
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#id_statuses-error").count() == 1
        assert page.locator("#id_statuses").input_value() == "received | eingegangen"
        _check(page, "", problems, csp)
        # A refused bulk change (no case chosen): the error above the table.
        page.goto(INBOX)
        page.select_option("#id_to_status", "in_progress")
        page.click("main form[method=post] button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(".kern-alert--danger").count() == 1
        _check(page, "", problems, csp)
    finally:
        context.close()

    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, recorder.page_errors
