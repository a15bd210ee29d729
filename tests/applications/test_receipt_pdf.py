"""The receipt written directly as tagged PDF/A-3b: content (German and English), repeated
groups, payment details, line and page breaks, and the PDF/A parts (checked with pypdf and
fontTools: no PDF/A validator is installable here)."""

import datetime as dt
import io
from types import SimpleNamespace

import pytest
from fontTools.ttLib import TTFont
from pypdf import PdfReader

from revier.applications.receipt import receipt_pdf

TZ = dt.timezone(dt.timedelta(hours=1))


def _field(key, label, datatype="text", **extra):
    return {
        "type": "field",
        "key": key,
        "label": label,
        "kind": "input",
        "datatype": datatype,
        "choices": [],
        "min_occurs": 0,
        "max_occurs": 1,
        **extra,
    }


TREE = [
    {
        "type": "group",
        "key": "G1",
        "label": "Angaben zum Hund",
        "min_occurs": 1,
        "max_occurs": 1,
        "children": [
            _field("F1", "Rasse"),
            _field("F2", "Geburtsdatum", "date"),
            _field("F3", "Gefährlicher Hund", "bool"),
            _field("F4", "Bemerkung"),
        ],
    },
    {
        "type": "group",
        "key": "G2",
        "label": "Halterinnen und Halter",
        "min_occurs": 1,
        "max_occurs": None,
        "children": [_field("F5", "Familienname"), _field("F6", "Vorname")],
    },
]


def _application(language="de", data=None):
    municipality = SimpleNamespace(
        official_name="Stadt Zeitz",
        name="Zeitz",
        street="Altmarkt 1",
        postcode="06712",
        city="Zeitz",
    )
    return SimpleNamespace(
        language=language,
        municipality=municipality,
        submitted_at=dt.datetime(2026, 3, 14, 9, 30, tzinfo=TZ),
        reference="ZEI-2026-000042",
        service_name="Hundesteuer Anmeldung",
        leika="99108008000000",
        organisation_id=None,
        data=data
        if data is not None
        else {
            "G1": {"F1": "Dackel", "F2": "2024-02-29", "F3": False},
            "G2": [{"F5": "Schmidt", "F6": "Anna"}, {"F5": "Øre-Łukasz", "F6": "Ζωή"}],
        },
    )


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_german_receipt_holds_every_answer_and_the_municipality():
    pdf = receipt_pdf(application=_application(), tree=TREE)
    text = _text(pdf)
    for expected in (
        "Stadt Zeitz",
        "Altmarkt 1, 06712 Zeitz",
        "ZEI-2026-000042",
        "Hundesteuer Anmeldung (99108008000000)",
        "14.03.2026 09:30",
        "Angaben zum Hund",
        "Dackel",
        "29.02.2024",
        "Nein",
        "Halterinnen und Halter 1: Familienname",
        "Schmidt",
        "Halterinnen und Halter 2: Vorname",
        "Øre-Łukasz",
        "Ζωή",
        "Eingangsbestätigung",
    ):
        assert expected in text, expected
    # An unanswered field shows a dash.
    assert "Bemerkung –" in text


def test_english_receipt_and_invoice_details():
    payment = SimpleNamespace(
        method="INVOICE",
        amount="36.00",
        transaction_reference="5ZEI2026000042",
        get_status_display=lambda: "initial",
    )
    account = SimpleNamespace(
        account_holder="Stadtkasse Zeitz",
        iban="DE02120300000000202051",
        bic="BYLADEM1001",
        bank_name="Deutsche Kreditbank",
    )
    pdf = receipt_pdf(application=_application("en"), tree=TREE, payment=payment, account=account)
    text = _text(pdf)
    for expected in (
        "Receipt of your application",
        "Reference number ZEI-2026-000042",
        "Fees and payment",
        "36.00 EUR",
        "By bank transfer",
        "Kassenzeichen 5ZEI2026000042",
        "Stadtkasse Zeitz",
        "IBAN DE02120300000000202051",
        "BIC BYLADEM1001",
        "Deutsche Kreditbank",
        "No",
    ):
        assert expected in text, expected
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.title == "Receipt ZEI-2026-000042"


