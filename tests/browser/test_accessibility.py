"""Accessibility of every public page, checked with axe-core in headless Chromium.

Drives Debian's Chromium (``/usr/bin/chromium``) through Playwright against pytest-django's live
server with the demo data, in German and in English. Besides axe-core's findings the test asserts
that no request leaves the server's origin, that the Content-Security-Policy is never violated and
that the forms work without JavaScript. The test fails (never skips) when Chromium is missing.
"""

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_scopes import scopes_disabled

pytestmark = pytest.mark.browser

AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]
BLOCKING_IMPACTS = {"serious", "critical"}

# Records every violation of the CSP that the page itself sees (works where the console does not
# name the event, e.g. for blocked inline styles).
CSP_LISTENER = """
window.__cspViolations = [];
document.addEventListener('securitypolicyviolation', (e) => {
  window.__cspViolations.push(e.violatedDirective + ' ' + (e.blockedURI || 'inline'));
});
"""


@pytest.fixture
def demo(live_server):
    from revier.accounts.demo import DEMO_PASSWORD
    from revier.core.demo import load_demo
    from revier.news.models import NewsItem

    load_demo()
    with scopes_disabled():
        news_slug = NewsItem.objects.filter(municipality__slug="zeitz").first().slug
    return {"url": live_server.url, "news_slug": news_slug, "password": DEMO_PASSWORD}


class PageRecorder:
    """Collects what a browser context does that the test must reject."""

    def __init__(self, origin: str):
        self.origin = origin
        self.foreign_requests: list[str] = []
        self.console_errors: list[str] = []
        self.page_errors: list[str] = []

    def attach(self, page) -> None:
        page.on("request", self._on_request)
        page.on("console", self._on_console)
        page.on("pageerror", lambda exc: self.page_errors.append(str(exc)))

    def _on_request(self, request) -> None:
        url = request.url
        if url.startswith(("data:", "blob:")):
            return
        parts = urlsplit(url)
        if f"{parts.scheme}://{parts.netloc}" != self.origin:
            self.foreign_requests.append(url)

    def _on_console(self, message) -> None:
        if message.type == "error" or "Content Security Policy" in message.text:
            self.console_errors.append(f"{message.type}: {message.text}")


def _new_context(browser, base_url: str, *, language: str, javascript: bool = True):
    context = browser.new_context(
        base_url=base_url,
        locale="de-DE" if language == "de" else "en-GB",
        java_script_enabled=javascript,
    )
    # Pages are German unless the language switch chose otherwise (its cookie).
    context.add_cookies([{"name": "django_language", "value": language, "url": base_url}])
    recorder = PageRecorder(base_url.rstrip("/"))
    if javascript:
        context.add_init_script(CSP_LISTENER)
    page = context.new_page()
    recorder.attach(page)
    return context, page, recorder


def _run_axe(page) -> list[dict]:
    # page.evaluate runs through the DevTools protocol, so the strict CSP does not block axe.
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        page.evaluate(AXE_SOURCE)
    return page.evaluate(
        """async (tags) => {
            const result = await axe.run(document, {runOnly: {type: 'tag', values: tags}});
            return result.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help,
                nodes: v.nodes.map(n => ({target: n.target.join(' '),
                                          summary: n.failureSummary}))
            }));
        }""",
        AXE_TAGS,
    )


def _format(problems: dict[str, list[dict]]) -> str:
    lines = []
    for url, violations in problems.items():
        for v in violations:
            lines.append(f"{url}: [{v['impact']}] {v['id']} – {v['help']}")
            for node in v["nodes"][:5]:
                summary = " ".join((node["summary"] or "").split())
                lines.append(f"    {node['target']}: {summary[:300]}")
    return "\n".join(lines)


