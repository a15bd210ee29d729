"""The documents service: the direct PDF/A writer (document model, embedded files, PDF/A
parts, linear line breaking) and the WeasyPrint writer (shared fonts, PDF/A on request,
attachments, no network). PDF/A parts are checked with pypdf and fontTools: no validator is
installable here (ADR 0012)."""

import datetime as dt
import io
import itertools

import pytest
from fontTools.ttLib import TTFont
from PIL import Image
from pypdf import PdfReader

from revier.core.documents import (
    Attachment,
    Document,
    Heading,
    Paragraph,
    Row,
    Table,
    pdfa,
    render_html_pdf,
    write_pdfa,
)
from revier.core.documents import html as html_writer
from revier.core.documents.fonts import FONT_DIR, font
from revier.core.documents.layout import CONTENT_WIDTH

CREATED = dt.datetime(2026, 12, 7, 10, 15, tzinfo=dt.timezone(dt.timedelta(hours=1)))


def _text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def _embedded_fonts(reader: PdfReader) -> dict[str, TTFont]:
    """Base font name → the embedded font program, of every font on every page."""
    found = {}
    for page in reader.pages:
        for ref in page["/Resources"]["/Font"].values():
            descendant = ref.get_object()["/DescendantFonts"][0].get_object()
            descriptor = descendant["/FontDescriptor"]
            program = descriptor["/FontFile2"].get_object().get_data()
            found[str(descriptor["/FontName"])] = TTFont(io.BytesIO(program))
    return found


def _attachments(reader: PdfReader) -> dict[str, tuple[bytes, str, str]]:
    """File name → (data, MIME subtype name, relationship), read from the catalog's /AF."""
    found = {}
    for ref in reader.trailer["/Root"].get("/AF", []):
        spec = ref.get_object()
        stream = spec["/EF"]["/F"].get_object()
        found[str(spec["/UF"])] = (
            stream.get_data(),
            str(stream["/Subtype"]),
            str(spec["/AFRelationship"]),
        )
    return found


def _is_pdfa_3b(reader: PdfReader) -> bool:
    root = reader.trailer["/Root"]
    if "/Metadata" not in root:
        return False
    xmp = root["/Metadata"].get_object().get_data().decode()
    intents = root.get("/OutputIntents", [])
    return 'pdfaid:part="3" pdfaid:conformance="B"' in xmp and any(
        intent.get_object()["/S"] == "/GTS_PDFA1" for intent in intents
    )


def _document(**extra) -> Document:
    return Document(
        title="Probe – Überschrift",
        lang="de",
        created=CREATED,
        blocks=[
            Paragraph("Stadt Zeitz\nAltmarkt 1"),
            Heading("Eine Überschrift"),
            Table([Row("Aktenzeichen", "ZEI-1"), Row("Leer", None), Row("Auch leer", "")]),
            Heading("Ein Abschnitt", level=2),
            Paragraph("Grüße an Øre-Łukasz und Ζωή."),
        ],
        **extra,
    )


# --- the direct writer --------------------------------------------------------------------------


def test_direct_writer_makes_a_tagged_pdf_a_with_the_shipped_fonts():
    pdf = write_pdfa(_document())
    reader = PdfReader(io.BytesIO(pdf))
    text = _text(pdf)
    for expected in ("Stadt Zeitz", "Altmarkt 1", "Eine Überschrift", "Aktenzeichen ZEI-1"):
        assert expected in text, expected
    assert "Leer –" in text and "Auch leer –" in text
    assert "Øre-Łukasz und Ζωή" in text
    assert _is_pdfa_3b(reader)
    root = reader.trailer["/Root"]
    assert root["/Lang"] == "de" and bool(root["/MarkInfo"]["/Marked"])
    assert reader.metadata.title == "Probe – Überschrift"
    assert reader.metadata["/CreationDate"] == "D:20261207101500+01'00'"
    fonts = _embedded_fonts(reader)
    assert sorted(name.split("+")[1] for name in fonts) == ["DejaVuSans", "DejaVuSans-Bold"]
    for program in fonts.values():
        assert program["maxp"].numGlyphs < 100  # a subset
    assert "/AF" not in root and "/Names" not in root  # nothing attached, nothing listed


