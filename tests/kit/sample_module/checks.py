"""Run by tests/kit/test_adding_a_module.py in a separate pytest with
``tests.kit.settings_with_sample_module``: the sample module's contributions reach every part of
the platform although no platform file names it."""

import pytest
from django_scopes import scope

from revier.core import kit
from revier.notifications.events import EVENTS
from tests.conftest import make_municipality, make_staff, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture
def town(db):
    return make_municipality("zeitz", enabled_modules=["news", "samples"])


def test_every_kind_is_registered_for_the_module():
    mine = kit.contributions_of("sample_module")
    assert {kind for kind, items in mine.items() if items} == set(kit.KINDS) - {"backoffice_groups"}


def test_role_and_permission_from_the_declaration(town):
    keeper = make_staff(town, "sample_keeper", "keeper@zeitz.example")
    worker = make_staff(town, "case_worker", "worker@zeitz.example")
    assert keeper.has_perm("sample_module.manage", town)
    assert keeper.has_perm("backoffice.access", town)  # any role opens the back office
    assert not worker.has_perm("sample_module.manage", town)


def test_public_page_api_and_home_block(client, town):
    assert client.get("/zeitz/beispiele/").content == b"samples of zeitz"
    assert client.get("/api/v1/zeitz/beispiele/").json()["municipality"] == "zeitz"
    assert "SAMPLE-HOME-BLOCK" in client.get("/zeitz/").content.decode()


def test_switched_off_module_hides_page_and_block(client, db):
    make_municipality("naumburg", enabled_modules=["news"])
    assert client.get("/naumburg/beispiele/").status_code == 404
    assert "SAMPLE-HOME-BLOCK" not in client.get("/naumburg/").content.decode()


def test_backoffice_section_and_roles_page(client, town):
    keeper = make_staff(town, "sample_keeper", "keeper@zeitz.example")
    client.force_login(keeper)
    page = client.get("/zeitz/backoffice/beispiele/").content.decode()
    assert "SAMPLE-BACKOFFICE" in page
    assert 'href="/zeitz/backoffice/beispiele/" aria-current="page"' in page
    admin = make_staff(town, "administrator", "admin@zeitz.example")
    client.force_login(admin)
    roles_page = client.get("/zeitz/backoffice/rollen/").content.decode()
    assert "Manage samples" in roles_page and "sample_module.manage" in roles_page


def test_event_activity_provider_tasks_demo(client, town):
    assert EVENTS["sample_ready"].label == "Sample ready"
    assert "Sample processing" in client.get("/zeitz/datenschutz/").content.decode()
    provider = next(p for p in kit.personal_data_providers() if p.key == "samples")
    user = make_user("anna@example.org")
    assert kit.resolve(provider.export)(user=user) == {"samples": ["sample of anna@example.org"]}
    assert kit.route_task("tests.kit.sample_module.tasks.sweep") == {"queue": "background"}
    assert kit.periodic_tasks()["sample-sweep"]["task"] == "tests.kit.sample_module.tasks.sweep"
    assert [s.key for s in kit.demo_steps()][-1] == "samples"


def test_settings_offer_the_module_switch(town):
    from revier.tenancy.forms import MunicipalitySettingsForm

    with scope(municipality=town):
        form = MunicipalitySettingsForm(instance=town)
    assert ("samples", "Samples") in form.fields["enabled_modules"].choices


def test_search_source_is_indexed_and_found(db):
    from revier.core import search

    source = search.get("sample_module.samples")
    assert search.index(source, ["lantern"]) == 1
    assert [hit.key for hit in search.search(source, "Laternen")] == ["lantern"]


def test_metric_source_is_scraped(client, settings):
    settings.REVIER_METRICS_TOKEN = "t" * 32
    response = client.get("/metrics", headers={"Authorization": "Bearer " + "t" * 32})
    assert response.status_code == 200
    assert "revier_sample_things 3.0" in response.content.decode()


def test_audit_event_is_shown_from_the_declaration(town):
    from django_scopes import scope

    from revier.core.audit import audit_log

    with scope(municipality=town):
        entry = audit_log(
            municipality=town,
            actor=None,
            action="view",
            object_type="x",
            event="samples.looked",
            params={"name": "one"},
        )
    assert entry.event == "samples.looked" and entry.message == "Looked at sample one"
