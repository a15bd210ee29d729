"""The pages of issue 12's letters and e-mails in headless Chromium at 1280 and 375 px, with
axe-core: sign-up with the name and the form of address, the address confirmation, the
profile, and the resident's application with the outcome of the decision and its letter.
Screenshots go to ``$REVIER_SCREENSHOTS`` when set (to look at them)."""

import os
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from django.core import mail
from django_scopes import scope

from tests.browser.test_accessibility import BLOCKING_IMPACTS, _format, _new_context, _run_axe

pytestmark = pytest.mark.browser

WIDTHS = (1280, 375)


def _shoot(page, name: str, problems: dict) -> None:
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        # Nothing wider than the window (no sideways scrolling at 375 px).
        overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} at {width} px: {overflow} px too wide"
        target = os.environ.get("REVIER_SCREENSHOTS")
        if target:
            Path(target).mkdir(parents=True, exist_ok=True)
            page.screenshot(path=f"{target}/{name}-{width}.png", full_page=True)
    blocking = [v for v in _run_axe(page) if v["impact"] in BLOCKING_IMPACTS]
    if blocking:
        problems[name] = blocking


@pytest.mark.django_db(transaction=True)
def test_signup_confirmation_profile_and_decided_application(browser, live_server):
    from revier.accounts.demo import DEMO_PASSWORD
    from revier.accounts.models import User
    from revier.cases.decision import fill, placeholder_values
    from revier.cases.demo import TEMPLATE_BODY
    from revier.cases.models import Case
    from revier.cases.services import case_decision_create
    from revier.core.demo import load_demo
    from revier.tenancy.models import Municipality

    load_demo()
    mail.outbox.clear()
    problems: dict = {}
    context, page, recorder = _new_context(browser, live_server.url, language="de")
    try:
        page.goto("/zeitz/accounts/signup/")
        _shoot(page, "signup", problems)
        page.fill("#id_first_name", "Nele")
        page.fill("#id_last_name", "Neumann")
        page.check("input[name=form_of_address][value=ms]")
        page.fill("#id_email", "nele@example.org")
        page.fill("#id_password1", "Sichere-Testphrase-2026")
        page.fill("#id_password2", "Sichere-Testphrase-2026")
        page.click("form.revier-form button[type=submit]")
        page.wait_for_load_state()
        message = mail.outbox[-1]
        assert message.from_email.startswith("Stadt Zeitz <")
        link = re.search(r"https?://[^/\s]+(/zeitz/accounts/confirm-email/\S+/)", message.body)
        page.goto(link.group(1))
        assert "Bitte bestätigen Sie, dass nele@example.org Ihre E-Mail-Adresse ist." in (
            page.content()
        )
        _shoot(page, "confirm-email", problems)
        page.click("main form button[type=submit]")
        page.wait_for_load_state()
        assert User.objects.get(email="nele@example.org").form_of_address == "ms"
        page.goto("/zeitz/konto/profil/")
        assert page.locator("input[name=form_of_address][value=ms]").is_checked()
        _shoot(page, "profile", problems)
        page.goto("/zeitz/accounts/logout/")
        page.click("main form button[type=submit]")

        # Anna's demo application, decided by the case worker: she reads "bewilligt".
        zeitz = Municipality.objects.get(slug="zeitz")
        worker = User.objects.get(email="case-worker@zeitz.example")
        with scope(municipality=zeitz):
            case = Case.objects.filter(applicant__email="anna.schmidt@example.org").first()
            decision = case_decision_create(
                case=case,
                actor=worker,
                result="granted",
                subject=f"Bescheid zu Ihrem Antrag {case.reference}",
                text=fill(TEMPLATE_BODY, placeholder_values(case=case, result="granted")),
            )
            if os.environ.get("REVIER_SCREENSHOTS"):
                pdf = Path(os.environ["REVIER_SCREENSHOTS"]) / "bescheid-demo.pdf"
                pdf.write_bytes(bytes(decision.document.content))
        page.goto("/zeitz/accounts/login/")
        page.fill("#id_login", "anna.schmidt@example.org")
        page.fill("#id_password", DEMO_PASSWORD)
        page.click("form.revier-form button[type=submit]")
        page.wait_for_load_state()
        page.goto(f"/zeitz/konto/antraege/{case.reference}/")
        assert urlsplit(page.url).path == f"/zeitz/konto/antraege/{case.reference}/"
        text = page.locator("main").inner_text()
        assert "bewilligt" in text and "entschieden" not in text
        _shoot(page, "application-decided", problems)
    finally:
        context.close()
    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not recorder.page_errors
