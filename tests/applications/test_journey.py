"""The applicant's journey in the Django test client, from the service page to the receipt."""

import io
import re

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from revier.applications.models import Application, Upload
from revier.applications.scanning import EICAR
from revier.delivery.models import Delivery
from tests.applications.conftest import LEIKA
from tests.conftest import PASSWORD

PDF = b"%PDF-1.7\n" + b"x" * 2000 + b"\n%%EOF"


def _login(client, user):
    assert client.login(email=user.email, password=PASSWORD)


def _start(client):
    response = client.post(f"/zeitz/antrag/neu/{LEIKA}/", {"applicant": "self"})
    assert response.status_code == 302
    with scopes_disabled():
        application = Application.objects.get()
    assert response["Location"] == f"/zeitz/antrag/{application.reference}/seite/0/"
    return application


PERSON = {
    "G60000086/F60000227": "Schmidt",
    "count:G60000086/F60000228": "1",
    "G60000086/F60000228/0": "Anna",
    "G60000086/F60000229": "1980-05-17",
    "G60000086/F60000230": "06712",
}


def _fill_all(client, ref):
    base = f"/zeitz/antrag/{ref}/seite"
    assert client.post(f"{base}/0/", {"continue": "1"}).status_code == 302  # label-only note
    assert client.post(f"{base}/1/", {**PERSON, "continue": "1"}).status_code == 302
    dog = {
        "count:G60000100": "1",
        "G60000100/0/F60000301": "02",
        "G60000100/0/F60000302": "4",
        "G60000100/0/F60000303": "false",
        "continue": "1",
    }
    assert client.post(f"{base}/2/", dog).status_code == 302
    upload = SimpleUploadedFile("haftpflicht.pdf", PDF, content_type="application/pdf")
    assert client.post(f"{base}/3/", {"feld_10": upload, "continue": "1"}).status_code == 302


def test_service_page_offers_start_button(client, zeitz, dog_form):
    response = client.get(f"/zeitz/leistungen/{LEIKA}/")
    assert response.status_code == 200
    assert f'href="/zeitz/antrag/neu/{LEIKA}/"' in response.content.decode()


def test_start_requires_login(client, zeitz, dog_form):
    response = client.get(f"/zeitz/antrag/neu/{LEIKA}/")
    assert response.status_code == 302
    assert "/zeitz/accounts/login/" in response["Location"]


