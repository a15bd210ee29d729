"""axe-core in Chromium over my applications, the application detail (also with a refused
reply), the mailbox, a message and the link pages, in German and English."""

import pytest
from django_scopes import scope

from revier.cases import services as case_services
from tests.browser.test_accessibility import _check, _format, _new_context
from tests.cases_account.conftest import bare_application, bare_case, message_to
from tests.conftest import PASSWORD, make_staff, make_user

pytestmark = pytest.mark.browser


@pytest.fixture
def site(live_server):
    from revier.tenancy.services import municipality_create
    from tests.applications.conftest import offer_form

    zeitz = municipality_create(
        slug="zeitz",
        name="Zeitz",
        ags="15084590",
        ars="150840590590",
        kreis="Burgenlandkreis",
        email="rathaus@zeitz.example",
        accessibility_email="barrierefrei@zeitz.example",
        enabled_modules=["news"],
    )
    version = offer_form(zeitz, with_file=False)["version"]
    anna = make_user("anna.schmidt@example.org", first_name="Anna", last_name="Schmidt")
    application = bare_application(zeitz, version, "ZEI-T-A11Y", applicant=anna)
    bare_application(zeitz, version, "ZEI-T-DRAFT", applicant=anna, status="draft")
    case = bare_case(zeitz, application)
    admin = make_staff(zeitz, "administrator", "a11y-admin@zeitz.example")
    with scope(municipality=zeitz):
        case_services.case_status_change(
            case=case, to_status="in_progress", actor=admin, note="Wir prüfen."
        )
    message = message_to(case, requests_information=True)
    return {"url": live_server.url, "case": case, "message": message, "anna": anna}


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_account_casework_pages_have_no_serious_violations(browser, site, language):
    context, page, recorder = _new_context(browser, site["url"], language=language)
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}
    case, message = site["case"], site["message"]
    detail = f"/zeitz/konto/antraege/{case.reference}/"
    try:
        page.goto("/zeitz/accounts/login/")
        page.fill("#id_login", "anna.schmidt@example.org")
        page.fill("#id_password", PASSWORD)
        page.click("form.revier-form button[type=submit]")
        page.wait_for_load_state()
        for url in (
            "/zeitz/konto/antraege/",
            detail,
            "/zeitz/konto/postfach/",
            f"/zeitz/konto/postfach/{message.pk}/",
        ):
            _check(page, url, problems, csp)
            assert page.locator("h1").count() == 1, url
            assert page.locator("main#main").count() == 1, url
        _check(page, "/zeitz/konto/postfach/link/kaputt/", problems, csp, status=400)
        # A refused reply: the error at the field.
        page.goto(detail)
        page.click("#antworten form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#id_body-error").count() == 1
        _check(page, "", problems, csp)
    finally:
        context.close()
    assert not problems, _format(problems)
    assert not csp, csp
    assert not recorder.foreign_requests, recorder.foreign_requests
