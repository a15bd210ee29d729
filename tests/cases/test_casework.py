"""Case work through the back-office pages and the services: workflow moves, bulk change (all or
nothing), isolation between offices and municipalities, requests for information and the
applicant's reply, decisions as PDF, payments."""

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django_scopes import scope
from pypdf import PdfReader

from revier.cases import services
from revier.cases.models import (
    Case,
    CaseDocument,
    CaseEvent,
    CasePayment,
    Decision,
    DecisionTemplate,
    Message,
    OfficeMember,
    StatusKind,
)
from revier.core.models import AuditLogEntry
from revier.services.models import Office
from tests.cases.conftest import INBOX, make_case
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db


def _denied(municipality, case) -> int:
    with scope(municipality=municipality):
        return AuditLogEntry.objects.filter(action="denied", object_id=str(case.pk)).count()


def test_status_moves_allowed_and_refused(client, zeitz, worker):
    case = make_case(zeitz, 1)
    client.force_login(worker)
    page = client.get(f"{INBOX}{case.pk}/").content.decode()
    # Only the moves the workflow allows are offered.
    assert 'value="in_progress"' in page and 'value="received"' not in page

    moved = client.post(f"{INBOX}{case.pk}/status/", {"status-to_status": "in_progress"})
    assert moved.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.status_kind) == ("in_progress", StatusKind.OPEN)

    # Closing needs a result: a clear error, nothing changed.
    refused = client.post(f"{INBOX}{case.pk}/status/", {"status-to_status": "closed"})
    assert refused.status_code == 400
    assert "Record the result before closing the case." in refused.content.decode()
    case.refresh_from_db()
    assert case.status == "in_progress"

    # A move the workflow does not allow is refused by the service, nothing changed.
    with scope(municipality=zeitz):
        services.case_status_change(case=case, to_status="closed", result="granted", actor=worker)
        events = CaseEvent.objects.filter(case=case).count()
        with pytest.raises(ValidationError) as exc:
            services.case_status_change(case=case, to_status="in_progress", actor=worker)
        assert "cannot move" in str(exc.value)
        case.refresh_from_db()
        assert (case.status, case.status_kind, case.result) == ("closed", "closed", "granted")
        assert case.closed_at is not None
        assert CaseEvent.objects.filter(case=case).count() == events
    # A closed case offers no moves any more.
    html = client.get(f"{INBOX}{case.pk}/").content.decode()
    assert "The workflow allows no further status from here." in html


def test_bulk_change_is_all_or_nothing(client, zeitz, worker):
    open_cases = [make_case(zeitz, n) for n in range(1, 4)]
    closed = make_case(zeitz, 9, status="closed", status_kind="closed", result="granted")
    client.force_login(worker)
    ids = [str(c.pk) for c in open_cases]
    refused = client.post(
        INBOX, {"case": [*ids, str(closed.pk)], "to_status": "in_progress", "result": ""}
    )
    assert refused.status_code == 400
    html = refused.content.decode()
    assert closed.reference in html and "Nothing was changed" in html
    with scope(municipality=zeitz):
        assert set(Case.objects.values_list("status", flat=True)) == {"received", "closed"}
    # Unknown status: an error at the field.
    bad = client.post(INBOX, {"case": ids, "to_status": "nonsense"})
    assert bad.status_code == 400 and 'id="id_to_status-error"' in bad.content.decode()

    done = client.post(INBOX, {"case": ids, "to_status": "in_progress"})
    assert done.status_code == 302
    with scope(municipality=zeitz):
        assert set(Case.objects.filter(pk__in=ids).values_list("status", flat=True)) == {
            "in_progress"
        }
        assert (
            AuditLogEntry.objects.filter(summary="status received -> in_progress (bulk)").count()
            == 3
        )


def test_bulk_change_queries_do_not_grow_with_the_cases(
    zeitz, worker, django_capture_on_commit_callbacks
):
    from django.core import mail
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def change(cases) -> int:
        with scope(municipality=zeitz), CaptureQueriesContext(connection) as queries:
            changed = services.case_bulk_status_change(
                case_ids=[c.pk for c in cases], to_status="in_progress", actor=worker
            )
        assert changed == len(cases)
        return len(queries)

    warm = [make_case(zeitz, 100)]
    few = [make_case(zeitz, n) for n in range(1, 3)]
    many = [make_case(zeitz, n) for n in range(10, 40)]
    with django_capture_on_commit_callbacks(execute=True):
        change(warm)  # per-process caches (workflows, municipality)
        assert change(few) == change(many)
    # Each applicant still gets their own e-mail.
    assert sorted(m.to[0] for m in mail.outbox) == sorted(
        c.applicant_email for c in [*warm, *few, *many]
    )


