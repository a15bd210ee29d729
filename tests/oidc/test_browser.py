"""In Chromium: log in with "BundID" (a real OIDC provider on loopback), come back logged in with
the trust level stored; a service that requires "high" refuses a "substantial" login and opens
for a "high" one. axe-core over the login page with the provider button and the "level needed"
page; the high login runs without JavaScript."""

import pytest
from django_scopes import scope

from revier.accounts.models import TrustLevel, User
from tests.browser.test_accessibility import _check, _format, _new_context
from tests.conftest import make_municipality
from tests.oidc.conftest import callback_uris, configure_bundid, running_provider
from tests.oidc.provider.persons import PASSWORD

pytestmark = pytest.mark.browser

PROVIDER_BUTTON = 'main form[action*="/accounts/oidc/bundid/login/"] button[type=submit]'


@pytest.fixture
def setup(live_server, tmp_path):
    from revier.services.services import local_service_set
    from tests.applications.conftest import offer_form

    zeitz = make_municipality("zeitz")
    offer = offer_form(zeitz)
    with scope(municipality=zeitz):
        local_service_set(
            municipality=zeitz,
            service=offer["service"],
            actor=None,
            online=True,
            min_trust_level=TrustLevel.HIGH,
        )
    with running_provider(tmp_path, callback_uris(live_server.url)) as provider_url:
        configure_bundid(provider_url, scope=["openid", "profile", "email", "address"])
        yield {"url": live_server.url, "provider": provider_url, "leika": offer["service"].leika}


def _log_in_at_provider(page, provider_url: str, username: str) -> None:
    page.click(PROVIDER_BUTTON)
    page.wait_for_load_state()
    assert page.url.startswith(f"{provider_url}/accounts/login/"), page.url
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


@pytest.mark.django_db(transaction=True)
def test_login_with_provider_and_trust_level(browser, setup):
    start = f"/zeitz/antrag/neu/{setup['leika']}/"
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}

    # "substantial" (STORK-QAA-Level-3): logged in, level stored, but refused by the service.
    context, page, _recorder = _new_context(browser, setup["url"], language="de")
    try:
        _check(page, "/zeitz/accounts/login/", problems, csp)
        assert "BundID" in page.locator(PROVIDER_BUTTON).inner_text()
        _log_in_at_provider(page, setup["provider"], "max")
        assert page.url.startswith(setup["url"]), page.url
        assert "/accounts/login/" not in page.url
        max_ = User.objects.get(email="max.mustermann@example.org")
        assert max_.trust_level == TrustLevel.SUBSTANTIAL and max_.trust_level_at is not None
        assert (max_.first_name, max_.last_name) == ("Max", "Mustermann")

        _check(page, start, problems, csp, status=403)
        assert page.locator("h1").count() == 1
        assert page.locator(PROVIDER_BUTTON).count() == 1
        assert page.locator("main form button", has_text="Start").count() == 0
    finally:
        context.close()

    # The English pages as well (language switch cookie).
    context, page, _recorder = _new_context(browser, setup["url"], language="en")
    try:
        _check(page, "/zeitz/accounts/login/", problems, csp)
        _log_in_at_provider(page, setup["provider"], "max")
        _check(page, start, problems, csp, status=403)
    finally:
        context.close()

    # "high" (eIDAS high), without JavaScript: from the start page through the login page and
    # the provider back to the start page, which now opens.
    context, page, _recorder = _new_context(browser, setup["url"], language="de", javascript=False)
    try:
        page.goto(start)
        assert "/zeitz/accounts/login/" in page.url and "next=" in page.url
        _log_in_at_provider(page, setup["provider"], "erika")
        assert page.url == f"{setup['url']}{start}", page.url
        erika = User.objects.get(email="erika.mustermann@example.org")
        assert erika.trust_level == TrustLevel.HIGH
        assert str(erika.birth_date) == "1964-08-12" and erika.city == "Zeitz"
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert "/seite/0/" in page.url, page.url
    finally:
        context.close()

    assert not problems, "axe-core found serious violations:\n" + _format(problems)
    assert not csp, f"CSP violations: {csp}"
