"""axe-core check and screenshots of the import-run pages (ADR 0017): list, upload, a failed
run with its problems, a running run that polls (JavaScript) or reloads itself (without)."""

import json
import os
from pathlib import Path

import pytest
from django_scopes import scope

from tests.backoffice.test_browser_accessibility import _log_in
from tests.browser.test_accessibility import (  # noqa: F401 - demo is a fixture
    _check,
    _format,
    _new_context,
    demo,
)
from tests.conftest import enable_totp
from tests.forms.conftest import LEIKA, XDF3

pytestmark = pytest.mark.browser
SHOTS = Path(os.environ.get("REVIER_SHOTS", "/work/wt/shots"))


def _runs(zeitz):
    from revier.core.imports.services import import_run_create, import_run_execute
    from revier.core.models import ImportRun

    made = {}
    for name, path in (("ok", XDF3 / "simple.xml"), ("failed", XDF3 / "unexpected-node.xml")):
        run = import_run_create(
            importer="forms.xdatenfelder",
            data=path.read_bytes(),
            source_name=path.name,
            municipality=zeitz,
            options={"leika": LEIKA, "publish": False},
        )
        made[name] = import_run_execute(run_id=run.pk, municipality_id=zeitz.pk)
    running = import_run_create(
        importer="forms.xdatenfelder",
        data=(XDF3 / "simple.xml").read_bytes(),
        source_name="gross.xml",
        municipality=zeitz,
        options={"leika": LEIKA, "publish": False},
    )
    with scope(municipality=zeitz):
        ImportRun.objects.filter(pk=running.pk).update(
            status=ImportRun.Status.RUNNING, total=1200, processed=420
        )
    made["running"] = running
    return made


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("language", ["de", "en"])
def test_import_run_pages(browser, demo, language):  # noqa: F811
    from revier.accounts.models import User
    from revier.tenancy.models import Municipality

    zeitz = Municipality.objects.get(slug="zeitz")
    admin = User.objects.get(email="administrator@zeitz.example")
    enable_totp(admin)
    runs = _runs(zeitz)
    base = "/zeitz/backoffice/importe/"

    context, page, recorder = _new_context(browser, demo["url"], language=language)
    problems: dict = {}
    csp: dict = {}
    try:
        _log_in(context, demo["url"], admin.email)
        for url in [
            base,
            f"{base}neu/forms.xdatenfelder/",
            f"{base}{runs['ok'].pk}/",
            f"{base}{runs['failed'].pk}/",
            f"{base}{runs['running'].pk}/",
        ]:
            _check(page, url, problems, csp)
            assert page.locator("h1").count() == 1, url
        # htmx polls the progress block and swaps it in place.
        with page.expect_response(lambda r: "/fortschritt/" in r.url, timeout=6000):
            pass
        assert page.locator("#import-run-progress progress").get_attribute("value") == "420"
        if language == "de":
            for width, height in ((1280, 900), (375, 800)):
                page.set_viewport_size({"width": width, "height": height})
                for name in ("failed", "running"):
                    page.goto(f"{base}{runs[name].pk}/")
                    page.screenshot(path=str(SHOTS / f"imports-{name}-{width}.png"), full_page=True)
    finally:
        context.close()
    assert not problems, "axe-core found serious or critical violations:\n" + _format(problems)
    assert not csp, "CSP violations:\n" + json.dumps(csp, indent=2)
    assert not recorder.page_errors, recorder.page_errors

    # Without JavaScript the running run's page reloads itself; a finished one does not.
    context, page, _recorder = _new_context(
        browser, demo["url"], language=language, javascript=False
    )
    try:
        _log_in(context, demo["url"], admin.email)
        page.goto(f"{base}{runs['running'].pk}/")
        assert page.locator("meta[http-equiv=refresh]").count() == 1
        page.goto(f"{base}{runs['failed'].pk}/")
        assert page.locator("meta[http-equiv=refresh]").count() == 0
    finally:
        context.close()
