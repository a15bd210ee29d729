"""Each module provides its part of the person's data through ``kit.PersonalDataProvider``: the
export has a section of every provider, and a provider registered later (here: by the test)
takes part in the export (JSON and PDF), the deletion's blockers, counts, audit and transaction.
"""

import copy
import io
import json

import pytest
from django.template.loader import get_template
from django_scopes import scopes_disabled
from pypdf import PdfReader

from revier.accounts.models import User
from revier.applications.models import Application
from revier.core import kit
from revier.core.models import AuditLogEntry
from revier.privacy import selectors
from tests.conftest import PASSWORD, make_user
from tests.privacy.conftest import make_application, make_form_version

pytestmark = pytest.mark.django_db

JSON_URL = "/zeitz/konto/meine-daten/meine-daten.json"
PDF_URL = "/zeitz/konto/meine-daten/meine-daten.pdf"
DELETE = "/zeitz/konto/meine-daten/konto-loeschen/"
HERE = __name__

# What the test provider saw and did, reset per test.
calls: list[tuple[str, int]] = []
behaviour: dict = {}


def loans_export(*, user) -> dict:
    calls.append(("export", user.pk))
    return {"library_loans": [{"title": f"Loan of {user.email}", "due": "2026-12-24"}]}


def loans_erase(*, user) -> dict[str, int]:
    calls.append(("erase", user.pk))
    if behaviour.get("erase_fails"):
        raise RuntimeError("library offline")
    return {"library_loans_deleted": 2}


def loans_blockers(*, user) -> list[str]:
    return list(behaviour.get("blockers", []))


def loans_municipalities(*, user) -> list[int]:
    return list(behaviour.get("municipalities", []))


def duplicate_export(*, user) -> dict:
    return {"cases": []}


@pytest.fixture
def library(monkeypatch, settings, tmp_path):
    """A module "library" registered next to the shipped ones, with its PDF section."""
    (tmp_path / "library").mkdir()
    (tmp_path / "library" / "personal_data_pdf.html").write_text(
        "<h2>Library loans</h2>{% for loan in data.library_loans %}<p>{{ loan.title }}</p>"
        "{% endfor %}"
    )
    templates = copy.deepcopy(settings.TEMPLATES)
    templates[0]["DIRS"] = [*templates[0]["DIRS"], tmp_path]
    settings.TEMPLATES = templates
    provider = kit.PersonalDataProvider(
        "library",
        "Library",
        export=f"{HERE}.loans_export",
        erase=f"{HERE}.loans_erase",
        erase_blockers=f"{HERE}.loans_blockers",
        municipalities=f"{HERE}.loans_municipalities",
        pdf_template="library/personal_data_pdf.html",
        order=35,  # between cases (30) and notifications (40)
    )
    registered = [*kit._registry["personal_data"], ("library", provider)]
    monkeypatch.setitem(kit._registry, "personal_data", registered)
    calls.clear()
    behaviour.clear()
    yield provider
    calls.clear()
    behaviour.clear()


@pytest.fixture
def anna(zeitz):
    anna = make_user("anna@example.org")
    make_application(zeitz, make_form_version(zeitz), anna, "ZEI-A-DRAFT", status="draft")
    return anna


def test_shipped_providers_are_declared_by_their_modules():
    providers = kit.personal_data_providers()
    assert [p.key for p in providers] == [
        "accounts",
        "applications",
        "cases",
        "notifications",
        "booking",
        "news",
    ]
    for provider in providers:
        assert kit.owner_of("personal_data", provider.key) == provider.key
        for path in (provider.export, provider.erase, provider.erase_blockers):
            if path:
                assert callable(kit.resolve(path)), path
        assert provider.pdf_template == f"{provider.key}/personal_data_pdf.html"
        get_template(provider.pdf_template)


def test_export_has_a_section_of_every_provider_in_the_documented_order(client, anna):
    client.force_login(anna)
    data = json.loads(client.get(JSON_URL).content)
    assert list(data) == [
        "format",
        "account",
        "organisations",
        "staff_roles",
        "applications",
        "cases",
        "notifications",
        "bookings",
        "news_authored",
        "created",
    ]
    for provider in kit.personal_data_providers():
        sections = kit.resolve(provider.export)(user=anna)
        assert sections, provider.key
        for key, value in sections.items():
            assert data[key] == json.loads(json.dumps(value)), (provider.key, key)


def test_a_registered_provider_is_part_of_the_json_and_pdf_export(client, anna, zeitz, library):
    behaviour["municipalities"] = [zeitz.pk]
    client.force_login(anna)
    data = json.loads(client.get(JSON_URL).content)
    assert data["library_loans"] == [{"title": "Loan of anna@example.org", "due": "2026-12-24"}]
    keys = list(data)
    assert keys.index("cases") < keys.index("library_loans") < keys.index("notifications")
    assert calls == [("export", anna.pk)]

    reader = PdfReader(io.BytesIO(client.get(PDF_URL).content))
    text = "".join(page.extract_text() for page in reader.pages)
    assert "Library loans" in text and "Loan of anna@example.org" in text
    assert text.index("Cases") < text.index("Library loans") < text.index("Notifications")
    with scopes_disabled():
        exports = AuditLogEntry.objects.filter(action="export")
        assert [e.municipality.slug for e in exports] == ["zeitz", "zeitz"]  # JSON, PDF


def test_a_provider_may_not_take_a_section_of_another(anna, library, monkeypatch):
    clash = kit.PersonalDataProvider("clash", "Clash", export=f"{HERE}.duplicate_export")
    monkeypatch.setitem(
        kit._registry, "personal_data", [*kit._registry["personal_data"], ("clash", clash)]
    )
    with pytest.raises(selectors.DuplicateSection, match="'clash' returns \\['cases'\\]"):
        selectors.person_data(user=anna)


def test_a_registered_provider_is_erased_with_the_account(client, anna, naumburg, library):
    behaviour["municipalities"] = [naumburg.pk]
    client.force_login(anna)
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 200
    assert response.context["counts"] == {
        "drafts_deleted": 1,
        "applications_kept": 0,
        "cases_kept": 0,
        "library_loans_deleted": 2,
        "notifications": 0,
    }
    assert ("erase", anna.pk) in calls
    assert not User.objects.filter(email="anna@example.org").exists()
    with scopes_disabled():
        entries = AuditLogEntry.objects.filter(action="delete", object_type="accounts.User")
        # Zeitz through the draft, Naumburg through the library.
        assert sorted(e.municipality.slug for e in entries) == ["naumburg", "zeitz"]


def test_a_registered_providers_blocker_refuses_the_deletion(client, anna, library):
    behaviour["blockers"] = ["You still have 2 books of the library."]
    client.force_login(anna)
    assert "You still have 2 books of the library." in client.get(DELETE).content.decode()
    response = client.post(DELETE, {"password": PASSWORD})
    assert response.status_code == 400
    assert "You still have 2 books of the library." in response.content.decode()
    assert User.objects.filter(pk=anna.pk).exists()
    assert ("erase", anna.pk) not in calls


def test_a_failing_provider_rolls_the_whole_erasure_back(anna, library):
    from revier.privacy import services

    behaviour["erase_fails"] = True
    with pytest.raises(RuntimeError, match="library offline"):
        services.account_delete(user=anna, actor=anna, password=PASSWORD)
    # The drafts deleted by the applications' provider before are back; the account stays.
    assert User.objects.filter(pk=anna.pk).exists()
    with scopes_disabled():
        assert Application.objects.filter(reference="ZEI-A-DRAFT", applicant=anna).exists()
        assert not AuditLogEntry.objects.filter(action="delete").exists()
