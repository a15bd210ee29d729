"""The direct writer: tagged PDF/A-3b documents made of headings, paragraphs and two-column
tables (``model.Document``), with embedded files, written with plain bytes in a few ms.

HTML layout (WeasyPrint) cost ~95 ms per receipt, most of the CPU of a submission
(benchmarks/RESULTS.md, ADR 0012). Here text is measured with the font's advance widths (no
kerning, no shaping: Latin, Greek and Cyrillic are fine; characters the font lacks show as
U+FFFD) and broken into lines at spaces (long words by character); rows and lines that do not
fit move to the next page. Line breaking is linear in the length of the text.

PDF/A-3b: fonts embedded (subset of the used glyphs, glyph ids kept, ``ToUnicode`` so the text
can be extracted and searched), sRGB output intent (the ICC profile WeasyPrint ships), XMP
metadata matching the document information, file identifier, embedded files with their
relationship (``/AF``). Tagged: ``Document`` with ``P``, ``H1``, ``H2`` and
``Table``/``TR``/``TH``/``TD`` (row headers), page numbers and rules as artifacts, document
language and title.
"""

from __future__ import annotations

import hashlib
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from xml.sax.saxutils import escape

from revier.core.documents import model
from revier.core.documents.fonts import BOLD, REGULAR, font
from revier.core.documents.layout import (
    CONTENT_WIDTH,
    LINE_HEIGHT,
    MARGIN_X,
    MARGIN_Y,
    MM,
    PAGE_HEIGHT,
    PAGE_WIDTH,
)

PRODUCER = "Revier"

LABEL_WIDTH = CONTENT_WIDTH * 0.45
CELL_PADDING = 1 * MM  # above and below a row; right of a cell: 2 mm
CELL_GAP = 2 * MM

TEXT_COLOUR = b"0.067 0.067 0.067 rg"
LABEL_COLOUR = b"0.2 0.2 0.2 rg"
RULE_COLOUR = b"0.533 0.533 0.533 RG"


def write_pdfa(document: model.Document) -> bytes:
    """The document as a tagged PDF/A-3b."""
    names = [attachment.filename for attachment in document.attachments]
    if len(set(names)) != len(names):
        raise ValueError("attachment file names must be unique")
    layout = _Layout(title=document.title, lang=document.lang)
    for block in document.blocks:
        if isinstance(block, model.Heading):
            (layout.heading1 if block.level == 1 else layout.heading2)(block.text)
        elif isinstance(block, model.Paragraph):
            layout.paragraph(block.text)
        elif isinstance(block, model.Table):
            layout.table(block.rows)
        else:
            raise TypeError(f"not a block: {block!r}")
    return layout.pdf(created=document.created, attachments=document.attachments)


@cache
def _srgb_profile_compressed() -> bytes:
    return zlib.compress(_srgb_profile(), 9)


@cache
def _srgb_profile() -> bytes:
    # The sRGB profile WeasyPrint ships (and embedded in the receipts it made); found without
    # importing WeasyPrint, which would load Pango.
    spec = find_spec("weasyprint")
    return (Path(spec.origin).parent / "pdf" / "sRGB2014.icc").read_bytes()


# --- the document -------------------------------------------------------------------------------


@dataclass
class _Element:
    tag: str
    parent: _Element | None
    kids: list = field(default_factory=list)  # _Element or (page index, mcid)
    attributes: dict | None = None


@dataclass
class _Page:
    ops: list[bytes] = field(default_factory=list)
    marks: list[_Element] = field(default_factory=list)  # index = MCID


@dataclass
class _Style:
    font: str
    size: float
    colour: bytes = TEXT_COLOUR


BODY = _Style(REGULAR, 10)
LABEL = _Style(REGULAR, 10, LABEL_COLOUR)
H1 = _Style(BOLD, 16)
H2 = _Style(BOLD, 12)
FOOTER = _Style(REGULAR, 8)
FONT_KEYS = {REGULAR: "F1", BOLD: "F2"}


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).replace("\t", " ").replace("\r\n", "\n")