def test_office_isolation_refused_and_logged(client, zeitz, naumburg, worker):
    with scope(municipality=zeitz):
        hundesteuer = Office.objects.create(municipality=zeitz, name="Steueramt")
        standesamt = Office.objects.create(municipality=zeitz, name="Standesamt")
        OfficeMember.objects.create(municipality=zeitz, office=standesamt, user=worker)
    mine = make_case(zeitz, 1, office=standesamt)
    other = make_case(zeitz, 2, office=hundesteuer)
    client.force_login(worker)
    inbox = client.get(INBOX).content.decode()
    assert mine.reference in inbox and other.reference not in inbox

    for url in [f"{INBOX}{other.pk}/", f"{INBOX}{other.pk}/dokumente/1/"]:
        assert client.get(url).status_code == 403
    assert client.post(f"{INBOX}{other.pk}/notiz/", {"note-text": "x"}).status_code == 403
    assert _denied(zeitz, other) == 3
    # Bulk over a case of another office: refused, logged, nothing changed.
    refused = client.post(INBOX, {"case": [mine.pk, other.pk], "to_status": "in_progress"})
    assert refused.status_code == 400
    with scope(municipality=zeitz):
        assert AuditLogEntry.objects.filter(
            action="denied", summary__startswith="bulk change refused"
        ).exists()
        assert set(Case.objects.values_list("status", flat=True)) == {"received"}

    # Assigning the other office's case to this worker is refused.
    admin = make_staff(zeitz, "administrator", "chef@zeitz.example")
    with scope(municipality=zeitz), pytest.raises(ValidationError):
        services.case_assign(case=other, assignee=worker, actor=admin)

    # Staff of another municipality do not even find the case; the service refuses and logs.
    stranger = make_staff(naumburg, "administrator", "chef@naumburg.example")
    client.force_login(stranger)
    assert client.get(f"/naumburg/backoffice/vorgaenge/{mine.pk}/").status_code == 404
    assert client.get(f"{INBOX}{mine.pk}/").status_code == 403
    with scope(municipality=zeitz), pytest.raises(PermissionDenied):
        services.case_access_check(case=mine, user=stranger)
    assert _denied(zeitz, mine) == 1


def test_claim_assign_and_note(client, zeitz, worker):
    case = make_case(zeitz, 1)
    colleague = make_staff(zeitz, "case_worker", "kollegin@zeitz.example")
    client.force_login(worker)
    assert client.post(f"{INBOX}{case.pk}/uebernehmen/").status_code == 302
    case.refresh_from_db()
    assert case.assignee_id == worker.pk
    mine = client.get(INBOX + "?assignee=mine").content.decode()
    assert case.reference in mine
    assert case.reference not in client.get(INBOX + "?assignee=none").content.decode()

    assert (
        client.post(f"{INBOX}{case.pk}/zuweisen/", {"assign-assignee": colleague.pk}).status_code
        == 302
    )
    case.refresh_from_db()
    assert case.assignee_id == colleague.pk
    empty = client.post(f"{INBOX}{case.pk}/notiz/", {"note-text": "  "})
    assert empty.status_code == 400 and 'id="id_note-text-error"' in empty.content.decode()
    assert client.post(f"{INBOX}{case.pk}/notiz/", {"note-text": "Rückruf"}).status_code == 302
    with scope(municipality=zeitz):
        note = CaseEvent.objects.get(case=case, kind=CaseEvent.Kind.NOTE)
    assert note.text == "Rückruf" and not note.public


def test_request_information_reply_and_closed_case(client, zeitz, worker, resident):
    case = make_case(zeitz, 1, applicant=resident)
    client.force_login(worker)
    past = client.post(
        f"{INBOX}{case.pk}/nachricht/",
        {
            "subject": "Nachweis fehlt",
            "body": "Bitte reichen Sie den Nachweis nach.",
            "requests_information": "on",
            "answer_due": (timezone.localdate() - dt.timedelta(days=1)).isoformat(),
        },
    )
    assert past.status_code == 400
    assert 'id="id_answer_due-error"' in past.content.decode()
    assert "Bitte reichen Sie" in past.content.decode()  # nothing lost
    sent = client.post(
        f"{INBOX}{case.pk}/nachricht/",
        {
            "subject": "Nachweis fehlt",
            "body": "Bitte reichen Sie den Nachweis nach.",
            "requests_information": "on",
            "answer_due": (timezone.localdate() + dt.timedelta(days=14)).isoformat(),
            "files": [_pdf_upload()],
        },
    )
    assert sent.status_code == 302
    case.refresh_from_db()
    assert (case.status, case.status_kind) == ("waiting", StatusKind.WAITING)
    with scope(municipality=zeitz):
        request = Message.objects.get(case=case)
        assert request.requests_information and request.documents.count() == 1
        services.case_reply(case=case, user=resident, body="Anbei der Nachweis.")
        case.refresh_from_db()
        # Back to work: the first open status the workflow allows from "waiting".
        assert (case.status, case.status_kind) == ("in_progress", StatusKind.OPEN)
        request.refresh_from_db()
        assert request.answered_at is not None

        services.case_status_change(case=case, to_status="closed", result="granted", actor=worker)
        with pytest.raises(ValidationError, match="closed"):
            services.case_reply(case=case, user=resident, body="Noch eine Frage")
        assert Message.objects.filter(case=case).count() == 2
    html = client.get(f"{INBOX}{case.pk}/").content.decode()
    assert "Anbei der Nachweis." in html and "Nachweis fehlt" in html


