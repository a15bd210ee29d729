"""A small writer of tagged PDF/A-3b documents made of headings, paragraphs and two-column
tables, with pydyf and an embedded TrueType font: what the receipt needs, in a few ms.

HTML layout (WeasyPrint) cost ~95 ms per receipt, most of the CPU of a submission
(benchmarks/RESULTS.md). Here text is measured with the font's advance widths (no kerning, no
shaping: Latin, Greek and Cyrillic are fine; characters the font lacks show as U+FFFD) and
broken into lines at spaces (long words by character); rows and lines that do not fit move to
the next page.

PDF/A-3b: fonts embedded (subset of the used glyphs, glyph ids kept, ``ToUnicode`` so the text
can be extracted and searched), sRGB output intent (the ICC profile WeasyPrint ships), XMP
metadata matching the document information, file identifier. Tagged: ``Document`` with ``P``,
``H1``, ``H2`` and ``Table``/``TR``/``TH``/``TD`` (row headers), page numbers and rules as
artifacts, document language and title.
"""

from __future__ import annotations

import hashlib
import io
import struct
import unicodedata
import zlib
from dataclasses import dataclass, field
from functools import cache
from importlib.util import find_spec
from pathlib import Path
from xml.sax.saxutils import escape

FONT_DIR = Path(__file__).parent / "fonts"
PRODUCER = "Revier"

# A4 and the margins of the former HTML receipt (20 mm top/bottom, 18 mm left/right).
MM = 72 / 25.4
PAGE_WIDTH, PAGE_HEIGHT = 210 * MM, 297 * MM
MARGIN_X, MARGIN_Y = 18 * MM, 20 * MM
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN_X
LABEL_WIDTH = CONTENT_WIDTH * 0.45
CELL_PADDING = 1 * MM  # above and below a row; right of a cell: 2 mm
CELL_GAP = 2 * MM
LINE_HEIGHT = 1.25  # × font size

TEXT_COLOUR = b"0.067 0.067 0.067 rg"
LABEL_COLOUR = b"0.2 0.2 0.2 rg"
RULE_COLOUR = b"0.533 0.533 0.533 RG"


# --- the font -----------------------------------------------------------------------------------


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


SUBSETS_KEPT = 64  # per font and process; a subset of DejaVu Sans is ~20-40 KB