def wrap(text: str, style: _Style, width: float) -> list[list[int]]:
    """Glyph lines of ``text`` no wider than ``width``: broken at spaces, words longer than a
    line by character; line breaks of the text are kept.

    Linear in the length of the text: every glyph is looked at a bounded number of times and
    copied once into its line (lines grow in place; a long word is cut by index, not by
    copying its rest for every line, which made a 1,000,000-character answer take 30 s).
    """
    face = font(style.font)
    widths = face.widths
    scale = style.size / 1000
    limit = width / scale  # in 1/1000 em
    space_glyphs, space = face.word(" ")
    lines: list[list[int]] = []
    for paragraph in _normalise(text).split("\n"):
        line: list[int] = []  # always a fresh list: face.word's glyphs are shared
        line_width = 0
        for word in paragraph.split(" "):
            glyphs, word_width = face.word(word)
            gap = space if line else 0
            if line_width + gap + word_width <= limit:
                if line:
                    line += space_glyphs
                line += glyphs
                line_width += gap + word_width
                continue
            if line:
                lines.append(line)
                line, line_width = [], 0
            start, count = 0, len(glyphs)
            while word_width > limit:  # a word longer than the line: break it anywhere
                end, taken_width = start, 0
                while end < count:
                    w = widths[glyphs[end]]
                    if end > start and taken_width + w > limit:
                        break
                    taken_width += w
                    end += 1
                lines.append(glyphs[start:end])
                start = end
                word_width -= taken_width
            line, line_width = glyphs[start:], word_width
        lines.append(line)
    return lines


