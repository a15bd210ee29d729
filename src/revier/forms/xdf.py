"""Reading FIM XDatenfelder messages (1.0, 2.0 and 3.0.0) into plain data classes.

The reader is strict: every element it does not know, every single-valued element that occurs
twice, every missing required element and every value outside its code list is a problem, and all
problems of a file are collected with their element path (``/xdf:…/xdf:struktur[2]/…``) and line,
so one report names everything to fix. Nothing here touches the database.

Untrusted input: a size limit, no DTDs (billion laughs), no entities, no network access. The file
is first checked by defusedxml (expat) and only then parsed by lxml, which gives line numbers.
"""

from __future__ import annotations

import json
import re
from collections import defaultdict
from dataclasses import dataclass, field, fields
from decimal import Decimal, InvalidOperation
from xml.etree.ElementTree import ParseError

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml import ElementTree as SafeET
from django.conf import settings
from django.utils.translation import gettext as _
from lxml import etree

NAMESPACES = {
    "urn:xoev-de:fim:standard:xdatenfelder_1": "1.0",
    "urn:xoev-de:fim:standard:xdatenfelder_2": "2.0",
    "urn:xoev-de:fim:standard:xdatenfelder_3.0.0": "3.0",
}
DEFAULT_MAX_BYTES = 5 * 1024 * 1024

DATATYPES = {
    "1.0": {"text", "date", "bool", "num", "num_int", "num_currency", "file", "obj"},
    "2.0": {"text", "date", "bool", "num", "num_int", "num_currency", "file", "obj"},
}
DATATYPES["3.0"] = DATATYPES["2.0"] | {"text_latin", "time", "datetime"}
FIELD_KINDS = {"1.0": {"input", "select", "label"}, "2.0": {"input", "select", "label"}}
FIELD_KINDS["3.0"] = FIELD_KINDS["2.0"] | {"hidden", "locked"}
ELEMENT_TYPES = {"ABS", "HAR", "RNG"}
STATUS_V2 = {"aktiv", "inaktiv", "inVorbereitung"}
FREIGABESTATUS_V3 = {"1", "2", "3", "4", "5", "6", "7"}
RULE_TYPES_V3 = {"K", "M", "V", "B"}
VORBEFUELLUNG_V3 = {"keine", "optional", "verpflichtend"}
CONSTRAINT_KEYS = ("minLength", "maxLength", "minValue", "maxValue", "pattern")

ONE, OPT, MANY = "1", "?", "*"
ID_RE = re.compile(r"^[A-Za-z][A-Za-z0-9_.\-]{0,63}$")
ANZAHL_RE = re.compile(r"^(\d{1,6}):(\d{1,6}|\*)$")


# --- result -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Problem:
    path: str
    message: str
    line: int | None = None

    def __str__(self) -> str:
        where = f"{self.path} (line {self.line})" if self.line else self.path
        return f"{where}: {self.message}"

    def as_dict(self, level: str) -> dict:
        return {"level": level, "path": self.path, "line": self.line, "message": self.message}