class TrueTypeFont:
    """A glyf-based TrueType font: metrics for layout and subsets for embedding."""

    # Tables a PDF viewer needs of an embedded CIDFontType2 (cmap is not: CIDs are glyph ids).
    KEEP = ("head", "hhea", "maxp", "hmtx", "loca", "glyf", "cvt ", "fpgm", "prep", "OS/2")

    def __init__(self, data: bytes, name: str):
        from fontTools.ttLib import TTFont

        self.data = data
        self.name = name
        self._subsets: dict[frozenset[int], tuple[bytes, int, dict[int, int]]] = {}
        self.tables: dict[str, bytes] = {}
        count = struct.unpack_from(">H", data, 4)[0]
        for i in range(count):
            tag, _sum, offset, length = struct.unpack_from(">4sIII", data, 12 + 16 * i)
            self.tables[tag.decode("latin-1")] = data[offset : offset + length]
        head = self.tables["head"]
        self.units = struct.unpack_from(">H", head, 18)[0]
        self.bbox = struct.unpack_from(">4h", head, 36)
        long_loca = struct.unpack_from(">h", head, 50)[0] == 1
        self.glyph_count = n = struct.unpack_from(">H", self.tables["maxp"], 4)[0]
        hhea = self.tables["hhea"]
        self.ascent, self.descent = struct.unpack_from(">hh", hhea, 4)
        metrics_count = struct.unpack_from(">H", hhea, 34)[0]
        hmtx = self.tables["hmtx"]
        metrics = list(struct.iter_unpack(">Hh", hmtx[: 4 * metrics_count]))
        extra = struct.unpack_from(f">{n - metrics_count}h", hmtx, 4 * metrics_count)
        self.advances = [m[0] for m in metrics] + [metrics[-1][0]] * (n - metrics_count)
        self.lsbs = [m[1] for m in metrics] + list(extra)
        self.widths = [round(a * 1000 / self.units) for a in self.advances]
        loca = self.tables["loca"]
        if long_loca:
            self.offsets = list(struct.unpack(f">{n + 1}I", loca[: 4 * (n + 1)]))
        else:
            self.offsets = [2 * v for v in struct.unpack(f">{n + 1}H", loca[: 2 * (n + 1)])]
        self.italic_angle = struct.unpack_from(">i", self.tables["post"], 4)[0] / 65536
        font = TTFont(io.BytesIO(data), lazy=True)
        ids = font.getReverseGlyphMap()
        self.cmap: dict[int, int] = {cp: ids[g] for cp, g in font.getBestCmap().items()}
        self.fallback = self.cmap.get(0xFFFD, 0)
        # Cap height: OS/2 has it from version 2 on; else the top of "H".
        os2 = self.tables.get("OS/2", b"")
        if len(os2) >= 90 and struct.unpack_from(">H", os2, 0)[0] >= 2:
            self.cap_height = struct.unpack_from(">h", os2, 88)[0]
        else:
            h = self.offsets[self.cmap.get(ord("H"), 0)]
            self.cap_height = struct.unpack_from(">h", self.tables["glyf"], h + 8)[0]
        self._words: dict[str, tuple[list[int], int]] = {}

    def scale(self, value: float) -> int:
        return round(value * 1000 / self.units)

    def glyphs(self, text: str) -> list[int]:
        cmap, fallback = self.cmap, self.fallback
        return [cmap.get(ord(c), fallback) for c in text]

    def word(self, text: str) -> tuple[list[int], int]:
        """Glyphs and width (1/1000 em) of a word; remembered, as labels and values repeat."""
        found = self._words.get(text)
        if found is None:
            if len(self._words) > 20000:
                self._words.clear()
            glyphs = self.glyphs(text)
            widths = self.widths
            found = self._words[text] = (glyphs, sum(widths[g] for g in glyphs))
        return found

    def width(self, glyphs: list[int], size: float) -> float:
        widths = self.widths
        return sum(widths[g] for g in glyphs) * size / 1000

    def subset_compressed(self, used: frozenset[int]) -> tuple[bytes, int, dict[int, int]]:
        """``subset`` compressed for a PDF stream, with the uncompressed length. Kept per set
        of glyphs: receipts of one form use nearly the same characters, and subsetting plus
        compressing was a tenth of the receipt's time."""
        found = self._subsets.get(used)
        if found is None:
            program, new_ids = self.subset(set(used))
            found = (zlib.compress(program, 6), len(program), new_ids)
            if len(self._subsets) >= SUBSETS_KEPT:
                self._subsets.clear()
            self._subsets[used] = found
        return found

    def subset(self, used: set[int]) -> tuple[bytes, dict[int, int]]:
        """A font with only the glyphs ``used`` (and the components of composite glyphs),
        renumbered from 0 (.notdef), and the map from old to new glyph ids."""
        glyf, offsets, n = self.tables["glyf"], self.offsets, self.glyph_count
        keep: set[int] = set()
        components: dict[int, list[int]] = {}  # composite glyph → byte positions of its parts
        todo = [0, *used]
        while todo:
            gid = todo.pop()
            if gid in keep or gid >= n:
                continue
            keep.add(gid)
            start, end = offsets[gid], offsets[gid + 1]
            if end - start >= 10 and struct.unpack_from(">h", glyf, start)[0] < 0:
                pos = start + 10
                positions = components[gid] = []
                while True:
                    flags, component = struct.unpack_from(">HH", glyf, pos)
                    positions.append(pos + 2 - start)
                    todo.append(component)
                    pos += 4 + (4 if flags & 1 else 2)
                    if flags & 0x08:
                        pos += 2
                    elif flags & 0x40:
                        pos += 4
                    elif flags & 0x80:
                        pos += 8
                    if not flags & 0x20:
                        break
        order = sorted(keep)
        new_ids = {gid: new for new, gid in enumerate(order)}
        new_glyf = bytearray()
        loca: list[int] = []
        hmtx: list[int] = []
        for gid in order:
            loca.append(len(new_glyf))
            data = glyf[offsets[gid] : offsets[gid + 1]]
            if gid in components:
                data = bytearray(data)
                for pos in components[gid]:
                    old = struct.unpack_from(">H", data, pos)[0]
                    struct.pack_into(">H", data, pos, new_ids[old])
            new_glyf += data
            new_glyf += b"\0" * (-len(new_glyf) % 4)
            hmtx += (self.advances[gid], self.lsbs[gid])
        loca.append(len(new_glyf))
        count = len(order)
        head = bytearray(self.tables["head"])
        struct.pack_into(">I", head, 8, 0)
        struct.pack_into(">h", head, 50, 1)  # long loca
        hhea = bytearray(self.tables["hhea"])
        struct.pack_into(">H", hhea, 34, count)  # every glyph has its own metrics
        maxp = bytearray(self.tables["maxp"])
        struct.pack_into(">H", maxp, 4, count)
        tables = {tag: self.tables[tag] for tag in self.KEEP if tag in self.tables} | {
            "head": bytes(head),
            "hhea": bytes(hhea),
            "maxp": bytes(maxp),
            "hmtx": struct.pack(">" + "Hh" * count, *hmtx),
            "loca": struct.pack(f">{count + 1}I", *loca),
            "glyf": bytes(new_glyf),
            "post": b"\x00\x03\x00\x00" + self.tables["post"][4:32],  # no glyph names
        }
        return _sfnt(tables), new_ids


