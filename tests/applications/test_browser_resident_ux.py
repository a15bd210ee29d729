"""Issue 12 in Chromium: the compact mobile header, check-your-answers without broken words,
the error summary, applying without an account; axe-core on each page, and screenshots at
1280 and 375 px (written to ``$REVIER_SCREENSHOTS`` when set, to be looked at)."""

import json
import os
from pathlib import Path

import pytest

from tests.applications.test_browser_accessibility import (
    CONTINUE,
    FLAT,
    OTHER,
    PDF,
    PERSON,
    _file_input,
    _fill,
    _log_in,
    _press,
)
from tests.browser.test_accessibility import (  # noqa: F401 - demo is a fixture
    _check,
    _format,
    _new_context,
    demo,
)

pytestmark = pytest.mark.browser

SHOTS = os.environ.get("REVIER_SCREENSHOTS", "")
WIDTHS = {"desktop": 1280, "mobile": 375}

# Words split over two lines inside an element: a word whose range has boxes on two lines.
BROKEN_WORDS = """(selector) => {
    const broken = [];
    for (const element of document.querySelectorAll(selector)) {
        const walker = document.createTreeWalker(element, NodeFilter.SHOW_TEXT);
        let node;
        while ((node = walker.nextNode())) {
            const text = node.textContent;
            const re = /\\S+/g;
            let match;
            while ((match = re.exec(text))) {
                const range = document.createRange();
                range.setStart(node, match.index);
                range.setEnd(node, match.index + match[0].length);
                const tops = new Set([...range.getClientRects()].map(r => Math.round(r.top)));
                if (tops.size > 1) broken.push(match[0]);
            }
        }
    }
    return broken;
}"""


def _shot(page, name: str) -> None:
    if SHOTS:
        Path(SHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=f"{SHOTS}/{name}.png", full_page=True)


def _header_bottom(page) -> float:
    return page.evaluate(
        "() => document.querySelector('header.revier-header').getBoundingClientRect().bottom"
    )


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("size", ["desktop", "mobile"])
def test_resident_pages_look_right(browser, demo, size):  # noqa: F811
    context, page, recorder = _new_context(browser, demo["url"], language="de")
    page.set_viewport_size({"width": WIDTHS[size], "height": 900})
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}

    def check(name: str, url: str = "", status: int = 200) -> None:
        _check(page, url, problems, csp, status=status)
        if not url:
            for key in list(problems):
                if key == page.url:
                    problems[name] = problems.pop(key)
        _shot(page, f"{name}-{size}")

    try:
        check("home", "/zeitz/")
        if size == "mobile":
            # The page's heading on the first screen: the header takes at most 150 px.
            assert _header_bottom(page) <= 150, _header_bottom(page)
        check("catalogue", "/zeitz/leistungen/")
        check("service-online", "/zeitz/leistungen/99102013104000/")
        check("service-elsewhere", "/zeitz/leistungen/99107021017000/")
        check("start-without-account", "/zeitz/antrag/neu/99102013104000/")

        _log_in(page, demo["password"])
        if size == "mobile":
            page.goto("/zeitz/")
            assert _header_bottom(page) <= 150, _header_bottom(page)
        check("service-page", "/zeitz/leistungen/99115005104000/")
        page.goto("/zeitz/antrag/neu/99115005104000/")
        _press(page, "main form button[type=submit]")
        _press(page, CONTINUE)
        # GOV.UK error summary: one linked entry per field, naming it.
        summary = page.locator(".kern-alert--danger a").all_inner_texts()
        assert summary == [
            "Geben Sie Ihren Familiennamen an",
            "Geben Sie Ihren Vornamen an",
            "Geben Sie Ihr Geburtsdatum an",
        ] or summary == [
            "Enter your family name",
            "Enter your first name",
            "Enter your date of birth",
        ], summary
        check("step-errors")
        _fill(page, {**PERSON, "GD0000001/FD0000003": "2099-01-01"})
        _press(page, CONTINUE)
        assert page.locator(".kern-alert--danger a").count() == 1
        check("step-birth-date-in-future")
        _fill(page, PERSON)
        _press(page, CONTINUE)
        _fill(page, FLAT)
        _press(page, CONTINUE)
        _press(page, 'main form button[name="add:GD0000003"]')
        _fill(page, OTHER)
        _press(page, CONTINUE)
        _file_input(page).set_input_files(
            {"name": "bestaetigung.txt", "mimeType": "text/plain", "buffer": b"plain text"}
        )
        _press(page, CONTINUE)
        assert page.locator(".kern-error").count() == 1  # one message for a wrong file
        check("upload-refused")
        _file_input(page).set_input_files(
            {"name": "bestaetigung.pdf", "mimeType": "application/pdf", "buffer": PDF}
        )
        _press(page, CONTINUE)
        check("check-your-answers")
        broken = page.evaluate(BROKEN_WORDS, ".revier-summary dt, .revier-summary dd")
        assert broken == [], broken
        page.check("#declaration")
        _press(page, "main form button[type=submit]")
        check("confirmation")
    finally:
        context.close()

    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, recorder.page_errors


@pytest.mark.django_db(transaction=True)
def test_apply_without_account_in_the_browser(browser, demo):  # noqa: F811
    context, page, _recorder = _new_context(browser, demo["url"], language="de")
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}
    try:
        page.goto("/zeitz/antrag/neu/99115004001001/")  # Melderegisterauskunft
        _press(page, "main form button[type=submit]")
        assert "/seite/0/" in page.url
        _check(page, "", problems, csp)
        # Answers for every page of the demo form, by label.
        values = {
            "Familienname": "Schmidt",
            "Vorname": "Anna",
            "Geburtsdatum": "1980-05-17",
            "Straße und Hausnummer": "Altmarkt 3",
            "Postleitzahl": "06712",
            "Ort": "Zeitz",
            "Name der gesuchten Person": "Max Muster",
            "Letzte bekannte Anschrift der Person": "Markt 1, 06618 Naumburg",
        }
        for _step in range(5):
            if "/pruefen/" in page.url:
                break
            for label, value in values.items():
                field = page.get_by_label(label, exact=True)
                if field.count() == 1:
                    field.fill(value)
            _press(page, CONTINUE)
        assert "/pruefen/" in page.url, page.url
        page.check("#declaration")
        _press(page, "main form button[type=submit]")
        text = page.locator("main").inner_text()
        assert "Ihr privater Link" in text or "Your private link" in text
        link = page.locator(".revier-follow-link a").get_attribute("href")
        reference = page.url.rstrip("/").rsplit("/", 1)[1]
        _check(page, "", problems, csp)
        _shot(page, "confirmation-without-account-desktop")
    finally:
        context.close()
    # The private link works in another browser; the reference alone does not.
    other, other_page, _recorder = _new_context(browser, demo["url"], language="de")
    try:
        assert other_page.goto(f"/zeitz/antrag/{reference}/").status == 404
        other_page.goto(link)
        assert reference in other_page.locator("main").inner_text()
    finally:
        other.close()
    assert not problems, _format(problems)
    assert not csp, json.dumps(csp, indent=2)
