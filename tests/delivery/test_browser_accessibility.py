"""The deliveries page in Chromium with axe-core (same harness as the other back-office pages)."""

import json

import pytest
from django.utils import timezone
from django_scopes import scope

from tests.backoffice.test_browser_accessibility import _log_in
from tests.browser.test_accessibility import (  # noqa: F401 - demo is a fixture
    _check,
    _format,
    _new_context,
    demo,
)
from tests.conftest import enable_totp
from tests.delivery.conftest import make_package

pytestmark = pytest.mark.browser


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_deliveries_page_has_no_serious_violations(browser, demo, language):  # noqa: F811
    from revier.accounts.models import User
    from revier.delivery.models import Delivery
    from revier.delivery.services import delivery_enqueue, delivery_route_set
    from revier.tenancy.models import Municipality

    zeitz = Municipality.objects.get(slug="zeitz")
    admin = User.objects.get(email="administrator@zeitz.example")
    enable_totp(admin)
    with scope(municipality=zeitz):
        for n, fields in enumerate(
            [
                {
                    "status": "retrying",
                    "attempts": 2,
                    "last_error": "token: ConnectError",
                    "next_attempt_at": timezone.now(),
                },
                {"status": "failed", "attempts": 15, "last_error": "submit: 422 Unknown key"},
                {"status": "pending"},
            ]
        ):
            delivery = delivery_enqueue(package=make_package(zeitz, reference=f"ZTZ-A11Y-{n}"))
            Delivery.objects.filter(pk=delivery.pk).update(**fields)
        # A route whose connection test fails (nothing listens on port 9): the error alert.
        delivery_route_set(
            municipality=zeitz,
            leika="99115001001000",
            plugin="fitconnect",
            options={
                "api_url": "http://127.0.0.1:9",
                "token_url": "http://127.0.0.1:9/token",
                "client_id": "zeitz",
                "client_secret": "geheim",
                "destination": "6a5b6c1d-3f1e-4c42-9f0e-0d2b3a4c5d6e",
            },
        )

    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}
    try:
        _log_in(context, demo["url"], admin.email)
        for url in [
            "/zeitz/backoffice/zustellungen/",
            "/zeitz/backoffice/zustellungen/?status=failed",
        ]:
            _check(page, url, problems, csp)
            assert page.locator("h1").count() == 1
            assert page.locator("main#main").count() == 1
        assert page.locator("table tbody tr").count() == 1
        # Delivery routes with "Verbindung testen", and the page with its (failed) result.
        _check(page, "/zeitz/backoffice/zustellungen/wege/", problems, csp)
        page.locator("#main form button[type=submit]").first.click()
        page.wait_for_load_state()
        assert page.locator(".kern-alert--danger").count() == 1
        _check(page, "", problems, csp)
    finally:
        context.close()

    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, recorder.page_errors
