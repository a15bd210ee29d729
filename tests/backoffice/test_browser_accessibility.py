"""Accessibility of the back office and the person's own account, with axe-core in Chromium.

Reuses the public pages' browser harness (tests/browser): same axe rules, same CSP and
foreign-request checks. The staff member logs in through a session made by the test client, so
the pages themselves are what is checked here (the login with TOTP is tested in tests/accounts).
"""

import json
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.test import Client
from django_scopes import scope, scopes_disabled

from tests.browser.test_accessibility import (  # noqa: F401 - demo is a fixture
    _check,
    _format,
    _new_context,
    demo,
)
from tests.conftest import enable_totp

pytestmark = pytest.mark.browser


def _log_in(context, base_url: str, email: str) -> None:
    from revier.accounts.models import User

    user = User.objects.get(email=email)
    client = Client()
    client.force_login(user)
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": client.cookies[settings.SESSION_COOKIE_NAME].value,
                "url": base_url,
            }
        ]
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_backoffice_and_account_pages_have_no_serious_violations(browser, demo, language):  # noqa: F811
    from revier.accounts.models import Membership, User
    from revier.portal.services import accessibility_feedback_submit
    from revier.tenancy.models import Municipality
    from revier.tenancy.services import domain_add

    zeitz = Municipality.objects.get(slug="zeitz")
    admin = User.objects.get(email="administrator@zeitz.example")
    enable_totp(admin)
    with scope(municipality=zeitz):
        feedback = accessibility_feedback_submit(
            municipality=zeitz,
            message="Die Karte ist nicht bedienbar.",
            name="Erika",
            email="e@x.de",
        )
    domain = domain_add(municipality=zeitz, domain="service.zeitz.example")
    colleague = User.objects.get(email="case-worker@zeitz.example")
    from revier.news.models import NewsItem

    with scope(municipality=zeitz):
        news_items = {item.status: item.pk for item in NewsItem.objects.all()}
    with scopes_disabled():
        company_membership = Membership.objects.select_related("organisation").get(
            user__email="firma@hub-partner.example"
        )

    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}
    try:
        _log_in(context, demo["url"], admin.email)
        pages = [
            "/zeitz/backoffice/",
            "/zeitz/backoffice/mitarbeitende/",
            "/zeitz/backoffice/mitarbeitende/einladen/",
            f"/zeitz/backoffice/mitarbeitende/{colleague.pk}/",
            f"/zeitz/backoffice/mitarbeitende/{colleague.pk}/entfernen/",
            "/zeitz/backoffice/protokoll/",
            "/zeitz/backoffice/rueckmeldungen/",
            f"/zeitz/backoffice/rueckmeldungen/{feedback.pk}/",
            "/zeitz/backoffice/einstellungen/",
            f"/zeitz/backoffice/einstellungen/domains/{domain.pk}/entfernen/",
            "/zeitz/backoffice/aktuelles/",
            "/zeitz/backoffice/aktuelles/?status=scheduled",
            "/zeitz/backoffice/aktuelles/neu/",
            f"/zeitz/backoffice/aktuelles/{news_items['published']}/",
            f"/zeitz/backoffice/aktuelles/{news_items['scheduled']}/veroeffentlichen/",
            f"/zeitz/backoffice/aktuelles/{news_items['published']}/zuruecknehmen/",
            f"/zeitz/backoffice/aktuelles/{news_items['published']}/loeschen/",
            "/zeitz/konto/",
            "/zeitz/konto/profil/",
            "/zeitz/konto/organisationen/neu/",
        ]
        for url in pages:
            _check(page, url, problems, csp)
            assert page.locator("h1").count() == 1, f"{url}: expected exactly one <h1>"
            assert page.locator("main#main").count() == 1, f"{url}: no <main>"

        # Rejected forms: errors at the fields, linked, input kept.
        page.goto("/zeitz/backoffice/mitarbeitende/einladen/")
        page.fill("#id_email", "kein-mail")
        page.fill("#id_first_name", "Nora")
        page.click("form.revier-form button[type=submit]")
        page.wait_for_load_state()
        assert "id_email-error" in page.locator("#id_email").get_attribute("aria-describedby")
        assert page.locator("#id_first_name").input_value() == "Nora"
        _check(page, "", problems, csp, status=400)

        page.goto("/zeitz/backoffice/einstellungen/")
        page.fill("#id_primary_colour", "#ffff00")
        page.click("section[aria-labelledby=general-heading] button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#id_primary_colour-error").count() == 1
        _check(page, "", problems, csp, status=400)

        page.goto("/zeitz/backoffice/aktuelles/neu/")
        page.fill("#id_summary", "Kurz")
        page.check("#id_when_2")
        page.click("form.revier-form button[type=submit]")
        page.wait_for_load_state()
        assert "id_title-error" in page.locator("#id_title").get_attribute("aria-describedby")
        assert page.locator("#id_publish_at-error").count() == 1
        assert page.locator("#id_summary").input_value() == "Kurz"
        _check(page, "", problems, csp, status=400)

        page.goto("/zeitz/backoffice/protokoll/?date_from=2026-03-10&date_to=2026-03-01")
        assert page.locator("#id_date_to-error").count() == 1
        _check(page, "", problems, csp, status=400)

        # A company's administrator on the organisation pages.
        context.clear_cookies()
        _log_in(context, demo["url"], "firma@hub-partner.example")
        org = company_membership.organisation
        for url in [
            f"/zeitz/konto/organisationen/{org.pk}/",
            f"/zeitz/konto/organisationen/{org.pk}/mitglieder/neu/",
            f"/zeitz/konto/organisationen/{org.pk}/mitglieder/{company_membership.pk}/",
            f"/zeitz/konto/organisationen/{org.pk}/mitglieder/{company_membership.pk}/entfernen/",
        ]:
            _check(page, url, problems, csp)
        assert urlsplit(page.url).path.endswith("/entfernen/")
    finally:
        context.close()

    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, recorder.page_errors
    assert not recorder.foreign_requests, recorder.foreign_requests
