"""The back office laid out for work (issue 12, ADR 0037), without a browser: audit events in
the reader's language, roles of modules not built yet, KERN form markup, machine values in HTML."""

import datetime as dt
import importlib

import pytest
from django import forms
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import gettext_lazy
from django_scopes import scope

from revier.core import kit
from revier.core.audit import audit_log, event_message
from tests.backoffice.conftest import mu_url
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


# --- audit log: event codes shown in the reader's language ------------------------------------


def test_an_event_is_stored_as_code_and_shown_in_the_readers_language(monkeypatch, zeitz):
    events = dict(kit.audit_events())
    # A message that has a German translation in the shipped catalogue.
    events["tests.looked"] = kit.AuditEvent("tests.looked", gettext_lazy("Overview"))
    monkeypatch.setattr(kit, "audit_events", lambda: events)
    with scope(municipality=zeitz):
        entry = audit_log(
            municipality=zeitz, actor=None, action="view", object_type="x", event="tests.looked"
        )
    entry.refresh_from_db()
    assert (entry.event, entry.params, entry.summary) == ("tests.looked", {}, "Overview")
    with translation.override("de"):
        assert entry.message == "Übersicht"
    with translation.override("en"):
        assert entry.message == "Overview"


def test_parameters_fill_the_message_and_old_entries_keep_their_text(zeitz):
    with scope(municipality=zeitz):
        new = audit_log(
            municipality=zeitz,
            actor=None,
            action="view",
            object_type="cases.Case",
            event="cases.inbox_viewed",
            params={"page": 3},
        )
        old = audit_log(
            municipality=zeitz, actor=None, action="view", object_type="x", summary="old words"
        )
    assert new.summary == "Viewed page 3 of the case inbox"
    with translation.override("en"):
        assert new.message == "Viewed page 3 of the case inbox"
        assert old.message == "old words"
    # A code no module declares (any more) falls back to the stored text.
    assert event_message("gone.module_event", {}) == ""
    with pytest.raises(ValueError, match="unknown audit event"):
        audit_log(municipality=zeitz, actor=None, action="view", event="not.declared")


def test_every_declared_message_renders_with_the_parameters_its_callers_give():
    samples = {
        "page": 1,
        "filename": "a.pdf",
        "from": "eingegangen",
        "to": "in Bearbeitung",
        "ids": "1, 2",
        "person": "x@example.org",
        "role": "moderator",
        "xdf": "3.0",
        "id": "S1",
        "version": "1.0",
        "path": "/api/v1/cases?page=2",
        "status": "paid",
        "draft_days": 30,
        "submitted_days": 365,
        "failed_days": 90,
        "action": "anonymise",
        "drafts_deleted": 1,
        "deleted": 2,
        "anonymised": 3,
        "kind": "desk",
        "desks": 4,
        "count": 5,
        "date": "2026-12-08",
        "leika": "99050012104000",
        "result": "granted",
        "amount": "12.50",
        "plugin": "fitconnect",
        "uri": "urn:de:xoev:codeliste:x",
        "key": "name",
        "event": "case_received",
        "language": "de",
        "policy": "before",
        "days": 180,
        "fields": "name, email",
        "host": "service.zeitz.de",
    }
    for code in kit.audit_events():
        for language in ("de", "en"):
            with translation.override(language):
                assert event_message(code, samples), code


def test_the_migration_maps_old_english_summaries_to_codes():
    migration = importlib.import_module(
        "revier.core.migrations.0006_audit_event_codes_from_summaries"
    )
    code_for = migration.code_for
    assert code_for("cases.Case", "status received -> in_progress (bulk)") == (
        "cases.status_changed_bulk",
        {"from": "received", "to": "in_progress"},
    )
    assert code_for("cases.Case", "status received -> in_progress") == (
        "cases.status_changed",
        {"from": "received", "to": "in_progress"},
    )
    assert code_for("cases.Case", "viewed case inbox page 7") == (
        "cases.inbox_viewed",
        {"page": "7"},
    )
    assert code_for("cases.Case", "assigned to nobody") == ("cases.unassigned", {})
    assert code_for("accounts.User", "viewed staff member (removal)") == (
        "accounts.staff_viewed",
        {},
    )
    # A feedback's status is not a case's; unknown texts stay as they are.
    assert code_for("portal.AccessibilityFeedback", "status new -> done") is None
    assert code_for("x", "something nobody wrote a pattern for") is None
    for _type, _pattern, code, _names in migration.PATTERNS:
        assert code in kit.audit_events(), code