def test_long_answers_wrap_and_break_pages():
    long = " ".join(f"Wort{i}" for i in range(1500)) + " " + "x" * 400
    data = {"G1": {"F1": "Dackel", "F4": long}, "G2": [{"F5": f"Name{i}"} for i in range(40)]}
    pdf = receipt_pdf(application=_application(data=data), tree=TREE)
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 3
    text = _text(pdf)
    words = [w for w in text.split() if w.startswith("Wort")]
    assert words == [f"Wort{i}" for i in range(1500)]  # nothing lost or reordered
    assert text.replace("\n", "").count("x" * 400) == 1  # a long word is broken, not cut
    assert "Name39" in text
    assert [p.extract_text().strip().splitlines()[-1] for p in reader.pages][-1] == (
        f"{len(reader.pages)} / {len(reader.pages)}"
    )


def test_pdf_a_3b_parts_and_tags():
    pdf = receipt_pdf(application=_application(), tree=TREE)
    assert pdf.startswith(b"%PDF-1.7\n%")
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert len(reader.trailer["/ID"]) == 2
    xmp = root["/Metadata"].get_object()
    assert "/Filter" not in xmp
    xmp = xmp.get_data()
    assert b'pdfaid:part="3" pdfaid:conformance="B"' in xmp
    assert '<rdf:li xml:lang="x-default">Eingangsbestätigung ZEI-2026-000042</rdf:li>' in (
        xmp.decode()
    )
    assert reader.metadata.title == "Eingangsbestätigung ZEI-2026-000042"
    assert "2026-03-14T09:30:00+01:00" in xmp.decode()
    assert reader.metadata["/CreationDate"] == "D:20260314093000+01'00'"
    intent = root["/OutputIntents"][0]
    assert intent["/S"] == "/GTS_PDFA1"
    profile = intent["/DestOutputProfile"].get_object()
    assert profile["/N"] == 3 and profile.get_data()[36:40] == b"acsp"  # an ICC profile
    assert root["/Lang"] == "de"
    assert bool(root["/MarkInfo"]["/Marked"])

    # Every font is embedded, a subset with ToUnicode, and a TrueType font fontTools can read.
    fonts = reader.pages[0]["/Resources"]["/Font"]
    assert set(fonts) == {"/F1", "/F2"}
    for ref in fonts.values():
        font = ref.get_object()
        assert font["/Subtype"] == "/Type0" and "/ToUnicode" in font
        cid_font = font["/DescendantFonts"][0].get_object()
        descriptor = cid_font["/FontDescriptor"]
        assert descriptor["/FontName"].split("+")[1] in ("DejaVuSans", "DejaVuSans-Bold")
        program = descriptor["/FontFile2"].get_object().get_data()
        embedded = TTFont(io.BytesIO(program))
        assert embedded["maxp"].numGlyphs < 150  # a subset, not the 6000 glyphs
        embedded["glyf"].glyphs  # noqa: B018 - parses every outline

    # The structure: Document → P, H1, H2, Table → TR → TH (row header) + TD.
    def tags(element, depth=0):
        element = element.get_object()
        found = [element["/S"]]
        for kid in element.get("/K", []):
            kid = kid.get_object() if hasattr(kid, "get_object") else kid
            if isinstance(kid, dict) and kid.get("/Type") == "/StructElem":
                found += tags(kid, depth + 1)
        return found

    found = tags(root["/StructTreeRoot"]["/K"][0])
    assert found[0] == "/Document"
    assert {"/P", "/H1", "/H2", "/Table", "/TR", "/TH", "/TD"} <= set(found)
    assert found.count("/H2") == 2
    assert found.count("/TH") == 3 + 4 + 4  # head table, dog, two holders × two fields


@pytest.mark.parametrize("text", ["漢字", "\u0301"])
def test_characters_without_glyph_do_not_break_the_receipt(text):
    data = {"G1": {"F1": f"Dackel {text}"}, "G2": [{"F5": "Schmidt"}]}
    pdf = receipt_pdf(application=_application(data=data), tree=TREE)
    assert "Dackel" in _text(pdf)
