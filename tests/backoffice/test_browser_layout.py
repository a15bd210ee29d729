"""The back office laid out for work, measured in headless Chromium (issue 12, ADR 0037): the
inbox table uses the width at 1280 px, the filters sit in one bar (folded at 375 px), the
navigation is a sidebar grouped by module, selects have KERN's wrapper, legends do not run into
labels, date inputs show their value, the dashboard's bars are drawn in German and English, and
axe-core finds no serious violation on the changed pages."""

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

pytestmark = pytest.mark.browser

INBOX = "/zeitz/backoffice/vorgaenge/"


def _box(page, selector: str) -> dict:
    box = page.locator(selector).first.bounding_box()
    assert box is not None, selector
    return box


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_back_office_layout_at_1280_and_375(browser, demo, language):  # noqa: F811
    from revier.accounts.models import User
    from revier.cases.models import Case
    from revier.tenancy.models import Municipality
    from tests.conftest import enable_totp

    zeitz = Municipality.objects.get(slug="zeitz")
    admin = User.objects.get(email="administrator@zeitz.example")
    enable_totp(admin)
    with scope(municipality=zeitz):
        case = Case.objects.order_by("pk").first()

    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict[str, list[dict]] = {}
    csp: dict[str, list[str]] = {}
    try:
        _log_in(context, demo["url"], admin.email)
        page.set_viewport_size({"width": 1280, "height": 900})

        # --- the inbox -----------------------------------------------------------------------
        _check(page, INBOX, problems, csp)
        main = _box(page, ".revier-bo__main")
        table = _box(page, "#cases-table")
        assert table["width"] >= 0.9 * main["width"], (table, main)
        # The navigation is a sidebar beside the page, grouped by module.
        nav = _box(page, ".revier-bo__nav")
        assert nav["x"] + nav["width"] <= main["x"] and nav["y"] < main["y"] + 50
        assert page.locator(".revier-bo__group").count() >= 3
        # The filters in one bar: the search and the next fields side by side.
        fields = page.locator(".revier-filter__fields > *")
        first, second = fields.nth(0).bounding_box(), fields.nth(1).bounding_box()
        assert abs(first["y"] - second["y"]) < 5 and second["x"] > first["x"]
        # Compact: two rows of fields and the buttons (stacked, it was over 900 px).
        assert _box(page, ".revier-filter")["height"] < 400
        # Selects: KERN's wrapper draws the chevron, the select its border.
        select = page.locator(".revier-filter select").first
        assert select.evaluate("e => e.parentElement.className") == (
            "kern-form-input__select-wrapper"
        )
        wrapper = select.evaluate(
            "e => { const w = e.parentElement, s = getComputedStyle(w);"
            " return {border: parseFloat(s.borderBottomWidth),"
            " chevron: getComputedStyle(w, '::after').content}; }"
        )
        assert wrapper["border"] > 0 and wrapper["chevron"] != "none", wrapper
        # The header row stays in view while the rows scroll.
        assert (
            page.locator("#cases-table thead th").first.evaluate(
                "e => getComputedStyle(e).position"
            )
            == "sticky"
        )
        # Sorting by a column is a link; the sorted column says so.
        page.locator("#cases-table thead a.revier-sort").first.click()
        page.wait_for_load_state()
        assert "sort=reference" in page.url
        assert page.locator('#cases-table th[aria-sort="ascending"]').count() == 1
        _check(page, "", problems, csp)
        # The action bar's legend does not run into its first label.
        legend = _box(page, ".revier-bulk__legend")
        label = _box(page, ".revier-bulk .kern-label >> nth=1")
        assert legend["y"] + legend["height"] <= label["y"] + 1, (legend, label)

        # --- the case page: legends above their fields, the date input shows its value --------
        _check(page, f"{INBOX}{case.pk}/", problems, csp)
        for fieldset in page.locator(".revier-case__work fieldset").all():
            legend = fieldset.locator("legend").bounding_box()
            label = fieldset.locator(".kern-fieldset__body .kern-label").first.bounding_box()
            assert legend["y"] + legend["height"] <= label["y"] + 1, (legend, label)
        paid_on = page.locator("#id_payment-paid_on")
        assert len(paid_on.input_value()) == 10 and paid_on.input_value()[4] == "-"
        facts, aside = _box(page, ".revier-case__facts"), _box(page, ".revier-case__aside")
        assert aside["x"] >= facts["x"] + facts["width"]  # side by side at 1280

        # --- the dashboard: bars drawn, with raw numbers in the SVG -------------------------
        _check(page, INBOX + "uebersicht/", problems, csp)
        heights = page.locator(".revier-chart__svg--wide rect.revier-chart__bar").evaluate_all(
            "rects => rects.map(r => r.getBBox().height)"
        )
        assert heights and max(heights) > 0, heights
        assert "," not in page.locator(".revier-chart__svg--wide").first.evaluate(
            "svg => [...svg.querySelectorAll('rect, line, text')].map("
            "e => ['x','y','width','height','x1','x2','y1','y2'].map(a => e.getAttribute(a) || '')"
            ".join(' ')).join(' ')"
        )

        # --- the audit log and the overview --------------------------------------------------
        _check(page, "/zeitz/backoffice/protokoll/", problems, csp)
        assert (
            _box(page, ".revier-data-table")["width"]
            >= 0.9 * _box(page, ".revier-bo__main")["width"]
        )
        _check(page, "/zeitz/backoffice/", problems, csp)
        _check(page, "/zeitz/backoffice/rollen/", problems, csp)
        _check(page, "/zeitz/backoffice/einstellungen/", problems, csp)

        # --- 375 px: the filters folded, nothing wider than the screen -----------------------
        page.set_viewport_size({"width": 375, "height": 800})
        _check(page, INBOX, problems, csp)
        assert page.locator(".revier-filter__summary").is_visible()
        assert not page.locator(".revier-filter__fields").is_visible()
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
        page.locator(".revier-filter__summary").click()
        assert page.locator(".revier-filter__fields").is_visible()
        _check(page, f"{INBOX}{case.pk}/", problems, csp)
        assert page.evaluate("() => document.documentElement.scrollWidth") <= 375
    finally:
        context.close()

    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, recorder.page_errors