def test_the_audit_log_page_shows_the_message(client, zeitz):
    admin = make_staff(zeitz, "administrator", "boss@zeitz.example")
    with scope(municipality=zeitz):
        audit_log(
            municipality=zeitz,
            actor=admin,
            action="change",
            object_type="cases.Case",
            object_repr="ZEI-1",
            event="cases.assigned",
            params={"person": "clerk@zeitz.example"},
        )
    client.force_login(admin)
    html = client.get(mu_url(zeitz, "backoffice:audit_log")).content.decode()
    assert "Assigned the case to clerk@zeitz.example" in html
    # The time column sorts (newest first by default).
    assert 'aria-sort="descending"' in html


# --- every role gets a landing page --------------------------------------------------------


def test_a_role_of_a_module_not_built_yet_is_told_so_plainly(client, zeitz):
    archivist = make_staff(zeitz, "archivist", "archiv@zeitz.example")
    client.force_login(archivist)
    response = client.get(mu_url(zeitz, "backoffice:dashboard"))
    assert response.status_code == 200
    html = response.content.decode()
    assert (
        "Archivist – the module for this role (digital collection of cultural heritage) is not "
        "available in Revier yet." in " ".join(html.split())
    )
    assert "There is nothing for your roles to do here yet" in html
    assert "nothing to administer" not in html


def test_the_demo_offers_no_role_without_a_module():
    from revier.accounts.demo import demo_users

    roles = {u.role for u in demo_users()}
    # The hub manager has the booking module's back office since issue 14.
    assert roles == {
        "administrator",
        "case_worker",
        "moderator",
        "hub_manager",
        "resident",
        "company",
    }
    assert all(kit.role_in_use(r) for r in roles - {"resident", "company"})


# --- KERN form markup and machine values -----------------------------------------------------


class _ChoiceForm(forms.Form):
    from revier.frontend.forms import KernRadioSelect

    when = forms.ChoiceField(
        label="When", choices=[("now", "now"), ("later", "later")], widget=KernRadioSelect
    )
    paid_on = forms.DateField(label="Paid on", widget=forms.DateInput(attrs={"type": "date"}))
    kind = forms.ChoiceField(label="Kind", choices=[("a", "A")])


def test_choice_groups_are_fieldsets_and_dates_keep_iso_values_in_german():
    form = _ChoiceForm(initial={"paid_on": dt.date(2026, 12, 7)})
    with translation.override("de"):
        html = Template("{{ form }}").render(Context({"form": form}))
    # A radio group: a fieldset with its legend, the options in the body that clears it.
    assert '<fieldset class="kern-fieldset"' in html
    assert '<legend class="kern-label">When</legend>' in html
    assert html.index("<legend") < html.index('class="kern-fieldset__body"')
    assert 'for="id_when"' not in html
    # The date input gets the value HTML understands, not "07.12.2026".
    assert 'value="2026-12-07"' in html and "07.12.2026" not in html
    # A select sits in KERN's wrapper (border and chevron).
    assert '<div class="kern-form-input__select-wrapper"><select name="kind"' in html
    # A value typed wrongly stays as typed.
    bad = _ChoiceForm(data={"paid_on": "7.12.", "when": "now", "kind": "a"})
    with translation.override("de"):
        html = Template("{{ form }}").render(Context({"form": bad}))
    assert 'value="7.12."' in html


def test_the_roles_page_marks_roles_without_a_module(client, zeitz):
    client.force_login(make_staff(zeitz, "administrator", "boss@zeitz.example"))
    response = client.get(mu_url(zeitz, "backoffice:roles"))
    assert response.status_code == 200
    assert response.context["unavailable"] == {"archivist", "planner", "funding_officer"}
    assert response.content.decode().count("module not available yet") == 3
