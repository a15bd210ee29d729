"""The decision (Bescheid) as a DIN 5008 form B letter (issue 12, item 9): PDF/A-3b with the
shipped fonts, the letterhead with the logo, the return line and the address in the window of
the envelope, the information block beside it, the salutation by the person's form of address,
tenor and reasons, fees, the Rechtsbehelfsbelehrung naming the authority and its address, the
note on the missing signature and page numbers. Positions are read from the PDF with pypdf."""

import datetime as dt
import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.utils import timezone, translation
from django_scopes import scope
from pypdf import PdfReader

from revier.cases.decision import decision_pdf, fill, placeholder_values
from revier.core.documents.letter import salutation
from tests.cases.conftest import make_case

MM = 72 / 25.4
APPEAL = (
    "Gegen diesen Bescheid kann innerhalb eines Monats nach Bekanntgabe Widerspruch erhoben "
    "werden. Der Widerspruch ist schriftlich oder zur Niederschrift bei der {authority}, "
    "einzulegen."
)


def positions(pdf: bytes, page: int = 0) -> list[tuple[float, float, str]]:
    """(x, y) of each piece of text in millimetres from the top left corner of the page."""
    reader = PdfReader(io.BytesIO(pdf))
    sheet = reader.pages[page]
    height = float(sheet.mediabox.height)
    found = []

    def visit(text, cm, tm, _font, _size):
        if text.strip():
            x = cm[0] * tm[4] + cm[2] * tm[5] + cm[4]
            y = cm[1] * tm[4] + cm[3] * tm[5] + cm[5]
            found.append((x / MM, (height - y) / MM, text.strip()))

    sheet.extract_text(visitor_text=visit)
    return found


def at(found, text: str) -> tuple[float, float]:
    for x, y, piece in found:
        if piece == text:
            return x, y
    raise AssertionError(f"{text!r} not in {[p for _x, _y, p in found]}")


def png_logo() -> bytes:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", (120, 40), "#0b5394").save(buffer, "PNG")
    return buffer.getvalue()


@pytest.fixture
def letter_case(zeitz, worker):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from revier.accounts.services import user_create
    from revier.services.models import Office
    from revier.tenancy.services import municipality_set_logo, municipality_update

    municipality_update(
        municipality=zeitz,
        official_name="Stadt Zeitz",
        street="Altmarkt 1",
        postcode="06712",
        city="Zeitz",
        phone="03441 12345-0",
    )
    municipality_set_logo(
        municipality=zeitz,
        logo=SimpleUploadedFile("wappen.png", png_logo(), content_type="image/png"),
    )
    anna = user_create(
        email="anna@example.org",
        first_name="Anna",
        last_name="Schmidt",
        form_of_address="ms",
        verified=True,
    )
    anna.street, anna.postcode, anna.city = "Altmarkt 3", "06712", "Zeitz"
    anna.save()
    worker.first_name, worker.last_name = "Max", "Mustermann"
    worker.save()
    with scope(municipality=zeitz):
        office = Office.objects.create(
            municipality=zeitz,
            name="Bürgerbüro",
            phone="03441 12345-101",
            email="buergerbuero@zeitz.example",
        )
    received = timezone.make_aware(dt.datetime(2026, 11, 30, 10, 0))
    return make_case(
        zeitz,
        123,
        applicant=anna,
        applicant_name="Anna Schmidt",
        office=office,
        received_at=received,
    )


def _write(case, worker, text, subject="Bescheid zu Ihrem Antrag {reference}"):
    from revier.cases.services import case_decision_create

    with scope(municipality=case.municipality):
        values = placeholder_values(case=case, result="granted")
        decision = case_decision_create(
            case=case,
            actor=worker,
            result="granted",
            subject=fill(subject, values),
            text=fill(text, values),
        )
        return bytes(decision.document.content)


