"""Every audit log entry is written as an event code a module declares, so the audit log page
shows it in the reader's language (issue 12, item 10; ADR 0037)."""

import ast
from pathlib import Path

import pytest
from django_scopes import scope

import revier
from revier.core.models import AuditLogEntry
from revier.tenancy import services as tenancy_services
from tests.backoffice.conftest import mu_url
from tests.conftest import make_staff

SRC = Path(revier.__file__).parent
AUDIT_CALLS = {"audit_log", "audit_view"}


def _calls_without_event() -> list[str]:
    found = []
    for path in sorted(SRC.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if not isinstance(node, ast.Call):
                continue
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
            if name not in AUDIT_CALLS:
                continue
            keywords = {k.arg for k in node.keywords}
            # ``**fields`` forwards the caller's arguments (audit_view -> audit_log).
            if "event" in keywords or None in keywords:
                continue
            found.append(f"{path.relative_to(SRC.parent)}:{node.lineno} {name}(...)")
    return found


def test_every_audit_call_writes_an_event_code():
    assert _calls_without_event() == [], (
        "Pass event= (declared as kit.AuditEvent in the module's module.py) and params=, not "
        "only an English summary= that a German page would show untranslated"
    )


@pytest.mark.django_db
def test_a_converted_modules_entry_is_shown_in_german(client, zeitz):
    admin = make_staff(zeitz, "administrator", "boss@zeitz.example")
    with scope(municipality=zeitz):
        tenancy_services.domain_add(
            municipality=zeitz, domain="buergerservice.zeitz.example", actor=admin
        )
        entry = AuditLogEntry.objects.get(event="tenancy.domain_added")
    assert entry.params == {"host": "buergerservice.zeitz.example"}
    assert entry.summary == "Added the domain buergerservice.zeitz.example"
    client.force_login(admin)
    client.cookies["django_language"] = "de"
    html = client.get(
        mu_url(zeitz, "backoffice:audit_log"), headers={"Accept-Language": "de"}
    ).content.decode()
    assert 'lang="de"' in html
    assert "Domain buergerservice.zeitz.example hinzugefügt" in html
    assert "Added the domain" not in html