class XDatenfelderError(Exception):
    """The file was refused; ``problems`` names every reason with its element path."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        super().__init__("\n".join(str(p) for p in problems))


@dataclass
class CodeListRef:
    id: str = ""
    canonical_identification: str = ""
    version: str = ""
    canonical_version_uri: str = ""


@dataclass
class Rule:
    id: str
    version: str
    name: str
    description: str
    free_text: str
    type: str  # K, M, V, B (3.0); empty in 1.0/2.0, which have no rule type
    script: str
    path: str

    @property
    def key(self) -> str:
        return f"{self.id}:{self.version}"


@dataclass
class Element:
    id: str
    version: str
    name: str
    label: str
    help_text: str
    description: str
    definition: str
    bezug: str
    element_type: str
    path: str
    rules: list[str] = field(default_factory=list)


@dataclass
class Field(Element):
    kind: str = "input"
    datatype: str = "text"
    constraints: dict = field(default_factory=dict)
    content: str = ""
    code_list: CodeListRef | None = None
    values: list[tuple[str, str]] = field(default_factory=list)
    max_size: int | None = None
    media_types: list[str] = field(default_factory=list)


@dataclass
class Child:
    element: Group | Field
    min_occurs: int
    max_occurs: int | None  # None: unbounded ("*")
    path: str


@dataclass
class Group(Element):
    children: list[Child] = field(default_factory=list)


@dataclass
class Message:
    xdf_version: str  # "1.0", "2.0", "3.0"
    kind: str  # "schema" (Stammdatenschema) or "group" (Datenfeldgruppe)
    root: Group  # the Stammdatenschema, or the data group of a group message
    rules: dict[str, Rule]
    warnings: list[Problem]


# --- entry point --------------------------------------------------------------------------------


def max_bytes() -> int:
    return int(getattr(settings, "REVIER_XDF_MAX_BYTES", DEFAULT_MAX_BYTES))


def parse(data: bytes) -> Message:
    """Read an XDatenfelder message or raise :class:`XDatenfelderError`."""
    return _Reader(safe_root(data)).read()


def safe_root(data: bytes):
    """The root element of untrusted XML, or :class:`XDatenfelderError` (size, DTD, syntax)."""
    limit = max_bytes()
    if len(data) > limit:
        raise XDatenfelderError(
            [
                Problem(
                    "/",
                    _("The file has %(size)d bytes; at most %(limit)d bytes are accepted.")
                    % {"size": len(data), "limit": limit},
                )
            ]
        )
    if not data.strip():
        raise XDatenfelderError([Problem("/", _("The file is empty."))])
    try:
        # The gate: expat via defusedxml refuses DTDs (entity bombs) and external references
        # before lxml ever sees the document.
        SafeET.fromstring(data, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except DTDForbidden:
        raise XDatenfelderError(
            [
                Problem(
                    "/",
                    _(
                        "The file contains a document type declaration (DTD). XDatenfelder "
                        "messages have none, and DTDs can hide entity expansion attacks."
                    ),
                )
            ]
        ) from None
    except (EntitiesForbidden, ExternalReferenceForbidden):
        raise XDatenfelderError(
            [Problem("/", _("The file declares entities or external references."))]
        ) from None
    except ParseError as exc:
        raise XDatenfelderError(
            [Problem("/", _("The file is not well-formed XML: %(error)s") % {"error": exc})]
        ) from None
    parser = etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )
    try:
        return etree.fromstring(data, parser)
    except etree.XMLSyntaxError as exc:
        raise XDatenfelderError(
            [Problem("/", _("The file is not well-formed XML: %(error)s") % {"error": exc})]
        ) from None


# --- reader -------------------------------------------------------------------------------------


def _specs(version: str) -> dict[str, dict[str, str]]:
    """Allowed children (local name → multiplicity) of each element kind, per version."""
    if version == "3.0":
        base = {
            "identifikation": ONE,
            "name": ONE,
            "beschreibung": OPT,
            "definition": OPT,
            "bezug": MANY,
            "freigabestatus": ONE,
            "statusGesetztAm": OPT,
            "statusGesetztDurch": OPT,
            "gueltigAb": OPT,
            "gueltigBis": OPT,
            "versionshinweis": OPT,
            "veroeffentlichungsdatum": OPT,
            "letzteAenderung": ONE,
            "relation": MANY,
            "stichwort": MANY,
        }
        element = {
            **base,
            "bezeichnungEingabe": ONE,
            "bezeichnungAusgabe": OPT,
            "schemaelementart": ONE,
            "hilfetextEingabe": OPT,
            "hilfetextAusgabe": OPT,
        }
        return {
            "schema": {
                **base,
                "bezeichnung": OPT,
                "bezeichnungEingabe": OPT,
                "hilfetext": OPT,
                "ableitungsmodifikationenStruktur": OPT,
                "ableitungsmodifikationenRepraesentation": OPT,
                "dokumentsteckbrief": OPT,
                "regel": MANY,
                "struktur": MANY,
            },
            "group": {**element, "art": OPT, "regel": MANY, "struktur": MANY},
            "field": {
                **element,
                "feldart": ONE,
                "datentyp": ONE,
                "praezisierung": OPT,
                "inhalt": OPT,
                "vorbefuellung": OPT,
                "werte": OPT,
                "codelisteReferenz": OPT,
                "codeKey": OPT,
                "nameKey": OPT,
                "helpKey": OPT,
                "maxSize": OPT,
                "mediaType": MANY,
                "regel": MANY,
            },
            "rule": {
                "identifikation": ONE,
                "name": ONE,
                "beschreibung": OPT,
                "freitextRegel": OPT,
                "bezug": MANY,
                "stichwort": MANY,
                "fachlicherErsteller": OPT,
                "letzteAenderung": ONE,
                "typ": ONE,
                "param": MANY,
                "ziel": MANY,
                "skript": OPT,
                "fehler": MANY,
            },
            "struktur": {"anzahl": ONE, "bezug": MANY, "enthaelt": ONE},
            "identifikation": {"id": ONE, "version": OPT},
            "codelisteReferenz": {
                "canonicalIdentification": OPT,
                "version": OPT,
                "canonicalVersionUri": OPT,
            },
            "werte": {"wert": MANY},
            "wert": {"code": ONE, "name": ONE, "hilfe": OPT},
            "relation": {"praedikat": ONE, "objekt": ONE},
            "dokumentsteckbrief": {"id": ONE, "version": OPT},
        }
    ident = {"id": ONE, "version": OPT} if version == "1.0" else {"identifikation": ONE}
    common = {
        **ident,
        "name": ONE,
        "bezeichnungEingabe": OPT,
        "bezeichnungAusgabe": OPT,
        "beschreibung": OPT,
        "definition": OPT,
        "bezug": OPT,
        "status": ONE,
        "gueltigAb": OPT,
        "gueltigBis": OPT,
        "fachlicherErsteller": OPT,
        "versionshinweis": OPT,
        "freigabedatum": OPT,
        "veroeffentlichungsdatum": OPT,
    }
    element = {**common, "schemaelementart": ONE, "hilfetextEingabe": OPT, "hilfetextAusgabe": OPT}
    derivation = ONE if version == "2.0" else OPT
    return {
        "schema": {
            **common,
            "hilfetext": OPT,
            "ableitungsmodifikationenStruktur": derivation,
            "ableitungsmodifikationenRepraesentation": derivation,
            "regel": MANY,
            "struktur": MANY,
        },
        "group": {**element, "regel": MANY, "struktur": MANY},
        "field": {
            **element,
            "feldart": ONE,
            "datentyp": ONE,
            "praezisierung": OPT,
            "inhalt": OPT,
            ("codeliste" if version == "1.0" else "codelisteReferenz"): OPT,
            "regel": MANY,
        },
        "rule": {**common, "script": OPT},
        "struktur": {"anzahl": ONE, "bezug": OPT, "enthaelt": ONE},
        "identifikation": {"id": ONE, "version": OPT},
        "codelisteReferenz": {"identifikation": ONE, "genericodeIdentification": OPT},
        "genericodeIdentification": {
            "canonicalIdentification": ONE,
            "version": OPT,
            "canonicalVersionUri": OPT,
        },
        "codeliste": {**common, "kennung": ONE, "langname": OPT},
    }


class _Reader:
    def __init__(self, root):
        self.root = root
        self.errors: list[Problem] = []
        self.warnings: list[Problem] = []
        self.rules: dict[str, Rule] = {}
        self.ns = etree.QName(root).namespace or ""
        self.version = NAMESPACES.get(self.ns, "")
        self.spec = _specs(self.version) if self.version else {}
        self._paths: dict = {}
        # (kind, "id:version") → (content, path) of the first definition of each field and group
        self._definitions: dict[tuple[str, str], tuple[dict, str]] = {}

    # -- paths and problems --

    def name_of(self, el) -> str:
        qname = etree.QName(el)
        if qname.namespace and el.prefix:
            return f"{el.prefix}:{qname.localname}"
        return qname.localname

    def path(self, el) -> str:
        if el in self._paths:
            return self._paths[el]
        parent = el.getparent()
        name = self.name_of(el)
        if parent is None:
            result = f"/{name}"
        else:
            same = [c for c in parent if isinstance(c.tag, str) and c.tag == el.tag]
            suffix = f"[{same.index(el) + 1}]" if len(same) > 1 else ""
            result = f"{self.path(parent)}/{name}{suffix}"
        self._paths[el] = result
        return result

    def error(self, el, message: str) -> None:
        self.errors.append(Problem(self.path(el), message, el.sourceline))

    def warn(self, el, message: str) -> None:
        self.warnings.append(Problem(self.path(el), message, el.sourceline))

    def redefinition(self, el, key: str, first_path: str) -> None:
        self.error(
            el,
            _(
                "%(key)s is defined twice with different content (first at %(first)s). An "
                "element may occur several times, but with the same id and version it must be "
                "identical everywhere."
            )
            % {"key": key, "first": first_path},
        )

    def register(self, el, kind: str, element: Group | Field) -> None:
        """Note a field or group definition; refuse a different one with the same id and version.

        FIM reuses elements: the same Datenfeld may appear in several groups, each time written
        out in full. Identical copies are fine; a copy that differs is a contradiction the import
        would otherwise resolve silently by taking one of them.
        """
        if not element.id:
            return
        key = _key(element.id, element.version)
        content = _content(element)
        first = self._definitions.get((kind, key))
        if first is None:
            self._definitions[(kind, key)] = (content, element.path)
        elif first[0] != content:
            self.redefinition(el, key, first[1])

    # -- structure --

    def children(self, el, kind: str) -> dict[str, list]:
        spec = self.spec[kind]
        found: dict[str, list] = defaultdict(list)
        for child in el:
            if not isinstance(child.tag, str):
                continue
            qname = etree.QName(child)
            if qname.namespace != self.ns or qname.localname not in spec:
                self.error(
                    child,
                    _("Unexpected element <%(name)s> in <%(parent)s>.")
                    % {"name": self.name_of(child), "parent": self.name_of(el)},
                )
                continue
            found[qname.localname].append(child)
        for name, multiplicity in spec.items():
            items = found.get(name, [])
            if multiplicity == ONE and not items:
                self.error(el, _("Missing element <xdf:%(name)s>.") % {"name": name})
            elif multiplicity in (ONE, OPT) and len(items) > 1:
                filled = [item for item in items if _has_content(item)]
                if self.version == "3.0" and len(filled) == 1:
                    # An empty placeholder next to the one filled element says nothing
                    # contradictory; noted, not refused.
                    for item in items:
                        if item is not filled[0]:
                            self.warn(item, _("Empty duplicate element ignored."))
                    found[name] = filled
                else:
                    for item in items[1:]:
                        self.error(
                            item,
                            _("Duplicate element <xdf:%(name)s>: it may occur only once.")
                            % {"name": name},
                        )
                    found[name] = items[:1]
        return found

    def text(self, el, *, required: bool = False) -> str:
        if el is None:
            return ""
        for child in el:
            if isinstance(child.tag, str):
                self.error(
                    child,
                    _("Unexpected element <%(name)s>: <%(parent)s> holds text only.")
                    % {"name": self.name_of(child), "parent": self.name_of(el)},
                )
        value = (el.text or "").replace("\r\n", "\n").strip()
        if required and not value:
            self.error(el, _("Missing content: <%(name)s> is empty.") % {"name": self.name_of(el)})
        return value

    def first_text(self, found: dict, name: str, *, required: bool = False) -> str:
        items = found.get(name) or []
        return self.text(items[0], required=required) if items else ""

    def code(self, el, allowed: set[str] | None, label: str) -> str:
        """A code-list value: ``<xdf:feldart listURI=…><code>input</code></xdf:feldart>``."""
        if el is None:
            return ""
        codes = []
        for child in el:
            if not isinstance(child.tag, str):
                continue
            if etree.QName(child).localname == "code" and etree.QName(child).namespace is None:
                codes.append(child)
            else:
                self.error(
                    child,
                    _("Unexpected element <%(name)s> in <%(parent)s>.")
                    % {"name": self.name_of(child), "parent": self.name_of(el)},
                )
        if not codes:
            self.error(el, _("Missing element <code>."))
            return ""
        for extra in codes[1:]:
            self.error(extra, _("Duplicate element <code>: it may occur only once."))
        value = self.text(codes[0], required=True)
        if value and allowed is not None and value not in allowed:
            self.error(
                codes[0],
                _("Invalid %(what)s: %(value)s (allowed: %(allowed)s).")
                % {"what": label, "value": value, "allowed": ", ".join(sorted(allowed))},
            )
            return ""
        return value

    def identification(self, found: dict, prefix: str) -> tuple[str, str]:
        if self.version == "1.0":
            parts = found  # 1.0 has <id> and <version> directly in the element
        else:
            items = found.get("identifikation") or []
            if not items:
                return "", ""
            parts = self.children(items[0], "identifikation")
        id_items = parts.get("id") or []
        identifier = self.text(id_items[0], required=True) if id_items else ""
        version = self.first_text(parts, "version")
        if identifier and not ID_RE.match(identifier):
            self.error(id_items[0], _("Invalid id: %(id)s.") % {"id": identifier})
        elif identifier and prefix and not identifier.startswith(prefix):
            self.error(
                id_items[0],
                _("The id %(id)s must start with %(prefix)s.")
                % {"id": identifier, "prefix": prefix},
            )
        return identifier, version

    # -- elements --

    def read(self) -> Message:
        root = self.root
        if not self.ns or "xdatenfelder" not in (self.ns + etree.QName(root).localname):
            raise XDatenfelderError(
                [
                    Problem(
                        self.path(root),
                        _("This is not an XDatenfelder message (root element <%(name)s>).")
                        % {"name": self.name_of(root)},
                        root.sourceline,
                    )
                ]
            )
        if not self.version:
            raise XDatenfelderError(
                [
                    Problem(
                        self.path(root),
                        _(
                            "Unknown namespace %(ns)s. Supported are XDatenfelder 1.0, 2.0 and "
                            "3.0.0."
                        )
                        % {"ns": self.ns},
                        root.sourceline,
                    )
                ]
            )
        local = etree.QName(root).localname
        if local.startswith("xdatenfelder.stammdatenschema."):
            kind, body_name = "schema", "stammdatenschema"
        elif local.startswith("xdatenfelder.datenfeldgruppe."):
            kind, body_name = "group", "datenfeldgruppe"
        else:
            raise XDatenfelderError(
                [
                    Problem(
                        self.path(root),
                        _(
                            "Unsupported message type <%(name)s>: expected a "
                            "Stammdatenschema or a Datenfeldgruppe."
                        )
                        % {"name": self.name_of(root)},
                        root.sourceline,
                    )
                ]
            )
        body = None
        headers = 0
        for child in root:
            if not isinstance(child.tag, str):
                continue
            qname = etree.QName(child)
            if qname.namespace == self.ns and qname.localname == "header":
                headers += 1
                if headers > 1:
                    self.error(child, _("Duplicate element <xdf:header>: it may occur only once."))
            elif qname.namespace == self.ns and qname.localname == body_name:
                if body is not None:
                    self.error(
                        child,
                        _("Duplicate element <xdf:%(name)s>: it may occur only once.")
                        % {"name": body_name},
                    )
                else:
                    body = child
            else:
                self.error(
                    child,
                    _("Unexpected element <%(name)s> in <%(parent)s>.")
                    % {"name": self.name_of(child), "parent": self.name_of(root)},
                )
        if not headers:
            self.error(root, _("Missing element <xdf:header>."))
        result = None
        if body is None:
            self.error(root, _("Missing element <xdf:%(name)s>.") % {"name": body_name})
        elif kind == "schema":
            result = self.element(body, "schema")
        else:
            result = self.element(body, "group")
        if self.errors or result is None:
            raise XDatenfelderError(self.errors)
        return Message(self.version, kind, result, self.rules, self.warnings)

    def element(self, el, kind: str) -> Group | Field:
        found = self.children(el, kind)
        prefix = {"group": "G", "field": "F"}.get(kind, "")
        identifier, version = self.identification(found, prefix)
        name = self.first_text(found, "name", required=True)
        if kind == "schema":
            label = self.first_text(found, "bezeichnungEingabe") or self.first_text(
                found, "bezeichnung"
            )
            help_text = self.first_text(found, "hilfetext")
        else:
            label = self.first_text(found, "bezeichnungEingabe", required=self.version == "3.0")
            help_text = self.first_text(found, "hilfetextEingabe")
        self.status(found)
        element_type = ""
        for item in found.get("schemaelementart", [])[:1]:
            element_type = self.code(item, ELEMENT_TYPES, "schemaelementart")
        for item in found.get("ableitungsmodifikationenStruktur", [])[:1]:
            self.code(item, {"0", "1", "2", "3"}, "ableitungsmodifikationenStruktur")
        for item in found.get("ableitungsmodifikationenRepraesentation", [])[:1]:
            self.code(item, {"0", "1"}, "ableitungsmodifikationenRepraesentation")
        self.extras(found)
        common = dict(
            id=identifier,
            version=version,
            name=name,
            label=label or name,
            help_text=help_text,
            description=self.first_text(found, "beschreibung"),
            definition=self.first_text(found, "definition"),
            bezug="\n".join(filter(None, (self.text(b) for b in found.get("bezug", [])))),
            element_type=element_type,
            path=self.path(el),
        )
        rules = [self.rule(r) for r in found.get("regel", [])]
        common["rules"] = [r for r in rules if r]
        if kind == "field":
            result = self.field(el, found, common)
            self.register(el, kind, result)
            return result
        group = Group(**common)
        seen: dict[str, str] = {}
        for struktur in found.get("struktur", []):
            child = self.struktur(struktur)
            if child is None:
                continue
            key = child.element.id
            if key in seen:
                self.error(
                    struktur,
                    _(
                        "%(id)s occurs twice in %(parent)s (first at %(first)s). Answers are keyed "
                        "by id, so an element may occur only once per group; use a multiplicity "
                        "instead."
                    )
                    % {"id": key, "parent": identifier or name, "first": seen[key]},
                )
                continue
            seen[key] = child.path
            group.children.append(child)
        if kind == "group":
            self.register(el, kind, group)
        return group

    def status(self, found: dict) -> None:
        if self.version == "3.0":
            for item in found.get("freigabestatus", [])[:1]:
                self.code(item, FREIGABESTATUS_V3, "freigabestatus")
        else:
            for item in found.get("status", [])[:1]:
                self.code(item, STATUS_V2, "status")

    def extras(self, found: dict) -> None:
        """Validate the 3.0 side elements the form does not use (relations, keywords)."""
        for relation in found.get("relation", []):
            parts = self.children(relation, "relation")
            for item in parts.get("praedikat", [])[:1]:
                self.code(item, {"ABL", "ERS", "EQU", "VKN"}, "praedikat")
            for item in parts.get("objekt", [])[:1]:
                obj = self.children(item, "identifikation")
                for id_el in obj.get("id", [])[:1]:
                    self.text(id_el, required=True)
        for item in found.get("dokumentsteckbrief", []):
            parts = self.children(item, "dokumentsteckbrief")
            for id_el in parts.get("id", [])[:1]:
                self.text(id_el, required=True)

    def struktur(self, el) -> Child | None:
        found = self.children(el, "struktur")
        anzahl_el = (found.get("anzahl") or [None])[0]
        minimum, maximum = 1, 1
        if anzahl_el is not None:
            anzahl = self.text(anzahl_el, required=True)
            match = ANZAHL_RE.match(anzahl)
            if anzahl and not match:
                self.error(
                    anzahl_el,
                    _("Invalid multiplicity %(value)s: expected e.g. 1:1, 0:1, 1:*, 2:5.")
                    % {"value": anzahl},
                )
            elif match:
                minimum = int(match.group(1))
                maximum = None if match.group(2) == "*" else int(match.group(2))
                if maximum is not None and (maximum < minimum or maximum == 0):
                    self.error(
                        anzahl_el,
                        _("Invalid multiplicity %(value)s: the maximum is below the minimum.")
                        % {"value": anzahl},
                    )
        for bezug in found.get("bezug", []):
            self.text(bezug)
        enthaelt = (found.get("enthaelt") or [None])[0]
        if enthaelt is None:
            return None
        contained = []
        for child in enthaelt:
            if not isinstance(child.tag, str):
                continue
            qname = etree.QName(child)
            if qname.namespace == self.ns and qname.localname in ("datenfeld", "datenfeldgruppe"):
                contained.append(child)
            else:
                self.error(
                    child,
                    _("Unexpected element <%(name)s> in <xdf:enthaelt>.")
                    % {"name": self.name_of(child)},
                )
        if not contained:
            self.error(enthaelt, _("Missing element <xdf:datenfeld> or <xdf:datenfeldgruppe>."))
            return None
        for extra in contained[1:]:
            self.error(extra, _("<xdf:enthaelt> holds exactly one element."))
        item = contained[0]
        kind = "field" if etree.QName(item).localname == "datenfeld" else "group"
        element = self.element(item, kind)
        return Child(element, minimum, maximum, self.path(el))

    def field(self, el, found: dict, common: dict) -> Field:
        version = self.version
        kind = ""
        for item in found.get("feldart", [])[:1]:
            kind = self.code(item, FIELD_KINDS[version], "feldart")
        datatype = ""
        for item in found.get("datentyp", [])[:1]:
            datatype = self.code(item, DATATYPES[version], "datentyp")
        for item in found.get("vorbefuellung", [])[:1]:
            self.code(item, VORBEFUELLUNG_V3, "vorbefuellung")
        result = Field(**common, kind=kind or "input", datatype=datatype or "text")
        result.content = self.first_text(found, "inhalt")
        for item in found.get("praezisierung", [])[:1]:
            result.constraints = self.praezisierung(item, result)
        for item in found.get("codelisteReferenz", [])[:1]:
            result.code_list = self.code_list_ref(item)
        for item in found.get("codeliste", [])[:1]:
            result.code_list = self.code_list_v1(item)
        for item in found.get("werte", [])[:1]:
            result.values = self.values(item)
        for item in found.get("maxSize", [])[:1]:
            size = self.text(item)
            if size:
                if size.isdigit():
                    result.max_size = int(size)
                else:
                    self.error(item, _("Invalid maxSize %(value)s.") % {"value": size})
        result.media_types = [t for t in (self.text(m) for m in found.get("mediaType", [])) if t]
        for name in ("codeKey", "nameKey", "helpKey"):
            self.first_text(found, name)
        if result.kind == "select" and not result.values and not result.code_list:
            self.warn(el, _("Selection field without values or code list: any text is accepted."))
        return result

    def praezisierung(self, el, field_: Field) -> dict:
        constraints: dict = {}
        if self.version == "3.0":
            for name, value in el.attrib.items():
                if name not in CONSTRAINT_KEYS:
                    self.error(
                        el,
                        _("Unexpected attribute %(name)s on <xdf:praezisierung>.") % {"name": name},
                    )
                    continue
                constraints[name] = value
            if self.text(el):
                self.warn(el, _("Text in <xdf:praezisierung> ignored: only attributes are used."))
        else:
            raw = self.text(el)
            if not raw:
                return {}
            try:
                parsed = json.loads(raw)
            except ValueError:
                parsed = None
            if not isinstance(parsed, dict):
                self.warn(
                    el,
                    _("Constraints not understood and ignored: %(value)s.") % {"value": raw[:100]},
                )
                return {}
            for name, value in parsed.items():
                if name not in CONSTRAINT_KEYS:
                    self.warn(el, _("Unknown constraint %(name)s ignored.") % {"name": name})
                    continue
                constraints[name] = str(value)
        return self.check_constraints(el, constraints)

    def check_constraints(self, el, raw: dict) -> dict:
        result: dict = {}
        for name in ("minLength", "maxLength"):
            if name in raw and raw[name].strip() != "":
                value = raw[name].strip()
                if not value.isdigit():
                    self.error(el, _("%(name)s must be a whole number.") % {"name": name})
                else:
                    result[name] = int(value)
        for name in ("minValue", "maxValue"):
            if name in raw and raw[name].strip() != "":
                value = raw[name].strip()
                try:
                    Decimal(value)
                except InvalidOperation:
                    self.error(el, _("%(name)s must be a number.") % {"name": name})
                else:
                    result[name] = value
        if raw.get("pattern"):
            try:
                re.compile(raw["pattern"])
            except re.error:
                self.error(
                    el, _("The pattern %(pattern)s is not a valid regular expression.") % raw
                )
            else:
                result["pattern"] = raw["pattern"]
        if result.get("minLength", 0) > result.get("maxLength", 10**9):
            self.error(el, _("minLength is greater than maxLength."))
        return result

    def code_list_ref(self, el) -> CodeListRef | None:
        ref = CodeListRef()
        if self.version == "3.0":
            parts = self.children(el, "codelisteReferenz")
            ref.canonical_identification = self.first_text(parts, "canonicalIdentification")
            ref.version = self.first_text(parts, "version")
            ref.canonical_version_uri = self.first_text(parts, "canonicalVersionUri")
        else:
            parts = self.children(el, "codelisteReferenz")
            for ident in parts.get("identifikation", [])[:1]:
                id_parts = self.children(ident, "identifikation")
                ref.id = self.first_text(id_parts, "id", required=True)
            for gc in parts.get("genericodeIdentification", [])[:1]:
                gc_parts = self.children(gc, "genericodeIdentification")
                ref.canonical_identification = self.first_text(
                    gc_parts, "canonicalIdentification", required=True
                )
                ref.version = self.first_text(gc_parts, "version")
                ref.canonical_version_uri = self.first_text(gc_parts, "canonicalVersionUri")
        if not (ref.id or ref.canonical_identification):
            self.warn(el, _("Empty code list reference ignored."))
            return None
        return ref

    def code_list_v1(self, el) -> CodeListRef:
        parts = self.children(el, "codeliste")
        self.status(parts)
        return CodeListRef(
            id=self.first_text(parts, "id", required=True),
            canonical_identification=self.first_text(parts, "kennung", required=True),
            version=self.first_text(parts, "version"),
        )

    def values(self, el) -> list[tuple[str, str]]:
        result: list[tuple[str, str]] = []
        seen: set[str] = set()
        for wert in self.children(el, "werte").get("wert", []):
            parts = self.children(wert, "wert")
            code = self.first_text(parts, "code", required=True)
            label = self.first_text(parts, "name", required=True)
            self.first_text(parts, "hilfe")
            if code in seen:
                self.error(wert, _("Duplicate value %(code)s in the value list.") % {"code": code})
                continue
            seen.add(code)
            result.append((code, label or code))
        return result

    def rule(self, el) -> str:
        found = self.children(el, "rule")
        identifier, version = self.identification(found, "R")
        rule_type = ""
        for item in found.get("typ", [])[:1]:
            rule_type = self.code(item, RULE_TYPES_V3, "typ")
        if self.version != "3.0":
            self.status(found)
        for item in found.get("bezug", []):
            self.text(item)
        rule = Rule(
            id=identifier,
            version=version,
            name=self.first_text(found, "name", required=True),
            description=self.first_text(found, "beschreibung"),
            free_text=self.first_text(found, "freitextRegel")
            or self.first_text(found, "definition"),
            type=rule_type,
            script=self.first_text(found, "skript") or self.first_text(found, "script"),
            path=self.path(el),
        )
        if not identifier:
            return ""
        first = self.rules.setdefault(rule.key, rule)
        if first is not rule and _content(first) != _content(rule):
            self.redefinition(el, _key(identifier, version), first.path)
        return rule.key


def _key(identifier: str, version: str) -> str:
    return f"{identifier}:{version}" if version else identifier


def _content(item: Rule | Group | Field) -> dict:
    """What a definition says, without where it stands: paths are left out, and a group's
    children count by id, version and multiplicity (their own content is compared on its own)."""
    content = {f.name: getattr(item, f.name) for f in fields(item) if f.name != "path"}
    if isinstance(item, Group):
        content["children"] = [
            (c.element.id, c.element.version, c.min_occurs, c.max_occurs) for c in item.children
        ]
    return content


def _has_content(el) -> bool:
    return (
        bool((el.text or "").strip()) or any(isinstance(c.tag, str) for c in el) or bool(el.attrib)
    )