def test_the_bescheid_is_a_din_5008_letter(letter_case, worker):
    text = (
        "über Ihren Antrag „{service}“ vom {application_date} wird wie folgt entschieden:\n\n"
        "Dem Antrag wird stattgegeben.\n\nBegründung: Die Voraussetzungen liegen vor.\n---\n"
        + APPEAL
    )
    pdf = _write(letter_case, worker, text)
    found = positions(pdf)
    pieces = [p for _x, _y, p in found]
    today = timezone.localdate().strftime("%d.%m.%Y")

    # Letterhead with the name and the logo (an image on the first page), top of the page.
    x, y = at(found, "Stadt Zeitz")
    assert x == pytest.approx(25, abs=0.5) and y < 30
    assert "Bürgerbüro" in pieces
    images = PdfReader(io.BytesIO(pdf)).pages[0].images
    assert len(images) == 1

    # Return line in the Zusatz- und Vermerkzone (45–62.7 mm), address below it in the
    # Anschriftzone (62.7–90 mm), both from 25 mm (the field is at 20 mm, the text 5 mm in).
    x, y = at(found, "Stadt Zeitz · Altmarkt 1 · 06712 Zeitz")
    assert x == pytest.approx(25, abs=0.5) and 45 < y <= 62.7
    address = ["Frau", "Anna Schmidt", "Altmarkt 3", "06712 Zeitz"]
    lines = [at(found, line) for line in address]
    for x, y in lines:
        assert x == pytest.approx(25, abs=0.5) and 62.7 < y < 90
    assert [y for _x, y in lines] == sorted(y for _x, y in lines)

    # Information block at 125 mm from 50 mm down: file number, date of the application,
    # contact, office, phone, e-mail, date.
    info = [
        ("Aktenzeichen", "ZEI-C-000123"),
        ("Ihr Antrag vom", "30.11.2026"),
        ("Ansprechperson", "Max Mustermann"),
        ("Dienststelle", "Bürgerbüro"),
        ("Telefon", "03441 12345-101"),
        ("E-Mail", "buergerbuero@zeitz.example"),
        ("Datum", today),
    ]
    previous = 0
    for label, value in info:
        lx, ly = at(found, label)
        vx, vy = at([piece for piece in found if piece[0] > 140], value)
        assert lx == pytest.approx(125, abs=0.5) and 50 < ly < 98, label
        assert vy == pytest.approx(ly, abs=0.2) and vx > lx, value
        assert ly > previous
        previous = ly

    # The text: subject in bold below the address field, salutation, tenor, reasons,
    # Rechtsbehelfsbelehrung naming the authority and its address, closing, note.
    _x, subject_y = at(found, "Bescheid zu Ihrem Antrag ZEI-C-000123")
    assert 95 < subject_y < 110
    order = [
        "Bescheid zu Ihrem Antrag ZEI-C-000123",
        "Sehr geehrte Frau Schmidt,",
        "über Ihren Antrag „Hundesteuer Anmeldung“ vom 30.11.2026 wird wie folgt",
        "Dem Antrag wird stattgegeben.",
        "Begründung: Die Voraussetzungen liegen vor.",
        "Rechtsbehelfsbelehrung",
        "Mit freundlichen Grüßen",
        "Im Auftrag",
        "Max Mustermann",
        "Dieses Schreiben wurde elektronisch erstellt und ist ohne Unterschrift gültig.",
    ]
    whole = " ".join(p for _x, y, p in found if y > 95)
    indexes = [whole.index(line) for line in order]
    assert indexes == sorted(indexes)
    assert (
        "Der Widerspruch ist schriftlich oder zur Niederschrift bei der Stadt Zeitz, Altmarkt 1, "
        "06712 Zeitz, einzulegen." in whole
    )
    assert "Sehr geehrte/r" not in whole and "vom Aktenzeichen" not in whole
    # Footer: the authority's contact and the page number on every page.
    assert "Seite 1 von 1" in pieces
    assert "Telefon 03441 12345-0 · rathaus@zeitz.example" in pieces

    reader = PdfReader(io.BytesIO(pdf))
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3" pdfaid:conformance="B"' in xmp


def test_page_numbers_and_letterhead_on_a_long_letter(letter_case, worker):
    reasons = "\n\n".join(
        f"Absatz {n}: " + "Die Prüfung hat ergeben, dass " * 12 for n in range(12)
    )
    pdf = _write(letter_case, worker, "Dem Antrag wird stattgegeben.\n\n" + reasons)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) == 2
    first, second = positions(pdf, 0), positions(pdf, 1)
    assert "Seite 1 von 2" in [p for *_xy, p in first]
    assert "Seite 2 von 2" in [p for *_xy, p in second]
    # The second page has no address field and starts at the top margin.
    assert "Frau" not in [p for *_xy, p in second]
    assert min(y for _x, y, _p in second) < 30


