"""Readers for catalogue files: XZuFi 2.x XML, CSV and JSON (docs/service-catalogue-format.md),
and the importer ``services.catalogue`` that runs them as an import run (ADR 0017).

Each reader yields :class:`~revier.services.services.Record` objects with the place they came
from (CSV line, JSON index, XML element path); validation and writing are the job of
:func:`revier.services.services.catalogue_import`.
"""

import csv
import io
import json
from collections.abc import Iterator
from pathlib import Path

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django import forms
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from revier.core.imports import ImportFailed, ImportSource, Problem, Reporter, register_importer
from revier.frontend.forms import KernCheckboxInput
from revier.services.services import Record, catalogue_import

MAX_BYTES = 50 * 1024 * 1024
XZUFI_NAMESPACE_PREFIX = "http://xoev.de/schemata/xzufi/"

CSV_COLUMNS = (
    "leika",
    "name",
    "short_text",
    "full_text",
    "requirements",
    "documents",
    "fees",
    "deadlines",
    "processing_time",
    "processing_days",
    "legal_basis",
    "themenfeld",
    "lebenslagen",
    "unternehmenslagen",
    "synonyms",
    "addressee",
)


class CatalogueFileError(Exception):
    """The file as a whole cannot be read; nothing is imported. ``location``: where, if known."""

    def __init__(self, message: str, *, location: str = ""):
        super().__init__(message)
        self.location = location


