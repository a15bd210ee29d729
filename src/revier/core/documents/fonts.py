"""The fonts of every generated document: DejaVu Sans, regular and bold, shipped in ``fonts/``.

The direct PDF/A writer reads their metrics and embeds subsets (``TrueTypeFont``); the
WeasyPrint writer loads the same files through ``@font-face`` (``font_face_css``), so a
document looks the same whatever fonts the server has installed.
"""

from __future__ import annotations

import io
import struct
import zlib
from functools import cache
from pathlib import Path

FONT_DIR = Path(__file__).parent / "fonts"

# The family name documents use in CSS. Not "DejaVu Sans": that would compete with a
# system-wide DejaVu through fontconfig, and this one must always be the shipped file.
FAMILY = "Revier Sans"
REGULAR, BOLD = "DejaVuSans", "DejaVuSans-Bold"
FACES = {REGULAR: "normal", BOLD: "bold"}  # file name (without .ttf) → CSS font-weight


def font_path(name: str) -> Path:
    return FONT_DIR / f"{name}.ttf"


def font_face_css() -> str:
    """``@font-face`` rules for the shipped faces, for WeasyPrint."""
    return "".join(
        f'@font-face {{ font-family: "{FAMILY}"; font-weight: {weight}; font-style: normal; '
        f'src: url("{font_path(name).as_uri()}"); }}\n'
        for name, weight in FACES.items()
    )


# --- metrics and subsets ------------------------------------------------------------------------


def _checksum(data: bytes) -> int:
    data += b"\0" * (-len(data) % 4)
    return sum(struct.unpack(f">{len(data) // 4}I", data)) & 0xFFFFFFFF


WORD_CACHED_LENGTH = 64
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
            glyphs = self.glyphs(text)
            widths = self.widths
            found = (glyphs, sum(widths[g] for g in glyphs))
            # Long "words" (pasted data, an attack) rarely repeat; kept, they would pin memory.
            if len(text) <= WORD_CACHED_LENGTH:
                if len(self._words) > 20000:
                    self._words.clear()
                self._words[text] = found
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
    return TrueTypeFont(font_path(name).read_bytes(), name)
