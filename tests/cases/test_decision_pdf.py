"""The decision (Bescheid) PDF through the documents service: PDF/A-3b, tagged, the shipped
fonts, the placeholders' text and the Rechtsbehelfsbelehrung under its heading."""

import io
from types import SimpleNamespace

from pypdf import PdfReader

from revier.cases.decision import decision_pdf


def test_decision_is_a_tagged_pdf_a_with_the_shipped_fonts():
    municipality = SimpleNamespace(
        official_name="Stadt Zeitz",
        name="Zeitz",
        street="Altmarkt 1",
        postcode="06712",
        city="Zeitz",
        phone="03441 83-0",
        email="post@zeitz.de",
    )
    case = SimpleNamespace(
        reference="ZEI-C-000042",
        service_name="Hundesteuer Anmeldung",
        applicant_name="Anna Schmidt",
        municipality=municipality,
    )
    signer = SimpleNamespace(get_full_name=lambda: "Max Mustermann", email="max@zeitz.de")
    text = "Ihr Hund Øre wird veranlagt.\n\nMit freundlichen Grüßen\n---\nWiderspruch ist möglich."
    pdf = decision_pdf(case=case, subject="Bescheid <Hundesteuer>", text=text, signer=signer)

    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    xmp = root["/Metadata"].get_object().get_data().decode()
    assert 'pdfaid:part="3" pdfaid:conformance="B"' in xmp
    assert "Bescheid &lt;Hundesteuer&gt; – ZEI-C-000042" in xmp  # the title
    assert root["/OutputIntents"][0].get_object()["/S"] == "/GTS_PDFA1"
    assert root["/Lang"] == "de" and "/StructTreeRoot" in root
    names = {
        str(ref.get_object()["/BaseFont"]).split("+")[1]
        for ref in reader.pages[0]["/Resources"]["/Font"].values()
    }
    assert names == {"Revier-Sans", "Revier-Sans-Bold"}
    page = reader.pages[0].extract_text()
    for expected in (
        "Stadt Zeitz",
        "ZEI-C-000042",
        "Bescheid <Hundesteuer>",  # escaped in the HTML, shown as typed
        "Ihr Hund Øre wird veranlagt.",
        "Rechtsbehelfsbelehrung",
        "Widerspruch ist möglich.",
        "Max Mustermann",
    ):
        assert expected in page, expected
    assert page.index("Mit freundlichen Grüßen") < page.index("Rechtsbehelfsbelehrung")