def read_file(path: str | Path, *, max_bytes: int = MAX_BYTES) -> tuple[str, list[Record]]:
    """Detect the format and read all records. Returns (format, records)."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise CatalogueFileError(
            _("Cannot read %(path)s: %(error)s") % {"path": path, "error": exc.strerror}
        ) from exc
    if size > max_bytes:
        raise CatalogueFileError(
            _("The file has %(size)d bytes; at most %(max)d are accepted.")
            % {"size": size, "max": max_bytes}
        )
    return read_bytes(path.read_bytes(), path.name)


def read_bytes(raw: bytes, name: str) -> tuple[str, list[Record]]:
    """Detect the format from the name and the first byte and read all records."""
    suffix = Path(name).suffix.lower()
    head = raw.lstrip()[:1]
    if suffix == ".xml" or head == b"<":
        return "xzufi", list(read_xzufi(raw))
    if suffix == ".json" or head in (b"[", b"{"):
        return "json", list(read_json(raw))
    if suffix == ".csv":
        return "csv", list(read_csv(raw))
    raise CatalogueFileError(_("Unknown file format; use .xml (XZuFi), .json or .csv."))


# --- JSON ----------------------------------------------------------------------------------


def read_json(raw: bytes) -> Iterator[Record]:
    try:
        document = json.loads(raw.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        line = getattr(exc, "lineno", None)
        raise CatalogueFileError(
            _("The JSON file cannot be read: %(error)s") % {"error": exc},
            location=_("line %(line)d") % {"line": line} if line else "",
        ) from exc
    if isinstance(document, dict):
        if document.get("format") not in (None, "revier-service-catalogue/1"):
            raise CatalogueFileError(
                _("Unknown JSON format %(format)r.") % {"format": document.get("format")}
            )
        document = document.get("services")
    if not isinstance(document, list):
        raise CatalogueFileError(_("The JSON file must contain a list of services."))
    for index, item in enumerate(document):
        location = f"services[{index}]"
        if not isinstance(item, dict):
            yield Record(location, {"leika": "", "_error": "not an object"})
            continue
        yield Record(location, item)


# --- CSV -----------------------------------------------------------------------------------


def read_csv(raw: bytes) -> Iterator[Record]:
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise CatalogueFileError(_("The CSV file must be UTF-8.")) from exc
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    if not reader.fieldnames or "leika" not in reader.fieldnames or "name" not in reader.fieldnames:
        raise CatalogueFileError(
            _("The CSV file needs a header line with at least leika and name."),
            location=_("line %(line)d") % {"line": 1},
        )
    unknown = set(reader.fieldnames) - set(CSV_COLUMNS)
    if unknown:
        raise CatalogueFileError(
            _("Unknown CSV columns: %(columns)s") % {"columns": ", ".join(sorted(unknown))},
            location=_("line %(line)d") % {"line": 1},
        )
    for row in reader:
        # reader.line_num is the physical line the row ended on (fields may span lines).
        data = {k: (v or "") for k, v in row.items() if k is not None}
        yield Record(f"line {reader.line_num}", data)


# --- XZuFi ----------------------------------------------------------------------------------

# LeiKa text modules (modulText/leikaTextmodul) and where they go. Exports differ in whether they
# fill the code, the name or both; a known name wins over the code.
#
# Codes are only mapped here once two independent public sources agree on their meaning
# (checked 2026, details in docs/service-catalogue-sources.md):
#   02 Leistungsbezeichnung: codedust/xzufi:parse-xzufi.py (takes the Leistungsbezeichnung from
#      code 02) and the FIM portal helper with the table LEIKA_TEXTMODUL (a Python file that
#      quotes the code list "urn:de:xzufi:codeliste:leistungstextmodulleika", version 20240216).
#   03 Leistungsbezeichnung II: rongem/pvog:pvog-openapi.json and
#      rongem/pvog:src/model/leistung.interface.ts (display name from code 03, falling back to 02)
#      and the same LEIKA_TEXTMODUL table.
# The code list has the codes 02, 03, 05, 06, 07, 08, 09, 11, 14, 15, 16, 18, 22, 23, 24, 25
# (LEIKA_TEXTMODUL and, independently, the enum ModulTextTypValues generated from the FIM Portal
# API v0.24.0). 01, 04, 10, 12, 13, 17, 19, 20 and 21 are not in it, so the earlier guesses for
# 04, 10 and 12 were wrong. For the remaining codes only LEIKA_TEXTMODUL names them (05 Kurztext,
# 06 Volltext, 07 Handlungsgrundlagen, 08 Unterlagen, 09 Voraussetzungen, 11 Verfahrensablauf,
# 14 Formulare, 15 weiterführende Informationen, 16 Hinweise, 18 Urheber, 22 zuständige Stelle,
# 23 Ansprechpunkt, 24 Teaser, 25 Rechtsbehelf); with one source they are unverified, and such a
# module is only taken when it carries a name from TEXT_MODULE_NAMES. Kosten, Frist and
# Bearbeitungsdauer are modules of their own in XZuFi 2.x (modulKosten, modulFrist,
# modulBearbeitungsdauer), not text module codes.
TEXT_MODULES = {
    "02": "name",
    "03": "name_2",
}
TEXT_MODULE_NAMES = {
    "leistungsbezeichnung": "name",
    "leistungsbezeichnung ii": "name_2",
    "volltext": "full_text",
    "erforderliche unterlagen": "documents",
    "voraussetzungen": "requirements",
    "kosten": "fees",
    "kosten (gebühren, auslagen, etc.)": "fees",
    "verfahrensablauf": "procedure",
    "bearbeitungsdauer": "processing_time",
    "frist": "deadlines",
    "fristen": "deadlines",
    "hinweise (besonderheiten)": "notes",
    "hinweise": "notes",
    "kurztext": "short_text",
    "rechtsgrundlage(n)": "legal_basis",
    "rechtsgrundlagen": "legal_basis",
}


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1] if isinstance(tag, str) else ""


def _children(element, name: str):
    return [c for c in element if _local(c.tag) == name]


def _child(element, name: str):
    found = _children(element, name)
    return found[0] if found else None


def _text(element) -> str:
    if element is None:
        return ""
    return " ".join(strip_tags("".join(element.itertext())).split())


def _german(elements) -> str:
    """The German text among language variants (languageCode attribute), else the first."""
    if not elements:
        return ""
    for element in elements:
        if (element.get("languageCode") or "").lower().startswith("de"):
            return _text(element)
    return _text(elements[0])


def read_xzufi(raw: bytes) -> Iterator[Record]:
    try:
        root = SafeET.fromstring(raw, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DefusedXmlException as exc:
        raise CatalogueFileError(
            _(
                "The XML file was refused: DTDs, entities and external references are not "
                "allowed (%(error)s)."
            )
            % {"error": type(exc).__name__}
        ) from exc
    except SafeET.ParseError as exc:
        line, column = getattr(exc, "position", (0, 0))
        raise CatalogueFileError(
            _("The XML file is not well-formed: %(error)s") % {"error": exc},
            location=_("line %(line)d, column %(column)d") % {"line": line, "column": column + 1},
        ) from exc
    namespace = root.tag[1:].split("}", 1)[0] if root.tag.startswith("{") else ""
    if not namespace.startswith(XZUFI_NAMESPACE_PREFIX):
        raise CatalogueFileError(
            _(
                "Not an XZuFi document: the root element's namespace is %(ns)r, "
                "expected %(expected)s…"
            )
            % {"ns": namespace, "expected": XZUFI_NAMESPACE_PREFIX}
        )
    yield from _walk(root, f"/{_local(root.tag)}")


def _walk(element, path: str) -> Iterator[Record]:
    counts: dict[str, int] = {}
    for child in element:
        name = _local(child.tag)
        counts[name] = counts.get(name, 0) + 1
        child_path = f"{path}/{name}[{counts[name]}]"
        if name == "leistung" and (
            _child(child, "modulText") is not None or _child(child, "referenzLeiKa") is not None
        ):
            yield Record(child_path, _leistung(child))
        else:
            yield from _walk(child, child_path)


def _leistung(element) -> dict:
    data: dict = {}
    reference = _child(element, "referenzLeiKa")
    data["leika"] = _text(_child(reference, "code")) if reference is not None else ""
    texts: dict[str, list[str]] = {}
    for module in _children(element, "modulText"):
        kind = _child(module, "leikaTextmodul")
        code = _text(_child(kind, "code")) if kind is not None else ""
        label = _text(_child(kind, "name")).lower() if kind is not None else ""
        target = TEXT_MODULE_NAMES.get(label) or TEXT_MODULES.get(code)
        content = _german(_children(module, "inhalt"))
        if target and content:
            texts.setdefault(target, []).append(content)
    for module_name, target in (
        ("modulFrist", "deadlines"),
        ("modulKosten", "fees"),
        ("modulBearbeitungsdauer", "processing_time"),
    ):
        module = _child(element, module_name)
        if module is not None and target not in texts:
            content = _german(_children(module, "beschreibung"))
            if content:
                texts[target] = [content]
    name = (texts.get("name") or texts.get("name_2") or [""])[0]
    data["name"] = name
    for target in (
        "short_text",
        "documents",
        "requirements",
        "fees",
        "processing_time",
        "deadlines",
        "legal_basis",
    ):
        data[target] = "\n\n".join(texts.get(target, []))
    data["full_text"] = "\n\n".join(
        texts.get("full_text", []) + texts.get("procedure", []) + texts.get("notes", [])
    )
    synonyms = [s for s in texts.get("name_2", []) if s != name]
    context = _child(element, "modulBegriffImKontext")
    if context is not None:
        for term in _children(context, "begriffImKontext"):
            word = _german(_children(term, "begriff"))
            if word:
                synonyms.append(word)
    data["synonyms"] = list(dict.fromkeys(synonyms))
    return data


# --- the importer ---------------------------------------------------------------------------


class CatalogueImportForm(forms.Form):
    file = forms.FileField(
        label=gettext_lazy("Catalogue file"),
        help_text=gettext_lazy("XZuFi 2.x XML, CSV or JSON (docs/service-catalogue-format.md)."),
    )
    all_or_nothing = forms.BooleanField(
        label=gettext_lazy("Import nothing if any entry is refused"),
        required=False,
        widget=KernCheckboxInput,
    )


@register_importer(
    "services.catalogue",
    label=gettext_lazy("Federal service catalogue"),
    description=gettext_lazy(
        "Services of the federal catalogue (LeiKa) from XZuFi 2.x XML, CSV or JSON. Entries "
        "that are not valid are refused with their place in the file; the others are imported."
    ),
    file_types=(".xml", ".csv", ".json"),
    atomic=False,
    # The catalogue is shared by every municipality: no municipal role has this permission,
    # only the platform's operators (superusers).
    permission="services.import_catalogue",
    platform=True,
    form_class=CatalogueImportForm,
    max_bytes=MAX_BYTES,
)
def import_catalogue(source: ImportSource, report: Reporter) -> None:
    try:
        fmt, records = read_bytes(source.data, source.name)
    except CatalogueFileError as exc:
        raise ImportFailed([Problem(location=exc.location, message=str(exc))]) from exc
    report.set_total(len(records))
    result = catalogue_import(records=records, progress=report.advance)
    report.count(
        created=len(result.created),
        changed=len(result.changed),
        unchanged=len(result.unchanged),
    )
    for refusal in result.refused:
        report.refuse(location=refusal.location, message=refusal.reason, key=refusal.leika)
    report.result(
        summary=_("Read %(total)d entries (%(format)s).") % {"total": len(records), "format": fmt}
    )