def test_direct_writer_embeds_attachments_as_pdf_a_3_associated_files():
    data = b'{"reference": "ZEI-1"}'
    pdf = write_pdfa(
        _document(
            attachments=[
                Attachment("zz-antworten.json", data, "application/json", "Die Antworten", "Data"),
                Attachment("Ärztliches Attest.txt", b"gesund", "text/plain"),
            ]
        )
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert _attachments(reader) == {
        "zz-antworten.json": (data, "/application/json", "/Data"),
        "Ärztliches Attest.txt": (b"gesund", "/text/plain", "/Supplement"),
    }
    assert b"/Subtype /application#2Fjson" in pdf  # "/" in a name is escaped
    # Listed in the name tree too (what viewers show), sorted by key.
    assert reader.attachments == {
        "zz-antworten.json": [data],
        "Ärztliches Attest.txt": [b"gesund"],
    }
    names = reader.trailer["/Root"]["/Names"]["/EmbeddedFiles"]["/Names"]
    assert [str(name) for name in names[::2]] == ["zz-antworten.json", "Ärztliches Attest.txt"]
    assert _is_pdfa_3b(reader)


def test_direct_writer_starts_new_pages_and_numbers_them():
    rows = [Row(f"Frage {i}", f"Antwort {i}") for i in range(120)]
    pdf = write_pdfa(Document(title="Lang", lang="en", created=CREATED, blocks=[Table(rows)]))
    reader = PdfReader(io.BytesIO(pdf))
    assert len(reader.pages) >= 2
    text = _text(pdf)
    assert "Frage 119 Antwort 119" in text
    assert (
        reader.pages[-1]
        .extract_text()
        .strip()
        .endswith(f"{len(reader.pages)} / {len(reader.pages)}")
    )


@pytest.mark.parametrize(
    "make",
    [
        lambda: Heading("x", level=3),
        lambda: Attachment("../etc/passwd", b""),
        lambda: Attachment("a\r\nb.txt", b""),
        lambda: Attachment("a.txt", b"", relationship="Friend"),
        lambda: Attachment("a.txt", b"", mime_type="json"),
        lambda: Document(title="t", lang="de", created=dt.datetime(2026, 1, 1)),  # naive
    ],
)
def test_bad_document_parts_are_refused(make):
    with pytest.raises(ValueError):
        make()


def test_duplicate_attachment_names_are_refused_by_both_writers():
    twice = [Attachment("a.txt", b"1"), Attachment("a.txt", b"2")]
    with pytest.raises(ValueError, match="unique"):
        write_pdfa(_document(attachments=twice))
    with pytest.raises(ValueError, match="unique"):
        render_html_pdf("<p>x</p>", attachments=twice)


def test_an_unknown_block_is_refused():
    with pytest.raises(TypeError):
        write_pdfa(Document(title="t", lang="de", created=CREATED, blocks=["just a string"]))


# --- line breaking is linear (issue 13: a 1,000,000-character answer stalled a worker) ----------


class _CountingGlyphs(list):
    """A word's glyphs that count every element read through indexing or slicing: the work
    ``wrap`` does on a word beyond copying each glyph once into its line."""

    reads = 0

    def __getitem__(self, index):
        result = list.__getitem__(self, index)
        if isinstance(index, slice):
            _CountingGlyphs.reads += len(result)
            return _CountingGlyphs(result)
        _CountingGlyphs.reads += 1
        return result


@pytest.fixture
def counted(monkeypatch):
    face = font(pdfa.BODY.font)
    original = face.word

    def word(text):
        glyphs, width = original(text)
        return _CountingGlyphs(glyphs), width

    monkeypatch.setattr(face, "word", word)
    _CountingGlyphs.reads = 0
    return face


def _reads_for_one_word(length: int) -> tuple[int, list[list[int]]]:
    _CountingGlyphs.reads = 0
    lines = pdfa.wrap("x" * length, pdfa.BODY, CONTENT_WIDTH)
    return _CountingGlyphs.reads, lines


def test_a_long_word_wraps_with_work_linear_in_its_length(counted):
    per_line = int(
        CONTENT_WIDTH / (pdfa.BODY.size / 1000) // counted.widths[counted.cmap[ord("x")]]
    )
    x = counted.cmap[ord("x")]

    reads_10k, _lines = _reads_for_one_word(10_000)
    reads_100k, _lines = _reads_for_one_word(100_000)
    reads_1m, lines = _reads_for_one_word(1_000_000)

    # Every line is full but the last, nothing lost: the right number of lines.
    assert len(lines) == -(-1_000_000 // per_line)
    assert all(len(line) == per_line for line in lines[:-1])
    assert sum(len(line) for line in lines) == 1_000_000 and {
        g for line in lines for g in line
    } == {x}
    # Each glyph is read a bounded number of times (measured: under three), so ten times the
    # text is about ten times the work; the quadratic version read ~per_line/2 × more at 1M.
    assert reads_1m <= 3 * 1_000_000
    assert reads_100k <= 11 * reads_10k
    assert reads_1m <= 11 * reads_100k


def test_a_million_characters_of_words_wrap_greedily_and_completely(counted):
    words = [("wort" if i % 3 else "langes-wort") + str(i % 97) for i in range(120_000)]
    text = " ".join(words)
    assert len(text) > 1_000_000
    lines = pdfa.wrap(text, pdfa.BODY, CONTENT_WIDTH)
    # Only a word that starts a line is copied from; nothing is read twice.
    assert _CountingGlyphs.reads <= len(text)
    face, space = counted, counted.cmap[ord(" ")]
    limit = CONTENT_WIDTH / (pdfa.BODY.size / 1000)

    def width(glyphs):
        return sum(face.widths[g] for g in glyphs)

    # Lines joined by spaces give back the text; each fits, and the next word would not have.
    assert [g for line in lines for g in [*line, space]][:-1] == face.glyphs(text)
    assert all(width(line) <= limit for line in lines)
    for line, following in itertools.pairwise(lines):
        next_word = following[: following.index(space)] if space in following else following
        assert width(line) + face.widths[space] + width(next_word) > limit


# --- the WeasyPrint writer ----------------------------------------------------------------------


HTML = """<!DOCTYPE html><html lang="de"><head><meta charset="utf-8"><title>Bescheid 1</title>
</head><body><h1>Bescheid über Øre</h1><p><strong>Fett</strong> und normal: Ζωή.</p>
</body></html>"""


def test_html_writer_uses_the_shipped_fonts_and_writes_pdf_a():
    pdf = render_html_pdf(HTML, pdfa=True)
    reader = PdfReader(io.BytesIO(pdf))
    assert "Bescheid über Øre" in _text(pdf) and "Ζωή" in _text(pdf)
    fonts = _embedded_fonts(reader)
    # The @font-face family of the shipped DejaVu files, regular and bold, as subsets.
    assert sorted(name.split("+")[1] for name in fonts) == ["Revier-Sans", "Revier-Sans-Bold"]
    shipped = TTFont(FONT_DIR / "DejaVuSans.ttf")
    for program in fonts.values():
        assert program["maxp"].numGlyphs < 1000  # a subset, not the 6000 glyphs
        assert program["head"].unitsPerEm == shipped["head"].unitsPerEm
    assert _is_pdfa_3b(reader)
    assert reader.trailer["/Root"]["/Lang"] == "de"
    assert "/StructTreeRoot" in reader.trailer["/Root"]  # tagged


def test_html_writer_without_pdfa_and_with_an_attachment():
    data = b"<xml/>"
    pdf = render_html_pdf(
        HTML, pdfa=False, attachments=[Attachment("daten.xml", data, "application/xml", "Daten")]
    )
    reader = PdfReader(io.BytesIO(pdf))
    assert not _is_pdfa_3b(reader)
    assert reader.attachments == {"daten.xml": [data]}
    assert _embedded_fonts(reader)


def test_html_writer_fetches_nothing_from_the_network_or_outside_its_directories(tmp_path):
    fetcher = html_writer._fetcher(tmp_path.resolve())
    for url in ("http://127.0.0.1:9/x.png", "https://example.org/a.css", "ftp://x/y"):
        with pytest.raises(ValueError):
            fetcher.fetch(url)
    with pytest.raises(ValueError):
        fetcher.fetch("file:///etc/passwd")
    with pytest.raises(ValueError):
        fetcher.fetch((tmp_path / ".." / "elsewhere.css").as_uri())
    (tmp_path / "logo.svg").write_text("<svg xmlns='http://www.w3.org/2000/svg'/>")
    assert fetcher.fetch((tmp_path / "logo.svg").as_uri()).read().startswith(b"<svg")
    assert fetcher.fetch((FONT_DIR / "DejaVuSans.ttf").as_uri()).read(4) == b"\0\1\0\0"
    # In a document a refused image is left out, the PDF is still made; one below base_url
    # is drawn.
    Image.new("RGB", (4, 4), "red").save(tmp_path / "logo.png")

    def images(pdf):
        page = PdfReader(io.BytesIO(pdf)).pages[0]
        return list(page["/Resources"].get("/XObject", {}).values())

    refused = render_html_pdf('<img src="http://127.0.0.1:9/x.png" alt="">', base_url=tmp_path)
    assert refused.startswith(b"%PDF") and images(refused) == []
    drawn = render_html_pdf('<img src="logo.png" alt="Logo">', base_url=tmp_path)
    assert len(images(drawn)) == 1