def _check(page, url: str, problems: dict, csp: dict, *, status: int = 200) -> None:
    response = page.goto(url) if url else None
    if response is not None:
        assert response.status == status, f"{url}: HTTP {response.status}, expected {status}"
    key = url or page.url
    blocking = [v for v in _run_axe(page) if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        problems[key] = blocking
    violations = page.evaluate("() => window.__cspViolations || []")
    if violations:
        csp[key] = violations


def _public_urls(news_slug: str) -> list[tuple[str, int]]:
    urls = [("/", 200)]
    for prefix in ("", "/zeitz", "/naumburg", "/elsteraue"):
        urls += [
            (f"{prefix}/impressum/", 200),
            (f"{prefix}/datenschutz/", 200),
            (f"{prefix}/barrierefreiheit/", 200),
            (f"{prefix}/leichte-sprache/", 200),
        ]
    urls += [
        ("/zeitz/", 200),
        ("/naumburg/", 200),
        ("/elsteraue/", 200),
        ("/zeitz/aktuelles/", 200),
        (f"/zeitz/aktuelles/{news_slug}/", 200),
        ("/naumburg/aktuelles/", 200),
        ("/zeitz/leistungen/", 200),
        ("/zeitz/leistungen/?q=ummelden", 200),
        ("/zeitz/leistungen/?q=Raumfahrt", 200),
        ("/zeitz/leistungen/99115005104000/", 200),
        # Another authority is responsible; an online service elsewhere; a form open without
        # an account (its start page); English words in the search (issue 12).
        ("/zeitz/leistungen/99107021017000/", 200),
        ("/zeitz/leistungen/99049001001000/", 200),
        ("/zeitz/antrag/neu/99102013104000/", 200),
        ("/zeitz/leistungen/?q=dog", 200),
        ("/naumburg/leistungen/", 200),
        ("/accounts/login/", 200),
        ("/zeitz/accounts/login/", 200),
        ("/zeitz/accounts/signup/", 200),
        ("/zeitz/accounts/password/reset/", 200),
        ("/zeitz/gibt-es-nicht/", 404),
        ("/gibt-es-nicht/", 404),
        ("/zeitz/aktuelles/gibt-es-nicht/", 404),
        # Elsteraue has no modules switched on.
        ("/elsteraue/aktuelles/", 404),
    ]
    return urls


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_public_pages_have_no_serious_accessibility_violations(browser, demo, language):
    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}
    try:
        for url, status in _public_urls(demo["news_slug"]):
            _check(page, url, problems, csp, status=status)
            assert page.locator("html").get_attribute("lang") == language, f"{url}: lang"
            assert page.locator("main#main").count() == 1, f"{url}: no <main> landmark"
            assert page.locator("h1").count() == 1, f"{url}: expected exactly one <h1>"

        # The feedback form after a failed submission: errors shown and linked.
        page.goto("/zeitz/barrierefreiheit/")
        page.fill("#id_name", "Erika Mustermann")
        page.click("form.revier-form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator("#id_message-error").count() == 1
        assert "id_message-error" in page.locator("#id_message").get_attribute("aria-describedby")
        assert page.locator("#id_name").input_value() == "Erika Mustermann"
        _check(page, "", problems, csp)

        # A failed login shows the form error in the same accessible way.
        page.goto("/zeitz/accounts/login/")
        page.fill("#id_login", "niemand@example.org")
        page.fill("#id_password", "falsch-falsch")
        page.click("form.revier-form button[type=submit]")
        page.wait_for_load_state()
        assert page.locator(".kern-alert--danger").count() == 1
        _check(page, "", problems, csp)

        # Logged in: account pages and the TOTP set-up with its QR code.
        page.fill("#id_login", "anna.schmidt@example.org")
        page.fill("#id_password", demo["password"])
        page.click("form.revier-form button[type=submit]")
        page.wait_for_load_state()
        _check(page, "/zeitz/accounts/2fa/", problems, csp)
        # Right after logging in, activating a second factor asks for no password again (the
        # login just now counts as the reauthentication).
        _check(page, "/zeitz/accounts/2fa/totp/activate/", problems, csp)
        assert urlsplit(page.url).path == "/zeitz/accounts/2fa/totp/activate/"
        assert page.locator("img.revier-qr").get_attribute("src").startswith("data:image/svg")
        assert page.locator("#authenticator_secret").input_value()
        _check(page, "/zeitz/accounts/email/", problems, csp)
        _check(page, "/zeitz/accounts/password/change/", problems, csp)
        # The password prompt itself, as later sensitive changes show it.
        _check(page, "/zeitz/accounts/reauthenticate/", problems, csp)
        assert page.locator("#id_password").count() == 1
    finally:
        context.close()

    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    csp_console = [m for m in recorder.console_errors if "Content Security Policy" in m]
    assert not csp_console, "CSP violations in the console:\n" + "\n".join(csp_console)
    assert not recorder.page_errors, "JavaScript errors:\n" + "\n".join(recorder.page_errors)
    assert not recorder.foreign_requests, "Requests to other origins:\n" + "\n".join(
        recorder.foreign_requests
    )


@pytest.mark.django_db(transaction=True)
def test_forms_work_without_javascript(browser, demo):
    from revier.portal.models import AccessibilityFeedback

    mail.outbox.clear()  # the demo's own submissions have sent their confirmations
    context, page, recorder = _new_context(browser, demo["url"], language="de", javascript=False)
    try:
        # German is the default.
        page.goto("/zeitz/")
        assert page.locator("html").get_attribute("lang") == "de"

        # Accessibility feedback: an invalid submission keeps the input, a valid one is stored.
        page.goto("/zeitz/barrierefreiheit/")
        page.fill("#id_email", "erika@example.org")
        page.click("form.revier-form button[type=submit]")
        assert page.locator("#id_message-error").is_visible()
        assert page.locator("#id_email").input_value() == "erika@example.org"
        page.fill("#id_message", "Der Kontrast der Tabelle ist zu gering.")
        page.fill("#id_page_url", "/zeitz/aktuelles/")
        page.click("form.revier-form button[type=submit]")
        assert urlsplit(page.url).path == "/zeitz/barrierefreiheit/"
        assert page.locator(".kern-alert--success").count() == 1

        # Language switch without JavaScript: a plain form post to set_language.
        page.goto("/zeitz/impressum/")
        page.click('form.revier-language button[value="en"]')
        assert urlsplit(page.url).path == "/zeitz/impressum/"
        assert page.locator("html").get_attribute("lang") == "en"
        assert page.locator("h1").inner_text() == "Legal notice (Impressum)"
        page.goto("/naumburg/")
        assert page.locator("html").get_attribute("lang") == "en"
        page.click('form.revier-language button[value="de"]')
        assert page.locator("html").get_attribute("lang") == "de"
    finally:
        context.close()

    with scopes_disabled():
        feedback = AccessibilityFeedback.objects.get()
        assert feedback.municipality.slug == "zeitz"
        assert feedback.message == "Der Kontrast der Tabelle ist zu gering."
        assert feedback.page_url == "/zeitz/aktuelles/"
        assert feedback.email == "erika@example.org"
    recipients = sorted(tuple(m.to) for m in mail.outbox)
    assert recipients == [("barrierefreiheit@zeitz.example",), ("erika@example.org",)]
    assert not recorder.foreign_requests, recorder.foreign_requests
    assert not [m for m in recorder.console_errors if re.search("Content Security", m)]
