"""Staff API of case work: list with filters, detail, status change (single and bulk), message;
isolation between offices and municipalities; the number of queries does not grow."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from django_scopes import scope
from rest_framework.test import APIClient

from revier.cases.models import Case, CaseEvent, Message, OfficeMember
from revier.core.models import AuditLogEntry
from revier.services.models import Office
from tests.conftest import make_staff, make_user

pytestmark = pytest.mark.django_db

LEIKA = "99102013104000"


def _api(user):
    client = APIClient()
    client.force_authenticate(user, token=object())  # a token, as machines use
    return client


def _case(municipality, n: int, **fields) -> Case:
    with scope(municipality=municipality):
        values = {
            "reference": f"{municipality.slug[:3].upper()}-T-{n:06d}",
            "leika": LEIKA,
            "service_name": "Hundesteuer Anmeldung",
            "applicant_name": f"Person {n}",
            "applicant_email": f"p{n}@example.org",
            "received_at": timezone.now() - dt.timedelta(minutes=n),
            "search_text": f"person {n} hundesteuer",
            "status": "received",
        }
        values.update(fields)
        return Case.objects.create(municipality=municipality, **values)


@pytest.fixture
def worker(zeitz):
    return make_staff(zeitz, "case_worker", "clerk@zeitz.example")


def test_list_filters_and_audit(zeitz, worker):
    first = _case(zeitz, 1)
    _case(zeitz, 2, status="in_progress")
    _case(zeitz, 3, status="closed", status_kind="closed", result="granted")
    overdue = _case(zeitz, 4, due_date=timezone.localdate() - dt.timedelta(days=2))
    api = _api(worker)
    body = api.get("/api/v1/zeitz/cases/").json()
    assert [c["reference"] for c in body["results"]] == [
        "ZEI-T-000001",
        "ZEI-T-000002",
        "ZEI-T-000003",
        "ZEI-T-000004",
    ]
    # German unless the client asks for English (Accept-Language).
    assert body["results"][0]["status_label"] == "eingegangen"
    refs = [
        c["reference"] for c in api.get("/api/v1/zeitz/cases/?status=received").json()["results"]
    ]
    assert refs == [first.reference, overdue.reference]
    refs = [c["reference"] for c in api.get("/api/v1/zeitz/cases/?state=closed").json()["results"]]
    assert refs == ["ZEI-T-000003"]
    listed = api.get("/api/v1/zeitz/cases/?overdue=true").json()["results"]
    assert [c["reference"] for c in listed] == [overdue.reference]
    assert listed[0]["overdue"] is True
    refs = [c["reference"] for c in api.get("/api/v1/zeitz/cases/?q=person 2").json()["results"]]
    assert refs == ["ZEI-T-000002"]
    bad = api.get("/api/v1/zeitz/cases/?state=nonsense")
    assert bad.status_code == 400
    assert "state" in bad.json()["errors"]
    with scope(municipality=zeitz):
        # One entry per list read; the refused request read nothing.
        assert AuditLogEntry.objects.filter(actor=worker, object_type="cases.Case").count() == 5


def test_only_case_workers_and_only_their_municipality(zeitz, naumburg, worker, resident):
    _case(zeitz, 1)
    _case(naumburg, 2)
    assert APIClient().get("/api/v1/zeitz/cases/").status_code == 401
    assert _api(resident).get("/api/v1/zeitz/cases/").status_code == 403
    assert (
        _api(make_staff(zeitz, "hub_manager", "hub@zeitz.example"))
        .get("/api/v1/zeitz/cases/")
        .status_code
        == 403
    )
    # Zeitz's clerk holds no role in Naumburg.
    assert _api(worker).get("/api/v1/naumburg/cases/").status_code == 403
    refs = [c["reference"] for c in _api(worker).get("/api/v1/zeitz/cases/").json()["results"]]
    assert refs == ["ZEI-T-000001"]


def test_another_office_is_refused_and_logged(zeitz, worker):
    with scope(municipality=zeitz):
        ordnungsamt = Office.objects.create(municipality=zeitz, name="Ordnungsamt")
        buergerbuero = Office.objects.create(municipality=zeitz, name="Bürgerbüro")
        OfficeMember.objects.create(municipality=zeitz, office=buergerbuero, user=worker)
    mine = _case(zeitz, 1, office=buergerbuero)
    other = _case(zeitz, 2, office=ordnungsamt)
    api = _api(worker)
    refs = [c["reference"] for c in api.get("/api/v1/zeitz/cases/").json()["results"]]
    assert refs == [mine.reference]
    assert api.get(f"/api/v1/zeitz/cases/{other.pk}/").status_code == 403
    response = api.post(
        f"/api/v1/zeitz/cases/{other.pk}/status/", {"status": "in_progress"}, format="json"
    )
    assert response.status_code == 403
    with scope(municipality=zeitz):
        other.refresh_from_db()
        assert other.status == "received"
        denied = AuditLogEntry.objects.filter(
            actor=worker, action="denied", object_id=str(other.pk)
        )
        assert denied.count() == 2


def test_detail_and_status_workflow(zeitz, worker, django_capture_on_commit_callbacks, mailoutbox):
    applicant = make_user("anna@example.org")
    case = _case(zeitz, 1, applicant=applicant, applicant_email=applicant.email)
    api = _api(worker)
    detail = api.get(f"/api/v1/zeitz/cases/{case.pk}/").json()
    assert detail["reference"] == case.reference
    assert detail["allowed_statuses"] == ["in_progress", "waiting", "decided", "closed"]
    with django_capture_on_commit_callbacks(execute=True):
        moved = api.post(
            f"/api/v1/zeitz/cases/{case.pk}/status/",
            {"status": "in_progress", "note": "Unterlagen vollständig"},
            format="json",
        )
    assert moved.status_code == 200, moved.content
    assert moved.json()["status"] == "in_progress"
    assert moved.json()["events"][-1]["to_status"] == "in_progress"
    # The e-mail names no content, only that there is news and where to read it.
    assert len(mailoutbox) == 1
    assert "Unterlagen" not in mailoutbox[0].body
    assert f"/zeitz/konto/antraege/{case.reference}/" in mailoutbox[0].body
    # Not allowed by the workflow: a clear error, nothing changed.
    refused = api.post(
        f"/api/v1/zeitz/cases/{case.pk}/status/", {"status": "received"}, format="json"
    )
    assert refused.status_code == 400
    assert "status" in refused.json()["errors"]
    unknown = api.post(
        f"/api/v1/zeitz/cases/{case.pk}/status/", {"status": "nonsense"}, format="json"
    )
    assert unknown.status_code == 400
    no_result = api.post(
        f"/api/v1/zeitz/cases/{case.pk}/status/", {"status": "closed"}, format="json"
    )
    assert no_result.status_code == 400
    with scope(municipality=zeitz):
        case.refresh_from_db()
        assert case.status == "in_progress"
        assert CaseEvent.objects.filter(case=case, kind="status").count() == 1
    closed = api.post(
        f"/api/v1/zeitz/cases/{case.pk}/status/",
        {"status": "closed", "result": "granted"},
        format="json",
    )
    assert closed.status_code == 200
    assert closed.json()["state"] == "closed"
    assert closed.json()["result"] == "granted"
    assert closed.json()["closed_at"]
    assert api.get("/api/v1/zeitz/cases/999999/").status_code == 404


def test_bulk_status_is_all_or_nothing(zeitz, worker):
    cases = [_case(zeitz, n) for n in range(1, 6)]
    done = _case(zeitz, 9, status="closed", status_kind="closed", result="granted")
    api = _api(worker)
    url = "/api/v1/zeitz/cases/bulk-status/"
    refused = api.post(
        url, {"cases": [c.pk for c in cases] + [done.pk], "status": "in_progress"}, format="json"
    )
    assert refused.status_code == 400
    assert done.reference in str(refused.json()["errors"]["status"])
    with scope(municipality=zeitz):
        assert set(Case.objects.values_list("status", flat=True)) == {"received", "closed"}
    ok = api.post(url, {"cases": [c.pk for c in cases], "status": "in_progress"}, format="json")
    assert ok.status_code == 200, ok.content
    assert ok.json() == {"changed": 5}
    with scope(municipality=zeitz):
        assert Case.objects.filter(status="in_progress").count() == 5
        assert CaseEvent.objects.filter(kind="status").count() == 5
    assert api.post(url, {"cases": [], "status": "closed"}, format="json").status_code == 400
    # An id beyond 64 bits is a field error, not an overflow in the database driver.
    huge = api.post(url, {"cases": [2**64], "status": "closed"}, format="json")
    assert huge.status_code == 400 and "cases/0" in huge.json()["errors"]


def test_message_and_request_for_information(zeitz, worker):
    case = _case(zeitz, 1, status="in_progress")
    api = _api(worker)
    url = f"/api/v1/zeitz/cases/{case.pk}/messages/"
    bad = api.post(url, {"subject": "", "body": ""}, format="json")
    assert bad.status_code == 400
    past = api.post(
        url,
        {"subject": "Nachweis", "body": "Bitte", "answer_due": "2000-01-01"},
        format="json",
    )
    assert past.status_code == 400
    assert "answer_due" in past.json()["errors"]
    sent = api.post(
        url,
        {
            "subject": "Nachweis fehlt",
            "body": "Bitte reichen Sie den Nachweis nach.",
            "requests_information": True,
        },
        format="json",
    )
    assert sent.status_code == 201, sent.content
    with scope(municipality=zeitz):
        case.refresh_from_db()
        assert case.status == "waiting"
        assert case.status_kind == "waiting"
        assert Message.objects.get(case=case).requests_information


def test_list_queries_do_not_grow(zeitz, worker):
    api = _api(worker)
    api.get("/api/v1/zeitz/cases/")  # warm the municipality cache
    for n in range(1, 4):
        _case(zeitz, n)
    with CaptureQueriesContext(connection) as few:
        assert api.get("/api/v1/zeitz/cases/").status_code == 200
    for n in range(4, 40):
        _case(zeitz, n, leika="99115005104000" if n % 2 else LEIKA)
    with CaptureQueriesContext(connection) as many:
        assert len(api.get("/api/v1/zeitz/cases/").json()["results"]) == 39
    assert len(many) == len(few)
