"""Retention of closed cases: the policy (default and per service) in the back office, and the
daily task that anonymises or deletes only cases past it."""

import pytest
from django_scopes import scope, scopes_disabled

from revier.cases.models import Case, CaseDocument, CaseEvent, Message
from revier.core.models import AuditLogEntry
from revier.privacy import services
from revier.privacy.tasks import case_retention_apply_all
from tests.conftest import make_staff, make_user
from tests.privacy.conftest import make_case

pytestmark = pytest.mark.django_db

LIST = "/zeitz/backoffice/datenschutz/aufbewahrung/"


def test_task_anonymises_or_deletes_only_cases_past_their_policy(zeitz, naumburg):
    admin = make_staff(zeitz)
    anna = make_user("anna@example.org")
    with scope(municipality=zeitz):
        services.case_retention_policy_set(
            municipality=zeitz, closed_days=100, action="anonymise", actor=admin
        )
        services.case_retention_policy_set(
            municipality=zeitz,
            leika="99115005104000",
            closed_days=10,
            action="delete",
            actor=admin,
        )
    old = make_case(zeitz, anna, "ZEI-OLD", closed_days_ago=200)
    young = make_case(zeitz, anna, "ZEI-YOUNG", closed_days_ago=50)
    still_open = make_case(zeitz, anna, "ZEI-OPEN")
    other_service = make_case(zeitz, anna, "ZEI-MELDE", closed_days_ago=20, leika="99115005104000")
    # Naumburg has no policy: the ten-year default keeps a case closed 200 days ago.
    naumburg_case = make_case(naumburg, anna, "NAU-OLD", closed_days_ago=200)

    done = case_retention_apply_all()
    assert done["zeitz"] == {"anonymised": 1, "deleted": 1}
    assert done["naumburg"] == {"anonymised": 0, "deleted": 0}
    with scopes_disabled():
        old.refresh_from_db()
        assert old.anonymised_at is not None
        assert old.reference == "ZEI-OLD" and old.applicant is None
        assert old.applicant_name == "" and old.applicant_email == "" and old.data == {}
        assert not Message.objects.filter(case=old).exists()
        assert not CaseDocument.objects.filter(case=old).exists()
        assert set(CaseEvent.objects.filter(case=old).values_list("text", flat=True)) == {""}
        assert not Case.objects.filter(pk=other_service.pk).exists()
        for kept in (young, still_open, naumburg_case):
            kept.refresh_from_db()
            assert kept.anonymised_at is None and kept.applicant_name
        entry = AuditLogEntry.objects.get(municipality=zeitz, object_type="cases.Case")
        assert entry.summary == "Case retention: 1 anonymised, 1 deleted"
    # Running again changes nothing.
    assert case_retention_apply_all()["zeitz"] == {"anonymised": 0, "deleted": 0}


def test_backoffice_edits_the_policy_with_audit_and_refuses_bad_input(client, zeitz):
    admin = make_staff(zeitz)
    client.force_login(admin)
    page = client.get(LIST)
    assert page.status_code == 200
    assert "3650" in page.content.decode()
    response = client.post(LIST + "standard/", {"closed_days": "0", "action": "anonymise"})
    assert response.status_code == 400
    assert 'id="id_closed_days-error"' in response.content.decode()
    response = client.post(LIST + "standard/", {"closed_days": "2000", "action": "delete"})
    assert response.status_code == 302
    response = client.post(LIST + "neu/", {"leika": "12", "closed_days": "10", "action": "delete"})
    assert response.status_code == 400
    response = client.post(
        LIST + "neu/", {"leika": "99115005104000", "closed_days": "10", "action": "delete"}
    )
    assert response.status_code == 302
    body = client.get(LIST).content.decode()
    assert "2000" in body and "99115005104000" in body
    assert client.post(LIST + "99115005104000/entfernen/").status_code == 302
    with scope(municipality=zeitz):
        from revier.privacy.models import CaseRetentionPolicy

        assert list(CaseRetentionPolicy.objects.values_list("leika", "closed_days")) == [("", 2000)]
        assert AuditLogEntry.objects.filter(object_type="privacy.CaseRetentionPolicy").count() == 3


def test_only_casework_managers_edit_retention(client, zeitz, naumburg):
    clerk = make_staff(zeitz, "archivist", email="archiv@zeitz.example")
    client.force_login(clerk)
    assert client.get(LIST).status_code == 403
    client.force_login(make_staff(naumburg))
    assert client.get(LIST).status_code == 403
