"""axe-core check and screenshots of the platform start page: search, Länder, Kreise, results.

Screenshots at 1280 and 375 px go to ``$REVIER_SCREENSHOT_DIR`` when it is set (for looking at
them); the axe-core check always runs.
"""

import json
import os
from pathlib import Path

import pytest

from tests.browser.test_accessibility import (  # noqa: F401 - demo is a fixture
    _check,
    _format,
    _new_context,
    demo,
)

pytestmark = pytest.mark.browser

PAGES = [
    ("start", "/", 200),
    ("land", "/?land=15", 200),
    ("kreis", "/?kreis=15084", 200),
    ("search", "/?q=zeit", 200),
    ("search-empty", "/?q=Atlantis", 200),
    ("search-too-long", "/?q=" + "x" * 101, 400),
]


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_platform_home_pages_are_accessible(browser, demo, language):  # noqa: F811
    from revier.tenancy.services import municipality_create

    # Enough municipalities in one Kreis for a second page of results.
    for i in range(700, 730):
        municipality_create(
            slug=f"gemeinde-{i}", name=f"Gemeinde {i}", ags=f"15084{i}", ars=f"150840000{i}"
        )
    shots = os.environ.get("REVIER_SCREENSHOT_DIR")
    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict = {}
    csp: dict = {}
    try:
        for name, url, status in [*PAGES, ("kreis-page-2", "/?kreis=15084&page=2", 200)]:
            _check(page, url, problems, csp, status=status)
            assert page.locator("h1").count() == 1, url
            assert page.locator("main#main").count() == 1, url
            if shots:
                for width in (1280, 375):
                    page.set_viewport_size({"width": width, "height": 900})
                    page.screenshot(
                        path=str(Path(shots) / f"platform-{name}-{language}-{width}.png"),
                        full_page=True,
                    )
                page.set_viewport_size({"width": 1280, "height": 900})
        # Without JavaScript the search is a plain GET form.
        page.goto("/")
        page.fill("#municipality-q", "Naumburg")
        page.click("form[role=search] button[type=submit]")
        page.wait_for_load_state()
        assert page.locator('a[href="/naumburg/"]').count() == 1
    finally:
        context.close()
    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, "JavaScript errors:\n" + "\n".join(recorder.page_errors)
    assert not recorder.foreign_requests, "\n".join(recorder.foreign_requests)
