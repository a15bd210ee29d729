"""The applicant's pages: my applications, the detail with timeline, documents and messages, the
reply (with files, refused input, closed case), isolation between people and organisations."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from revier.accounts.models import Membership
from revier.accounts.services import organisation_create
from revier.cases import services as case_services
from revier.cases.models import Case, CaseDocument, CaseEvent, Message
from tests.applications.conftest import offer_form
from tests.cases_account.conftest import bare_application, bare_case, message_to
from tests.conftest import make_user

pytestmark = pytest.mark.django_db

LIST = "/zeitz/konto/antraege/"
PDF = b"%PDF-1.7\n" + b"x" * 300 + b"\n%%EOF"


def _detail(case) -> str:
    return f"{LIST}{case.reference}/"


def test_detail_shows_public_timeline_documents_and_messages(client, delivered, resident):
    case, admin = delivered["case"], delivered["admin"]
    with scope(municipality=case.municipality):
        case_services.case_note_add(case=case, actor=admin, text="Intern: Akte unvollständig")
        case_services.case_status_change(
            case=case, to_status="in_progress", actor=admin, note="Wir prüfen Ihren Antrag."
        )
        case_services.case_message_send(
            case=Case.objects.get(pk=case.pk),
            actor=admin,
            subject="Nachweis fehlt",
            body="Bitte reichen Sie die Haftpflicht nach.",
            requests_information=True,
            files=[SimpleUploadedFile("hinweis.pdf", PDF)],
        )
        assert CaseEvent.objects.filter(case=case, public=False).exists()
    client.force_login(resident)

    listing = client.get(LIST)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert case.reference in html
    assert "waiting for the applicant" in html  # the case's workflow label, not "submitted"

    response = client.get(_detail(case))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Application received" in html
    assert "Status: in progress" in html and "Wir prüfen Ihren Antrag." in html
    assert "Status: waiting for the applicant" in html
    assert "Message: Nachweis fehlt" in html
    assert "Intern: Akte unvollständig" not in html  # internal notes stay internal
    assert "Bitte reichen Sie die Haftpflicht nach." in html
    assert "Your answer is needed" in html
    # The receipt and the town hall's file are public; the delivered attachment is not listed.
    with scope(municipality=case.municipality):
        receipt = CaseDocument.objects.get(case=case, kind="receipt")
        hidden = CaseDocument.objects.get(case=case, kind="attachment", message__isnull=True)
        sent_file = CaseDocument.objects.get(case=case, filename="hinweis.pdf")
    assert receipt.filename in html and "hinweis.pdf" in html
    assert hidden.filename not in html

    download = client.get(f"{_detail(case)}dokumente/{receipt.pk}/")
    assert download.status_code == 200
    assert download["Content-Disposition"].startswith("attachment;")
    assert receipt.filename in download["Content-Disposition"]
    assert download.content.startswith(b"%PDF")
    assert client.get(f"{_detail(case)}dokumente/{sent_file.pk}/").status_code == 200
    # A document that is not public is not served, even to the applicant.
    assert client.get(f"{_detail(case)}dokumente/{hidden.pk}/").status_code == 404


def test_another_resident_gets_404_everywhere(client, delivered):
    case = delivered["case"]
    message = message_to(case)
    with scope(municipality=case.municipality):
        receipt = CaseDocument.objects.get(case=case, kind="receipt")
    client.force_login(make_user("mallory@example.org"))
    assert case.reference not in client.get(LIST).content.decode()
    assert client.get(_detail(case)).status_code == 404
    assert client.get(f"{_detail(case)}dokumente/{receipt.pk}/").status_code == 404
    assert client.get(f"/zeitz/konto/postfach/{message.pk}/").status_code == 404
    refused = client.post(_detail(case), {"body": "Hallo"})
    assert refused.status_code == 404
    with scope(municipality=case.municipality):
        assert not Message.objects.filter(direction="from_applicant").exists()
        assert Message.objects.get(pk=message.pk).read_at is None


def test_anonymous_is_sent_to_login(client, delivered):
    response = client.get(_detail(delivered["case"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_reply_with_file_answers_the_request_and_resumes_work(client, delivered, resident):
    case, admin = delivered["case"], delivered["admin"]
    with scope(municipality=case.municipality):
        request = case_services.case_message_send(
            case=case,
            actor=admin,
            subject="Nachweis fehlt",
            body="Bitte.",
            requests_information=True,
        )
        assert Case.objects.get(pk=case.pk).status == "waiting"
    client.force_login(resident)
    form = client.get(f"{_detail(case)}?antwort={request.pk}")
    assert f'value="{request.pk}"' in form.content.decode()
    response = client.post(
        _detail(case),
        {
            "body": "Anbei der Nachweis.",
            "in_reply_to": request.pk,
            "files": [
                SimpleUploadedFile("nachweis.pdf", PDF, content_type="application/pdf"),
                SimpleUploadedFile("foto.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100),
            ],
        },
    )
    assert response.status_code == 302 and response["Location"] == _detail(case)
    with scope(municipality=case.municipality):
        reply = Message.objects.get(direction="from_applicant")
        assert reply.body == "Anbei der Nachweis." and reply.in_reply_to_id == request.pk
        assert reply.subject == "Re: Nachweis fehlt"
        files = list(CaseDocument.objects.filter(message=reply).order_by("filename"))
        assert [(f.filename, f.kind, f.public) for f in files] == [
            ("foto.png", "reply", True),
            ("nachweis.pdf", "reply", True),
        ]
        assert Message.objects.get(pk=request.pk).answered_at is not None
        assert Case.objects.get(pk=case.pk).status_kind == "open"
    page = client.get(_detail(case)).content.decode()
    assert "Your message has been sent to the town hall." in page
    assert "Anbei der Nachweis." in page and "nachweis.pdf" in page


@pytest.mark.parametrize(
    ("name", "content", "error"),
    [
        ("gross.pdf", PDF + b"y" * 2000, "or smaller"),
        ("bild.gif", b"GIF89a" + b"0" * 50, "must be a PDF"),
    ],
)
def test_refused_file_keeps_the_text_and_stores_nothing(
    client, delivered, resident, settings, name, content, error
):
    settings.REVIER_APPLICATION_MAX_UPLOAD = 1000
    case = delivered["case"]
    with scope(municipality=case.municipality):
        documents = CaseDocument.objects.count()
        events = CaseEvent.objects.count()
    client.force_login(resident)
    response = client.post(
        _detail(case),
        {"body": "Mein wichtiger Text", "files": [SimpleUploadedFile(name, content)]},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert error in html
    assert 'id="id_files-error"' in html and 'aria-invalid="true"' in html
    assert "Mein wichtiger Text</textarea>" in html
    with scope(municipality=case.municipality):
        assert not Message.objects.filter(direction="from_applicant").exists()
        assert CaseDocument.objects.count() == documents
        assert CaseEvent.objects.count() == events


def test_empty_reply_and_too_many_files_are_refused(client, delivered, resident):
    case = delivered["case"]
    client.force_login(resident)
    empty = client.post(_detail(case), {"body": "  "})
    assert empty.status_code == 400 and 'id="id_body-error"' in empty.content.decode()
    many = client.post(
        _detail(case),
        {"body": "Sechs Dateien", "files": [SimpleUploadedFile(f"{i}.pdf", PDF) for i in range(6)]},
    )
    assert many.status_code == 400
    assert "At most 5 files per message." in many.content.decode()
    foreign = client.post(_detail(case), {"body": "x", "in_reply_to": 999999})
    assert foreign.status_code == 400
    with scope(municipality=case.municipality):
        assert not Message.objects.filter(direction="from_applicant").exists()


def test_reply_on_a_closed_case_is_refused(client, delivered, resident):
    case, admin = delivered["case"], delivered["admin"]
    with scope(municipality=case.municipality):
        case_services.case_status_change(
            case=case, to_status="closed", actor=admin, result="granted"
        )
        events = CaseEvent.objects.count()
    client.force_login(resident)
    page = client.get(_detail(case)).content.decode()
    assert "This case is closed." in page and 'name="body"' not in page
    response = client.post(_detail(case), {"body": "Noch eine Frage"})
    assert response.status_code == 400
    assert "This case is closed. Please contact the town hall" in response.content.decode()
    with scope(municipality=case.municipality):
        assert not Message.objects.filter(direction="from_applicant").exists()
        assert CaseEvent.objects.count() == events


@pytest.fixture
def company(zeitz, resident):
    """An organisation with the resident as administrator and Ben as member."""
    organisation = organisation_create(name="Schmidt Bau GmbH", admin=resident)
    ben = make_user("ben@example.org")
    Membership.objects.create(organisation=organisation, user=ben, role=Membership.Role.MEMBER)
    return {"organisation": organisation, "member": ben}


def test_organisation_members_see_its_applications_outsiders_do_not(
    client, zeitz, resident, company
):
    version = offer_form(zeitz, with_file=False)["version"]
    organisation, ben = company["organisation"], company["member"]
    own = bare_application(zeitz, version, "ZEI-T-OWN", applicant=resident)
    filed = bare_application(
        zeitz, version, "ZEI-T-ORG", applicant=resident, organisation=organisation
    )
    draft = bare_application(
        zeitz,
        version,
        "ZEI-T-ORGDRAFT",
        applicant=resident,
        organisation=organisation,
        status="draft",
    )
    case = bare_case(zeitz, filed)
    message_to(case, subject="Frage an die Firma")

    client.force_login(ben)
    html = client.get(LIST).content.decode()
    assert filed.reference in html
    assert own.reference not in html  # the administrator's private application
    assert draft.reference not in html  # a draft stays with the one who started it
    detail = client.get(_detail(case))
    assert detail.status_code == 200 and "Schmidt Bau GmbH" in detail.content.decode()
    assert client.get(f"{LIST}{draft.reference}/").status_code == 404
    assert "Frage an die Firma" in client.get("/zeitz/konto/postfach/").content.decode()
    # A member may answer for the organisation.
    assert client.post(_detail(case), {"body": "Antwort der Firma"}).status_code == 302

    client.force_login(resident)
    mine = client.get(LIST + "?fuer=me").content.decode()
    assert own.reference in mine and filed.reference not in mine
    theirs = client.get(f"{LIST}?fuer={organisation.pk}").content.decode()
    assert filed.reference in theirs and own.reference not in theirs
    assert draft.reference not in theirs
    everything = client.get(LIST).content.decode()
    assert draft.reference in everything and "Continue: Hundesteuer Anmeldung" in everything
    # A draft's detail address continues the draft.
    assert client.get(f"{LIST}{draft.reference}/")["Location"].endswith(
        f"/antrag/{draft.reference}/pruefen/"
    )
    bad = client.get(LIST + "?fuer=99999")
    assert bad.status_code == 400 and 'id="id_fuer-error"' in bad.content.decode()

    client.force_login(make_user("outsider@example.org"))
    assert filed.reference not in client.get(LIST).content.decode()
    assert client.get(_detail(case)).status_code == 404
    bad = client.get(f"{LIST}?fuer={organisation.pk}")
    assert bad.status_code == 400


def test_submitted_application_without_case_shows_its_status(client, zeitz, resident):
    version = offer_form(zeitz, with_file=False)["version"]
    application = bare_application(zeitz, version, "ZEI-T-NOCASE", applicant=resident)
    client.force_login(resident)
    response = client.get(f"{LIST}{application.reference}/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "submitted" in html and "being handed over to the responsible office" in html
    assert 'name="body"' not in html


def test_the_offices_answer_to_a_fitconnect_delivery_is_shown(client, zeitz, resident):
    from django.utils import timezone

    from revier.delivery.models import Delivery

    version = offer_form(zeitz, with_file=False)["version"]
    answers = {"ZEI-T-ACC": "accepted", "ZEI-T-REJ": "rejected"}
    with scope(municipality=zeitz):
        for reference, answer in answers.items():
            bare_application(zeitz, version, reference, applicant=resident)
            Delivery.objects.create(
                municipality=zeitz,
                reference=reference,
                leika=version.form.leika,
                service_name="Hundesteuer Anmeldung",
                package_sealed=b"",
                plugin="fitconnect",
                status="delivered",
                answer=answer,
                answered_at=timezone.now(),
            )
    client.force_login(resident)

    listing = client.get(LIST).content.decode()
    assert "received by the office" in listing
    assert "not accepted by the office; please contact the town hall" in listing

    accepted = client.get(f"{LIST}ZEI-T-ACC/").content.decode()
    assert "The responsible office received your application on" in accepted
    assert "being handed over" not in accepted
    rejected = client.get(f"{LIST}ZEI-T-REJ/").content.decode()
    assert "could not accept your application as it was sent" in rejected


def test_list_queries_do_not_grow_with_rows(client, zeitz, resident):
    version = offer_form(zeitz, with_file=False)["version"]
    client.force_login(resident)
    client.get(LIST)  # warm the municipality cache

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(LIST).status_code == 200
        return len(queries)

    application = bare_application(zeitz, version, "ZEI-T-Q0", applicant=resident)
    bare_case(zeitz, application)
    few = count()
    for n in range(1, 12):
        application = bare_application(zeitz, version, f"ZEI-T-Q{n}", applicant=resident)
        if n % 2:
            bare_case(zeitz, application, status="in_progress")
    assert count() == few