def test_full_journey(client, zeitz, dog_form, resident, django_capture_on_commit_callbacks):
    _login(client, resident)
    application = _start(client)
    ref = application.reference
    assert ref.startswith("ZEI-") and ref.endswith("-000001")
    base = f"/zeitz/antrag/{ref}/seite"
    assert client.post(f"{base}/0/", {"continue": "1"})["Location"] == f"{base}/1/"

    # Invalid input: errors at the fields, every answer kept.
    bad = {**PERSON, "G60000086/F60000229": "17.13.1980", "G60000086/F60000230": "6712"}
    response = client.post(f"{base}/1/", {**bad, "continue": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert 'id="a-G60000086-F60000229"' in html
    assert "The date of birth must be a real date, for example 17.05.1980" in html
    assert "Enter a postcode with 5 digits, for example 06712" in html
    assert 'value="Schmidt"' in html and 'value="Anna"' in html and 'value="6712"' in html
    with scope(municipality=zeitz):
        application.refresh_from_db()
    assert application.raw["values"]["G60000086/F60000227"] == "Schmidt"
    assert application.raw["values"]["G60000086/F60000229"] == "17.13.1980"
    # German date format is understood.
    fixed = {**PERSON, "G60000086/F60000229": "17.05.1980"}
    assert client.post(f"{base}/1/", {**fixed, "continue": "1"})["Location"] == f"{base}/2/"

    # Repeatable group: add another dog, then remove the first.
    dog = {
        "count:G60000100": "1",
        "G60000100/0/F60000301": "01",
        "G60000100/0/F60000302": "3",
    }
    response = client.post(f"{base}/2/", {**dog, "add:G60000100": "1"})
    assert response.status_code == 200
    assert 'name="G60000100/1/F60000302"' in response.content.decode()
    two = {
        **dog,
        "count:G60000100": "2",
        "G60000100/1/F60000301": "02",
        "G60000100/1/F60000302": "7",
    }
    response = client.post(f"{base}/2/", {**two, "remove:G60000100/0": "1"})
    html = response.content.decode()
    assert 'name="G60000100/1/F60000302"' not in html
    assert 'name="G60000100/0/F60000302" value="7"' in html
    one = {"count:G60000100": "1", "G60000100/0/F60000301": "02", "G60000100/0/F60000302": "7"}
    assert client.post(f"{base}/2/", {**one, "continue": "1"})["Location"] == f"{base}/3/"

    # Uploads: wrong type (by content, whatever the name says), too large, malware.
    fake = SimpleUploadedFile(
        "nachweis.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
    )
    response = client.post(f"{base}/3/", {"feld_10": fake, "continue": "1"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "The file must be a PDF, JPEG or PNG" in html, re.findall(r"kern-error.{0,300}", html)
    with scope(municipality=zeitz):
        assert not Upload.objects.exists()
    big = SimpleUploadedFile(
        "big.pdf", PDF + b"0" * (10 * 1024 * 1024), content_type="application/pdf"
    )
    response = client.post(f"{base}/3/", {"feld_10": big, "continue": "1"})
    assert "The file must be 10.0\xa0MB or smaller" in response.content.decode()
    virus = SimpleUploadedFile("v.pdf", b"%PDF-1.4\n" + EICAR, content_type="application/pdf")
    response = client.post(f"{base}/3/", {"feld_10": virus, "continue": "1"})
    assert "The file contains malware and was refused." in response.content.decode()
    good = SimpleUploadedFile("haftpflicht.pdf", PDF, content_type="text/plain")
    response = client.post(f"{base}/3/", {"feld_10": good, "continue": "1"})
    assert response["Location"] == f"/zeitz/antrag/{ref}/pruefen/"
    with scope(municipality=zeitz):
        upload = Upload.objects.get()
    assert (upload.path, upload.content_type, upload.size) == (
        "feld_10",
        "application/pdf",
        len(PDF),
    )

    # Check your answers, with change links.
    response = client.get(f"/zeitz/antrag/{ref}/pruefen/")
    html = response.content.decode()
    assert response.status_code == 200
    for text in ("Schmidt", "17.05.1980", "Dackel", "haftpflicht.pdf"):
        assert text in html
    assert f'href="{base}/1/?from=check"' in html

    # Without the declaration nothing is sent.
    response = client.post(f"/zeitz/antrag/{ref}/pruefen/", {})
    assert response.status_code == 400
    assert "Confirm the declaration to submit." in response.content.decode()
    assert len(mail.outbox) == 0

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/zeitz/antrag/{ref}/pruefen/", {"declaration": "yes"})
    assert response["Location"] == f"/zeitz/antrag/{ref}/"
    response = client.get(f"/zeitz/antrag/{ref}/")
    html = response.content.decode()
    assert "Application sent" in html and ref in html and "What happens next" in html

    with scope(municipality=zeitz):
        application.refresh_from_db()
        delivery = Delivery.objects.get()
    assert application.status == Application.Status.SUBMITTED
    assert application.data["G60000086"]["F60000229"] == "1980-05-17"
    assert application.data["G60000100"] == [{"F60000301": "02", "F60000302": 7}]
    assert (delivery.reference, delivery.leika, delivery.plugin) == (ref, LEIKA, "backoffice")
    assert delivery.status == Delivery.Status.DELIVERED
    from tests.delivery.conftest import handed_over

    with scope(municipality=zeitz):
        package = handed_over(delivery)  # as the office received it
    purposes = sorted((a.purpose, a.filename) for a in package.attachments)
    assert purposes == [("attachment", "haftpflicht.pdf"), ("report", f"{ref}.pdf")]
    assert b'"F60000227": "Schmidt"' in package.data

    # E-mail: the receipt link, not the answers.
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == [resident.email]
    assert ref in message.subject
    assert f"http://testserver/zeitz/antrag/{ref}/eingangsbestaetigung.pdf" in message.body
    assert "Schmidt" not in message.body

    # The receipt: a PDF/A with the reference and the answers.
    response = client.get(f"/zeitz/antrag/{ref}/eingangsbestaetigung.pdf")
    assert response["Content-Type"] == "application/pdf"
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    for expected in (ref, "Schmidt", "Hundesteuer Anmeldung", "Dackel", "Zeitz"):
        assert expected in text
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data()
    assert b'pdfaid:part="3" pdfaid:conformance="B"' in xmp  # PDF/A-3b
    assert "/StructTreeRoot" in root  # tagged

    # Replayed POST of the submit: still exactly one submission.
    response = client.post(f"/zeitz/antrag/{ref}/pruefen/", {"declaration": "yes"})
    assert response["Location"] == f"/zeitz/antrag/{ref}/"
    with scopes_disabled():
        assert Delivery.objects.count() == 1
    assert len(mail.outbox) == 1


def test_double_submit_by_service_gives_one_submission(
    client, zeitz, dog_form, resident, django_capture_on_commit_callbacks
):
    from revier.applications.services import application_submit

    _login(client, resident)
    application = _start(client)
    _fill_all(client, application.reference)
    with scope(municipality=zeitz), django_capture_on_commit_callbacks(execute=True):
        first = application_submit(application=application, actor=resident, declaration=True)
        second = application_submit(application=application, actor=resident, declaration=True)
        assert first.submitted_at == second.submitted_at
        assert Delivery.objects.filter(reference=application.reference).count() == 1
    assert len(mail.outbox) == 1


def test_save_and_return_by_link(
    client, zeitz, dog_form, resident, django_capture_on_commit_callbacks
):
    _login(client, resident)
    application = _start(client)
    ref = application.reference
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/zeitz/antrag/{ref}/seite/1/", {"G60000086/F60000227": "Schmidt", "save": "1"}
        )
    assert response.status_code == 200
    assert "Your answers are saved" in response.content.decode()
    assert len(mail.outbox) == 1
    link = next(line for line in mail.outbox[0].body.splitlines() if "/fortsetzen/" in line)
    token = link.rstrip("/").rsplit("/", 1)[-1]
    with scope(municipality=zeitz):
        application.refresh_from_db()
    assert token not in application.resume_token_hash and len(application.resume_token_hash) == 64

    other = type(client)()  # another device, not logged in
    assert other.get(f"/zeitz/antrag/{ref}/pruefen/").status_code == 404
    response = other.get(link.replace("http://testserver", ""))
    assert response["Location"] == f"/zeitz/antrag/{ref}/pruefen/"
    response = other.get(f"/zeitz/antrag/{ref}/seite/1/")
    assert 'value="Schmidt"' in response.content.decode()
    assert other.get("/zeitz/antrag/fortsetzen/wrong-token/").status_code == 404


def test_other_applicant_and_other_municipality_see_nothing(
    client, zeitz, naumburg, dog_form, resident
):
    from tests.applications.conftest import offer_form
    from tests.conftest import make_user

    offer_form(naumburg)
    _login(client, resident)
    application = _start(client)
    ref = application.reference
    stranger = make_user("mallory@example.org")
    other = type(client)()
    _login(other, stranger)
    assert other.get(f"/zeitz/antrag/{ref}/seite/0/").status_code == 404
    assert other.get(f"/zeitz/antrag/{ref}/").status_code == 404
    # The same reference in another municipality's address: not found.
    assert client.get(f"/naumburg/antrag/{ref}/seite/0/").status_code == 404


def test_references_are_sequential_per_municipality(zeitz, naumburg):
    from revier.applications.services import reference_reserve

    with scope(municipality=zeitz):
        a = reference_reserve(municipality=zeitz)
        b = reference_reserve(municipality=zeitz)
    with scope(municipality=naumburg):
        c = reference_reserve(municipality=naumburg)
    assert a.endswith("-000001") and b.endswith("-000002")
    assert c.startswith("NAU-") and c.endswith("-000001")


def test_organisation_member_applies_for_organisation(client, zeitz, dog_form, resident):
    from revier.accounts.models import Membership, Organisation

    organisation = Organisation.objects.create(name="Muster GmbH")
    Membership.objects.create(organisation=organisation, user=resident)
    foreign = Organisation.objects.create(name="Fremd AG")
    _login(client, resident)
    page = client.get(f"/zeitz/antrag/neu/{LEIKA}/").content.decode()
    assert "For the organisation Muster GmbH" in page and "Fremd AG" not in page
    assert client.post(f"/zeitz/antrag/neu/{LEIKA}/", {"applicant": foreign.pk}).status_code == 400
    response = client.post(f"/zeitz/antrag/neu/{LEIKA}/", {"applicant": organisation.pk})
    assert response.status_code == 302
    with scopes_disabled():
        assert Application.objects.get().organisation == organisation


@pytest.mark.parametrize("count", [1, 6])
def test_query_counts_do_not_grow(
    client, zeitz, dog_form, resident, django_assert_max_num_queries, count
):
    _login(client, resident)
    refs = [_start_many(client) for _ in range(count)]
    ref = refs[0]
    with django_assert_max_num_queries(16):
        assert client.get("/zeitz/antrag/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(f"/zeitz/antrag/{ref}/seite/2/").status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(f"/zeitz/antrag/{ref}/pruefen/").status_code == 200


def _start_many(client):
    response = client.post(f"/zeitz/antrag/neu/{LEIKA}/", {"applicant": "self"})
    return response["Location"].split("/")[3]