def _sfnt(tables: dict[str, bytes]) -> bytes:
    tags = sorted(tables)
    count = len(tags)
    selector = count.bit_length() - 1
    search_range = 16 * 2**selector
    header = struct.pack(
        ">IHHHH", 0x00010000, count, search_range, selector, count * 16 - search_range
    )
    offset = 12 + 16 * count
    directory, body, head_at = bytearray(), bytearray(), 0
    for tag in tags:
        data = tables[tag]
        if tag == "head":
            head_at = offset + len(body)
        directory += struct.pack(
            ">4sIII", tag.encode("latin-1"), _checksum(data), offset + len(body), len(data)
        )
        body += data + b"\0" * (-len(data) % 4)
    font = bytearray(header + directory + body)
    struct.pack_into(">I", font, head_at + 8, (0xB1B0AFBA - _checksum(bytes(font))) & 0xFFFFFFFF)
    return bytes(font)


@cache
def font(name: str) -> TrueTypeFont:
    """Loaded once per process."""
    return TrueTypeFont((FONT_DIR / f"{name}.ttf").read_bytes(), name)


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
class Row:
    label: str
    value: str


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


BODY = _Style("DejaVuSans", 10)
LABEL = _Style("DejaVuSans", 10, LABEL_COLOUR)
H1 = _Style("DejaVuSans-Bold", 16)
H2 = _Style("DejaVuSans-Bold", 12)
FOOTER = _Style("DejaVuSans", 8)
FONT_KEYS = {"DejaVuSans": "F1", "DejaVuSans-Bold": "F2"}


def _normalise(text: str) -> str:
    return unicodedata.normalize("NFC", str(text)).replace("\t", " ").replace("\r\n", "\n")


def wrap(text: str, style: _Style, width: float) -> list[list[int]]:
    """Glyph lines of ``text`` no wider than ``width``: broken at spaces, words longer than a
    line by character; line breaks of the text are kept."""
    face = font(style.font)
    scale = style.size / 1000
    limit = width / scale  # in 1/1000 em
    space_glyphs, space = face.word(" ")
    lines: list[list[int]] = []
    for paragraph in _normalise(text).split("\n"):
        line: list[int] = []
        line_width = 0
        for word in paragraph.split(" "):
            glyphs, word_width = face.word(word)
            gap = space if line else 0
            if line_width + gap + word_width <= limit:
                line = line + space_glyphs + glyphs if line else list(glyphs)
                line_width += gap + word_width
                continue
            if line:
                lines.append(line)
                line, line_width = [], 0
            while word_width > limit:  # a word longer than the line: break it anywhere
                taken, taken_width = 0, 0
                while taken < len(glyphs):
                    w = face.widths[glyphs[taken]]
                    if taken and taken_width + w > limit:
                        break
                    taken_width += w
                    taken += 1
                lines.append(list(glyphs[:taken]))
                glyphs = glyphs[taken:]
                word_width -= taken_width
            line, line_width = list(glyphs), word_width
        lines.append(line)
    return lines


class Document:
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

    def table(self, rows: list[Row]) -> None:
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

    def pdf(self, *, created) -> bytes:
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
        out.set(
            catalog,
            b"<</Type/Catalog/Pages %s/Lang %s/MarkInfo <</Marked true>>/StructTreeRoot %s"
            b"/ViewerPreferences <</DisplayDocTitle true>>/Metadata %s/OutputIntents [%s]>>"
            % (pages_ref, _pdf_string(self.lang), struct_root, metadata, intent),
        )
        stamp = _pdf_string(_pdf_date(created))
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
