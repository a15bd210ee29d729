"""What a form field asks about the applicant: its purpose, as an HTML ``autocomplete`` token.

WCAG 1.3.5 (Identify Input Purpose) asks for the ``autocomplete`` token on every input that
collects information about the person filling in the form. FIM Datenfelder do not carry the
token, so it is derived here, in this order:

1. the FIM id of a field whose meaning is verified against a FIM file we have (the same ids as
   ``revier.applications.prefill``): ``F60000227``/``F00000013`` Familienname,
   ``F60000228``/``F00000045`` Vorname(n), ``F00000066`` Geburtsdatum;
2. the field's label (``bezeichnungEingabe``) or name, compared whole after normalising case,
   punctuation and spaces, against the names the FIM Baukasten and German forms use
   ("Familienname", "Vorname", "Straße und Hausnummer", "Postleitzahl", "Ort", "E-Mail-Adresse",
   "Telefonnummer" …). A label that merely *contains* such a word ("Name des Hundes") does not
   count.

The data type must fit (a birth date is a ``date``, the rest text). Fields inside a repeated group
(another person, a child, a dog) are somebody else's data: :func:`purposes` leaves them out, so
neither the browser's autofill nor the profile pre-fill puts the applicant's data there.
"""

from __future__ import annotations

import re

TEXT_TYPES = ("text", "text_latin")

FAMILY_NAME = "family-name"
GIVEN_NAME = "given-name"
BIRTH_DATE = "bday"
STREET = "street-address"
POSTCODE = "postal-code"
CITY = "address-level2"
EMAIL = "email"
PHONE = "tel"

# Verified FIM ids (see the module text): id -> purpose.
FIM_IDS: dict[str, str] = {
    "F60000227": FAMILY_NAME,
    "F00000013": FAMILY_NAME,
    "F60000228": GIVEN_NAME,
    "F00000045": GIVEN_NAME,
    "F00000066": BIRTH_DATE,
}

# Normalised labels -> purpose.
LABELS: dict[str, str] = {
    "familienname": FAMILY_NAME,
    "nachname": FAMILY_NAME,
    "vorname": GIVEN_NAME,
    "vornamen": GIVEN_NAME,
    "vorname n": GIVEN_NAME,
    "rufname": GIVEN_NAME,
    "geburtsdatum": BIRTH_DATE,
    "strasse und hausnummer": STREET,
    "strasse hausnummer": STREET,
    "anschrift": STREET,
    "postleitzahl": POSTCODE,
    "plz": POSTCODE,
    "ort": CITY,
    "wohnort": CITY,
    "e mail": EMAIL,
    "e mail adresse": EMAIL,
    "email": EMAIL,
    "telefon": PHONE,
    "telefonnummer": PHONE,
    "rufnummer": PHONE,
}

DATATYPES: dict[str, tuple[str, ...]] = {BIRTH_DATE: ("date",)}

# Purpose -> attribute of the account (``accounts.User``) that holds the person's value.
PROFILE_ATTRIBUTES: dict[str, str] = {
    FAMILY_NAME: "last_name",
    GIVEN_NAME: "first_name",
    BIRTH_DATE: "birth_date",
    STREET: "street",
    POSTCODE: "postcode",
    CITY: "city",
    EMAIL: "email",
    PHONE: "phone",
}


def normalise_label(text: str) -> str:
    text = (text or "").lower().replace("ß", "ss")
    return " ".join(re.findall(r"[a-z0-9äöü]+", text))


def purpose(field: dict) -> str:
    """The ``autocomplete`` token of one field of ``form_version_tree`` (``""``: none)."""
    if field.get("type", "field") != "field" or field.get("kind") != "input":
        return ""
    found = FIM_IDS.get(field.get("fim_id") or "")
    if not found:
        for text in (field.get("label"), field.get("name")):
            found = LABELS.get(normalise_label(text or ""))
            if found:
                break
    if not found:
        return ""
    if field.get("datatype") not in DATATYPES.get(found, TEXT_TYPES):
        return ""
    if field.get("choices"):
        return ""
    return found


def is_birth_date(field: dict) -> bool:
    """A date of birth, also another person's (for the date rules, not for autofill)."""
    if field.get("datatype") != "date":
        return False
    if FIM_IDS.get(field.get("fim_id") or "") == BIRTH_DATE:
        return True
    return "geburtsdatum" in normalise_label(field.get("label") or "").replace(" ", "")


def _repeatable(node: dict) -> bool:
    return node["max_occurs"] is None or node["max_occurs"] > 1


def purposes(tree: list[dict]) -> dict[str, str]:
    """``{key path of a field: purpose}`` for the applicant's own fields of a form.

    Paths are the element keys joined by ``/`` without indices; fields inside repeated groups
    are left out. A purpose that two such fields share (two "Ort" fields: where one lives and
    where the dog was born) is ambiguous and given to neither.
    """
    found: dict[str, list[str]] = {}

    def walk(node: dict, path: str) -> None:
        if node["type"] == "field":
            token = purpose(node)
            if token:
                found.setdefault(token, []).append(path)
            return
        if node["type"] == "group" and _repeatable(node):
            return
        for child in node["children"]:
            walk(child, f"{path}/{child['key']}")

    for step in tree:
        if step["key"]:
            if not _repeatable(step):
                for child in step["children"]:
                    walk(child, f"{step['key']}/{child['key']}")
        else:
            for child in step["children"]:
                walk(child, child["key"])
    return {paths[0]: token for token, paths in found.items() if len(paths) == 1}


def generic_path(path: str) -> str:
    """``G1/0/F2/1`` -> ``G1/F2``: the key path of an answer's path."""
    return re.sub(r"/\d+(?=/|$)", "", path)