def _pdf_upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile(
        "nachweis.pdf", b"%PDF-1.7\n" + b"x" * 500 + b"\n%%EOF", content_type="application/pdf"
    )


def test_decision_from_template_as_pdf(client, zeitz, worker, resident, zeitz_admin):
    case = make_case(zeitz, 1, applicant=resident, applicant_name="Anna Schmidt")
    client.force_login(zeitz_admin)
    # Template management: bad input keeps everything and names the field.
    bad = client.post(
        f"{INBOX}einstellungen/vorlagen/neu/",
        {"name": "Bewilligung", "leika": "123", "result": "granted", "subject": "S", "body": "T"},
    )
    assert bad.status_code == 400 and 'id="id_leika-error"' in bad.content.decode()
    body = (
        "Sehr geehrte Person {applicant_name},\n\nIhr Antrag {reference} ({service}) wird "
        "{result}. {{ case.secret }} {unknown}\n\n---\nGegen diesen Bescheid kann innerhalb "
        "eines Monats Widerspruch erhoben werden."
    )
    created = client.post(
        f"{INBOX}einstellungen/vorlagen/neu/",
        {
            "name": "Bewilligung",
            "leika": "",
            "result": "granted",
            "subject": "Bescheid {reference}",
            "body": body,
        },
    )
    assert created.status_code == 302
    with scope(municipality=zeitz):
        template = DecisionTemplate.objects.get()

    client.force_login(worker)
    form = client.get(f"{INBOX}{case.pk}/bescheid/?template={template.pk}").content.decode()
    # Placeholders filled, anything else left as typed (no template execution).
    # Filled in the language of the letter (the application's; German), not the clerk's.
    assert "Ihr Antrag ZEI-C-000001 (Hundesteuer Anmeldung) wird bewilligt." in form
    assert "{{ case.secret }} {unknown}" in form
    missing = client.post(f"{INBOX}{case.pk}/bescheid/", {"result": "granted", "subject": "x"})
    assert missing.status_code == 400 and 'id="id_text-error"' in missing.content.decode()
    text = (
        "Ihr Antrag wird bewilligt.\n\n---\nGegen diesen Bescheid kann Widerspruch erhoben werden."
    )
    written = client.post(
        f"{INBOX}{case.pk}/bescheid/",
        {"template": template.pk, "result": "granted", "subject": "Bescheid", "text": text},
    )
    assert written.status_code == 302
    with scope(municipality=zeitz):
        decision = Decision.objects.get(case=case)
        document = decision.document
        assert document.kind == CaseDocument.Kind.DECISION and document.public
        case.refresh_from_db()
        assert (case.result, case.status) == ("granted", "decided")
        assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.DECISION).exists()
    pdf = client.get(f"{INBOX}{case.pk}/dokumente/{document.pk}/")
    text_out = "\n".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    for expected in ["Zeitz", "ZEI-C-000001", "Ihr Antrag wird bewilligt.", "Widerspruch"]:
        assert expected in text_out, text_out
    # The letter greets by name (the resident gave no form of address) and closes for the
    # municipality (the clerk has no name in the account).
    assert "Guten Tag Anna Schmidt," in text_out
    assert "Mit freundlichen Grüßen\nZeitz" in text_out


def test_payment(client, zeitz, worker):
    case = make_case(zeitz, 1)
    client.force_login(worker)
    bad = client.post(
        f"{INBOX}{case.pk}/zahlung/",
        {"payment-amount": "-3", "payment-method": "cash", "payment-paid_on": "2026-01-02"},
    )
    assert bad.status_code == 400 and 'id="id_payment-amount-error"' in bad.content.decode()
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    bad = client.post(
        f"{INBOX}{case.pk}/zahlung/",
        {"payment-amount": "12.30", "payment-method": "cash", "payment-paid_on": future},
    )
    assert bad.status_code == 400 and 'id="id_payment-paid_on-error"' in bad.content.decode()
    ok = client.post(
        f"{INBOX}{case.pk}/zahlung/",
        {
            "payment-amount": "12.30",
            "payment-method": "transfer",
            "payment-paid_on": timezone.localdate().isoformat(),
            "payment-kassenzeichen": "KZ-1",
        },
    )
    assert ok.status_code == 302
    with scope(municipality=zeitz):
        payment = CasePayment.objects.get(case=case)
        assert str(payment.amount) == "12.30" and payment.kassenzeichen == "KZ-1"
        assert CaseEvent.objects.filter(case=case, kind=CaseEvent.Kind.PAYMENT).exists()