class _Layout:
    """Add blocks top to bottom, then ``pdf()``."""

    def __init__(self, *, title: str, lang: str):
        self.title = title
        self.lang = lang
        self.pages: list[_Page] = []
        self.texts: dict[str, list[str]] = {name: [] for name in FONT_KEYS}
        self.root = _Element("Document", None)
        self.y = 0.0
        self._new_page()

    # --- layout -------------------------------------------------------------------------------

    def _new_page(self) -> None:
        self.pages.append(_Page())
        self.y = PAGE_HEIGHT - MARGIN_Y

    def _room(self, height: float) -> bool:
        return self.y - height >= MARGIN_Y - 0.01

    def _at_top(self) -> bool:
        return self.y >= PAGE_HEIGHT - MARGIN_Y - 0.01

    def _mark(self, element: _Element) -> int:
        page = self.pages[-1]
        mcid = len(page.marks)
        page.marks.append(element)
        element.kids.append((len(self.pages) - 1, mcid))
        return mcid

    def _text(self, x: float, baseline: float, glyphs: list[int], style: _Style) -> None:
        """One line of glyphs (their characters are recorded by ``_remember``)."""
        if not glyphs:
            return
        key = FONT_KEYS[style.font]
        self.pages[-1].ops.append(
            b"BT /%s %.1f Tf %s %.2f %.2f Td <%s> Tj ET"
            % (
                key.encode(),
                style.size,
                style.colour,
                x,
                baseline,
                struct.pack(f">{len(glyphs)}H", *glyphs).hex().encode(),
            )
        )

    def _remember(self, style: _Style, text: str) -> None:
        self.texts[style.font].append(text)

    def _used(self, name: str) -> dict[int, str]:
        """Glyph id → the character it shows (for ToUnicode), of every text drawn in ``name``."""
        face = font(name)
        used: dict[int, str] = {0: "\ufffd"}
        for char in sorted(set(_normalise("".join(self.texts[name])))):
            gid = face.cmap.get(ord(char), face.fallback)
            if gid not in used:
                used[gid] = char if gid != face.fallback else "\ufffd"
        return used

    def _baseline(self, top: float, style: _Style) -> float:
        face = font(style.font)
        line = style.size * LINE_HEIGHT
        content = (face.ascent - face.descent) / face.units * style.size
        return top - (line - content) / 2 - face.ascent / face.units * style.size

    def _lines_block(
        self,
        tag: str,
        text: str,
        style: _Style,
        *,
        before=0.0,
        after=0.0,
        rule=False,
        keep_with=0.0,
    ) -> None:
        lines = wrap(text, style, CONTENT_WIDTH)
        self._remember(style, text)
        line_height = style.size * LINE_HEIGHT
        if not self._at_top() and not self._room(before + line_height + after + keep_with):
            self._new_page()
        if not self._at_top():
            self.y -= before
        element = _Element(tag, self.root)
        self.root.kids.append(element)
        open_mark = False
        for line in lines:
            if not self._room(line_height):
                if open_mark:
                    self.pages[-1].ops.append(b"EMC")
                    open_mark = False
                self._new_page()
            if not open_mark:
                mcid = self._mark(element)
                self.pages[-1].ops.append(b"/%s <</MCID %d>> BDC" % (tag.encode(), mcid))
                open_mark = True
            self._text(MARGIN_X, self._baseline(self.y, style), line, style)
            self.y -= line_height
        if open_mark:
            self.pages[-1].ops.append(b"EMC")
        if rule:  # the underline of a section heading (h2 border-bottom)
            self.y -= 1
            self.pages[-1].ops.append(
                b"/Artifact BMC %s 0.5 w %.2f %.2f m %.2f %.2f l S EMC"
                % (RULE_COLOUR, MARGIN_X, self.y, MARGIN_X + CONTENT_WIDTH, self.y)
            )
        self.y -= after

    def paragraph(self, text: str) -> None:
        self._lines_block("P", text, BODY, after=10 * 1.0)

    def heading1(self, text: str) -> None:
        self._lines_block("H1", text, H1, after=4 * MM, keep_with=BODY.size * LINE_HEIGHT)

    def heading2(self, text: str) -> None:
        first_row = BODY.size * LINE_HEIGHT + 2 * CELL_PADDING
        self._lines_block(
            "H2", text, H2, before=6 * MM, after=2 * MM, rule=True, keep_with=first_row
        )

    def table(self, rows) -> None:
        table = _Element("Table", self.root)
        self.root.kids.append(table)
        line_height = BODY.size * LINE_HEIGHT
        value_x = MARGIN_X + LABEL_WIDTH
        for row in rows:
            value = row.value if row.value not in (None, "") else "–"
            label_lines = wrap(row.label, LABEL, LABEL_WIDTH - CELL_GAP)
            value_lines = wrap(value, BODY, CONTENT_WIDTH - LABEL_WIDTH - CELL_GAP)
            self._remember(LABEL, row.label)
            self._remember(BODY, value)
            count = max(len(label_lines), len(value_lines))
            height = count * line_height + 2 * CELL_PADDING
            if not self._room(height) and not self._at_top():
                self._new_page()
            tr = _Element("TR", table)
            th = _Element("TH", tr, attributes={"O": "/Table", "Scope": "/Row"})
            td = _Element("TD", tr)
            tr.kids += [th, td]
            table.kids.append(tr)
            self.y -= CELL_PADDING
            index = 0
            while index < count:
                fits = max(int((self.y - MARGIN_Y + 0.01) // line_height), 0)
                if fits == 0:
                    self._new_page()
                    continue
                chunk = range(index, min(count, index + fits))
                for element, lines, x, style in (
                    (th, label_lines, MARGIN_X, LABEL),
                    (td, value_lines, value_x, BODY),
                ):
                    shown = [lines[i] for i in chunk if i < len(lines)]
                    if not shown:
                        continue
                    mcid = self._mark(element)
                    ops = self.pages[-1].ops
                    ops.append(b"/%s <</MCID %d>> BDC" % (element.tag.encode(), mcid))
                    top = self.y
                    for line in shown:
                        self._text(x, self._baseline(top, style), line, style)
                        top -= line_height
                    ops.append(b"EMC")
                self.y -= len(chunk) * line_height
                index = chunk.stop
            self.y -= CELL_PADDING

    # --- writing ------------------------------------------------------------------------------

    def _footer(self) -> None:
        total = len(self.pages)
        face = font(FOOTER.font)
        for number, page in enumerate(self.pages, 1):
            text = f"{number} / {total}"
            self._remember(FOOTER, text)
            glyphs = face.glyphs(text)
            x = PAGE_WIDTH - MARGIN_X - face.width(glyphs, FOOTER.size)
            page.ops.append(b"/Artifact BMC")
            self.pages.append(page)  # _text draws on the last page
            self._text(x, MARGIN_Y / 2, glyphs, FOOTER)
            self.pages.pop()
            page.ops.append(b"EMC")

    def pdf(self, *, created, attachments=()) -> bytes:
        """The PDF/A-3b; ``created`` is an aware datetime."""
        self._footer()
        out = _Writer()
        catalog, pages_ref, struct_root = out.reserve(), out.reserve(), out.reserve()
        font_refs = {key: self._font_object(out, name) for name, key in FONT_KEYS.items()}
        resources = out.add(
            b"<</Font <<%s>> >>"
            % b"".join(b"/%s %s" % (key.encode(), ref) for key, ref in font_refs.items())
        )
        page_refs = [out.reserve() for _page in self.pages]

        # The structure tree: every element an object; marked content by MCID on its page.
        refs: dict[int, bytes] = {}

        def reserve(element: _Element) -> None:
            refs[id(element)] = out.reserve()
            for kid in element.kids:
                if isinstance(kid, _Element):
                    reserve(kid)

        def write(element: _Element, parent: bytes) -> None:
            ref = refs[id(element)]
            pages = [kid[0] for kid in element.kids if isinstance(kid, tuple)]
            home = pages[0] if pages else None
            kids = []
            for kid in element.kids:
                if isinstance(kid, _Element):
                    write(kid, ref)
                    kids.append(refs[id(kid)])
                elif kid[0] == home:
                    kids.append(b"%d" % kid[1])
                else:
                    kids.append(b"<</Type/MCR/Pg %s/MCID %d>>" % (page_refs[kid[0]], kid[1]))
            extra = b"/Pg %s" % page_refs[home] if home is not None else b""
            if element.attributes:
                extra += b"/A <<%s>>" % b"".join(
                    b"/%s %s" % (k.encode(), v.encode()) for k, v in element.attributes.items()
                )
            out.set(
                ref,
                b"<</Type/StructElem/S/%s/P %s%s/K [%s]>>"
                % (element.tag.encode(), parent, extra, b" ".join(kids)),
            )

        reserve(self.root)
        write(self.root, struct_root)
        nums = b" ".join(
            b"%d [%s]" % (index, b" ".join(refs[id(e)] for e in page.marks))
            for index, page in enumerate(self.pages)
        )
        parent_tree = out.add(b"<</Nums [%s]>>" % nums)
        out.set(
            struct_root,
            b"<</Type/StructTreeRoot/K [%s]/ParentTree %s/ParentTreeNextKey %d>>"
            % (refs[id(self.root)], parent_tree, len(self.pages)),
        )
        media_box = b"[0 0 %.2f %.2f]" % (PAGE_WIDTH, PAGE_HEIGHT)
        for index, page in enumerate(self.pages):
            content = out.stream(b"\n".join(page.ops))
            out.set(
                page_refs[index],
                b"<</Type/Page/Parent %s/MediaBox %s/Resources %s/Contents %s"
                b"/StructParents %d/Tabs/S>>" % (pages_ref, media_box, resources, content, index),
            )
        out.set(
            pages_ref,
            b"<</Type/Pages/Kids [%s]/Count %d>>" % (b" ".join(page_refs), len(page_refs)),
        )
        profile = out.stream(_srgb_profile(), b"/N 3", compressed=_srgb_profile_compressed())
        srgb = _pdf_string("sRGB IEC61966-2.1")
        intent = (
            b"<</Type/OutputIntent/S/GTS_PDFA1/OutputConditionIdentifier %s/Info %s"
            % (
                srgb,
                srgb,
            )
            + b"/DestOutputProfile %s>>" % profile
        )
        metadata = out.stream(
            _xmp(title=self.title, lang=self.lang, created=created),
            b"/Type/Metadata/Subtype/XML",
            compress=False,
        )
        stamp = _pdf_string(_pdf_date(created))
        files = b""
        if attachments:
            # PDF/A-3: every embedded file has a MIME type, a modification date and its
            # relationship to the document, and is listed in the catalog's /AF.
            specs = [_embed(out, attachment, stamp) for attachment in attachments]
            # A name tree is sorted by the bytes of its keys (PDFDocEncoding or UTF-16BE).
            ordered = [
                spec
                for _key, spec in sorted(
                    zip((_string_bytes(a.filename) for a in attachments), specs, strict=True)
                )
            ]
            files = b"/Names <</EmbeddedFiles <</Names [%s]>> >>/AF [%s]" % (
                b" ".join(b"%s %s" % spec for spec in ordered),
                b" ".join(ref for _name, ref in specs),
            )
        out.set(
            catalog,
            b"<</Type/Catalog/Pages %s/Lang %s/MarkInfo <</Marked true>>/StructTreeRoot %s"
            b"/ViewerPreferences <</DisplayDocTitle true>>/Metadata %s/OutputIntents [%s]%s>>"
            % (pages_ref, _pdf_string(self.lang), struct_root, metadata, intent, files),
        )
        info = out.add(
            b"<</Title %s/Producer %s/CreationDate %s/ModDate %s>>"
            % (_pdf_string(self.title), _pdf_string(PRODUCER), stamp, stamp)
        )
        return out.write(root=catalog, info=info)

    def _font_object(self, out: _Writer, name: str) -> bytes:
        face = font(name)
        used = self._used(name)
        gids = sorted(used)
        tag = "".join(chr(65 + b % 26) for b in hashlib.sha256(repr(gids).encode()).digest()[:6])
        base_font = f"/{tag}+{name}".encode()
        compressed, length, new_ids = face.subset_compressed(frozenset(gids))
        font_file = out.stream(b"", b"/Length1 %d" % length, compressed=compressed)
        descriptor = out.add(
            b"<</Type/FontDescriptor/FontName %s/Flags 4/FontBBox [%s]/ItalicAngle %d"
            b"/Ascent %d/Descent %d/CapHeight %d/StemV 80/FontFile2 %s>>"
            % (
                base_font,
                b" ".join(b"%d" % face.scale(v) for v in face.bbox),
                round(face.italic_angle),
                face.scale(face.ascent),
                face.scale(face.descent),
                face.scale(face.cap_height),
                font_file,
            )
        )
        # CIDs in the content are the font's glyph ids; the embedded subset numbers them anew.
        cid_map = bytearray(2 * (gids[-1] + 1))
        for gid in gids:
            struct.pack_into(">H", cid_map, 2 * gid, new_ids[gid])
        cid_to_gid = out.stream(bytes(cid_map))
        widths = b" ".join(b"%d [%d]" % (gid, face.widths[gid]) for gid in gids)
        cid_font = out.add(
            b"<</Type/Font/Subtype/CIDFontType2/BaseFont %s"
            b"/CIDSystemInfo <</Registry (Adobe)/Ordering (Identity)/Supplement 0>>"
            b"/FontDescriptor %s/W [%s]/CIDToGIDMap %s>>"
            % (base_font, descriptor, widths, cid_to_gid)
        )
        to_unicode = out.stream(_to_unicode_cmap(used))
        return out.add(
            b"<</Type/Font/Subtype/Type0/BaseFont %s/Encoding/Identity-H"
            b"/DescendantFonts [%s]/ToUnicode %s>>" % (base_font, cid_font, to_unicode)
        )


class _Writer:
    """Objects as bytes, written once, with a classic cross-reference table."""

    def __init__(self):
        self.objects: list[bytes | None] = []

    def reserve(self) -> bytes:
        self.objects.append(None)
        return b"%d 0 R" % len(self.objects)

    def set(self, ref: bytes, data: bytes) -> None:
        self.objects[int(ref.split()[0]) - 1] = data

    def add(self, data: bytes) -> bytes:
        self.objects.append(data)
        return b"%d 0 R" % len(self.objects)

    def stream(
        self, data: bytes, extra: bytes = b"", *, compress=True, compressed: bytes | None = None
    ) -> bytes:
        if compress:
            data = compressed if compressed is not None else zlib.compress(data, 6)
            extra += b"/Filter/FlateDecode"
        return self.add(b"<<%s/Length %d>>\nstream\n%s\nendstream" % (extra, len(data), data))

    def write(self, *, root: bytes, info: bytes) -> bytes:
        parts = [b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"]
        size = len(parts[0])
        offsets = []
        for number, data in enumerate(self.objects, 1):
            offsets.append(size)
            chunk = b"%d 0 obj\n%s\nendobj\n" % (number, data)
            parts.append(chunk)
            size += len(chunk)
        body = b"".join(parts)
        identifier = hashlib.md5(body, usedforsecurity=False).hexdigest().encode()
        xref = b"xref\n0 %d\n0000000000 65535 f \n%s" % (
            len(offsets) + 1,
            b"".join(b"%010d 00000 n \n" % offset for offset in offsets),
        )
        trailer = (
            b"trailer\n<</Size %d/Root %s/Info %s/ID [<%s> <%s>]>>\nstartxref\n%d\n%%%%EOF\n"
            % (
                len(offsets) + 1,
                root,
                info,
                identifier,
                identifier,
                size,
            )
        )
        return body + xref + trailer


def _embed(out: _Writer, attachment: model.Attachment, stamp: bytes) -> tuple[bytes, bytes]:
    """The embedded file and its file specification: (name as PDF string, reference)."""
    data = attachment.data
    stream = out.stream(
        data,
        b"/Type/EmbeddedFile/Subtype %s/Params <</Size %d/ModDate %s/CheckSum <%s>>>"
        % (
            _pdf_name(attachment.mime_type),
            len(data),
            stamp,
            hashlib.md5(data, usedforsecurity=False).hexdigest().encode(),
        ),
    )
    name = _pdf_string(attachment.filename)
    ascii_name = _pdf_string(
        attachment.filename.encode("ascii", "replace").decode().replace("?", "_")
    )
    spec = out.add(
        b"<</Type/Filespec/F %s/UF %s/Desc %s/AFRelationship/%s/EF <</F %s/UF %s>> >>"
        % (
            ascii_name,
            name,
            _pdf_string(attachment.description),
            attachment.relationship.encode(),
            stream,
            stream,
        )
    )
    return name, spec


def _pdf_name(text: str) -> bytes:
    """A PDF name object: bytes outside the regular characters written as #xx."""
    return b"/" + b"".join(
        bytes([c]) if 0x21 <= c <= 0x7E and c not in b"#()<>[]{}/%" else b"#%02X" % c
        for c in text.encode()
    )


def _string_bytes(text: str) -> bytes:
    """The bytes ``_pdf_string`` stands for."""
    if text.isascii() and text.isprintable():
        return text.encode("ascii")
    return b"\xfe\xff" + text.encode("utf-16-be")


def _pdf_string(text: str) -> bytes:
    if text.isascii() and text.isprintable():
        return (
            b"("
            + text.encode("ascii")
            .replace(b"\\", b"\\\\")
            .replace(b"(", b"\\(")
            .replace(b")", b"\\)")
            + b")"
        )
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _to_unicode_cmap(used: dict[int, str]) -> bytes:
    entries = [
        b"<%04X> <%s>" % (gid, char.encode("utf-16-be").hex().upper().encode())
        for gid, char in sorted(used.items())
    ]
    blocks = []
    for start in range(0, len(entries), 100):
        chunk = entries[start : start + 100]
        blocks.append(b"%d beginbfchar\n%s\nendbfchar" % (len(chunk), b"\n".join(chunk)))
    return (
        b"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
        b"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
        b"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
        b"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
        + b"\n".join(blocks)
        + b"\nendcmap\nCMapName currentdict /CMap defineresource pop\nend\nend"
    )


def _pdf_date(moment) -> str:
    offset = moment.strftime("%z") or "+0000"
    return moment.strftime("D:%Y%m%d%H%M%S") + f"{offset[:3]}'{offset[3:]}'"


def _xmp(*, title: str, lang: str, created) -> bytes:
    stamp = created.isoformat(timespec="seconds")
    return (
        '<?xpacket begin="\ufeff" id="W5M0MpCehiHzreSzNTczkc9d"?>\n'
        '<x:xmpmeta xmlns:x="adobe:ns:meta/">\n'
        '<rdf:RDF xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#">\n'
        '<rdf:Description rdf:about="" xmlns:pdfaid="http://www.aiim.org/pdfa/ns/id/" '
        'pdfaid:part="3" pdfaid:conformance="B"/>\n'
        '<rdf:Description rdf:about="" xmlns:pdf="http://ns.adobe.com/pdf/1.3/" '
        f'pdf:Producer="{escape(PRODUCER)}"/>\n'
        '<rdf:Description rdf:about="" xmlns:xmp="http://ns.adobe.com/xap/1.0/">\n'
        f"<xmp:CreateDate>{stamp}</xmp:CreateDate>\n"
        f"<xmp:ModifyDate>{stamp}</xmp:ModifyDate>\n"
        f"<xmp:MetadataDate>{stamp}</xmp:MetadataDate>\n"
        "</rdf:Description>\n"
        '<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">\n'
        "<dc:format>application/pdf</dc:format>\n"
        f'<dc:title><rdf:Alt><rdf:li xml:lang="x-default">{escape(title)}</rdf:li></rdf:Alt>'
        "</dc:title>\n"
        f"<dc:language><rdf:Bag><rdf:li>{escape(lang)}</rdf:li></rdf:Bag></dc:language>\n"
        "</rdf:Description>\n"
        "</rdf:RDF>\n"
        "</x:xmpmeta>\n"
        '<?xpacket end="r"?>'
    ).encode()