def test_fees_in_the_letter(letter_case, worker):
    from revier.cases.models import CasePayment
    from revier.payments.models import Fee
    from revier.services.models import LocalService, Service

    zeitz = letter_case.municipality
    with scope(municipality=zeitz):
        service, _made = Service.objects.get_or_create(
            leika=letter_case.leika, defaults={"name": "Hundesteuer Anmeldung"}
        )
        local = LocalService.objects.create(municipality=zeitz, service=service)
        Fee.objects.create(
            municipality=zeitz, local_service=local, amount=Decimal("12.00"), label="Anmeldung"
        )
        CasePayment.objects.create(
            municipality=zeitz,
            case=letter_case,
            amount=Decimal("12.00"),
            method="cash",
            paid_on=timezone.localdate(),
        )
    pdf = _write(letter_case, worker, "Dem Antrag wird stattgegeben.")
    pieces = [p for *_xy, p in positions(pdf)]
    assert "Kosten" in pieces
    assert "Für diesen Bescheid wird eine Gebühr von 12,00\u00a0€ erhoben. (Anmeldung)" in pieces
    assert "Die Gebühr ist bereits bezahlt." in pieces


@pytest.mark.parametrize(
    ("form", "given", "family", "expected"),
    [
        ("ms", "Anna", "Schmidt", "Sehr geehrte Frau Schmidt,"),
        ("mr", "Lukas", "Becker", "Sehr geehrter Herr Becker,"),
        ("", "Anna", "Schmidt", "Guten Tag Anna Schmidt,"),
        ("ms", "Anna", "", "Guten Tag Anna,"),
        ("", "", "", "Guten Tag,"),
    ],
)
def test_salutation_by_form_of_address(form, given, family, expected):
    with translation.override("de"):
        assert salutation(form_of_address=form, given_name=given, family_name=family) == expected


def test_without_an_account_the_letter_greets_by_name_and_never_sehr_geehrte_r(zeitz, worker):
    case = make_case(zeitz, 7, applicant_name="Kim Berger")
    pdf = _write(case, worker, "Dem Antrag wird stattgegeben.")
    pieces = [p for *_xy, p in positions(pdf)]
    assert "Guten Tag Kim Berger," in pieces
    assert "Kim Berger" in pieces  # the address field's name line
    assert not any("geehrte/r" in p for p in pieces)


def test_the_demo_template_names_the_date_of_the_application():
    from revier.cases.demo import TEMPLATE_BODY

    municipality = SimpleNamespace(
        official_name="Stadt Zeitz",
        name="Zeitz",
        street="Altmarkt 1",
        postcode="06712",
        city="Zeitz",
    )
    case = SimpleNamespace(
        reference="ZEI-2026-000123",
        service_name="Wohnsitz Anmeldung",
        applicant_name="Anna Schmidt",
        municipality=municipality,
        application_id=None,
        received_at=timezone.make_aware(dt.datetime(2026, 11, 30, 10, 0)),
    )
    with translation.override("de"):
        text = fill(TEMPLATE_BODY, placeholder_values(case=case, result="granted"))
    assert text.startswith(
        "über Ihren Antrag „Wohnsitz Anmeldung“ vom 30.11.2026 wird wie folgt entschieden:"
    )
    assert "bei der Stadt Zeitz, Altmarkt 1, 06712 Zeitz, einzulegen." in text
    assert "Sehr geehrte/r" not in text and "vom Aktenzeichen" not in text


def test_the_letter_is_a_tagged_pdf_a_with_the_shipped_fonts(letter_case, worker):
    pdf = _write(letter_case, worker, "Ihr Hund Øre wird veranlagt.", subject="Bescheid <Hund>")
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert "Bescheid &lt;Hund&gt; – ZEI-C-000123" in xmp  # the title
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert root["/Lang"] == "de" and "/StructTreeRoot" in root
    names = {
        str(ref.get_object()["/BaseFont"]).split("+")[1]
        for ref in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert names == {"Revier-Sans", "Revier-Sans-Bold"}
    pieces = [p for *_xy, p in positions(pdf)]
    assert "Bescheid <Hund>" in pieces and "Ihr Hund Øre wird veranlagt." in pieces


def test_decision_pdf_without_database_objects():
    """The letter from plain objects (previews, other callers): nothing but the fields used."""
    municipality = SimpleNamespace(
        official_name="",
        name="Zeitz",
        street="",
        postcode="",
        city="",
        phone="",
        email="",
    )
    case = SimpleNamespace(
        reference="ZEI-1", service_name="S", applicant_name="", municipality=municipality
    )
    pdf = decision_pdf(case=case, subject="Bescheid", text="Text.", signer=None)
    pieces = [p for *_xy, p in positions(pdf)]
    assert "Guten Tag," in pieces and "Zeitz" in pieces
