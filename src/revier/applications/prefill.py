"""Pre-filling a new application from the person's account, where the FIM field allows it.

Which field asks for what is decided by :mod:`revier.forms.personal` (the same purposes give
the fields their ``autocomplete`` tokens): verified FIM ids first, then the field's label
("Familienname", "Vorname", "Geburtsdatum", "Straße und Hausnummer", "Postleitzahl", "Ort",
"E-Mail-Adresse", "Telefonnummer"). The ids checked against the files we have
(``/work/shared/data/fim``, see tests/cases_account/test_prefill.py, which prints and asserts the
names):

- ``F60000227`` Familienname (xdf2-fixtures/simple.xml; the repository's dog-tax form)
- ``F60000228`` Vorname(n) (the repository's dog-tax form; what ``cases.services`` reads as
  the given name)
- ``F00000013`` Familienname, ``F00000045`` Vorname, ``F00000066`` Geburtsdatum (date)
  (S00000036-Waffenbesitzkarte-xdf1.xml, a FIM portal export)

Deliberately *not* mapped by id: ``F60000229`` and ``F60000230``. The repository's test form uses
them for Geburtsdatum and Postleitzahl, while public FIM-based code uses them for Doktorgrad and
Geburtsname; with conflicting sources only the label the applicant reads decides.

A field is filled only if
- it is an input field (not a selection, label, hidden or locked field),
- its data type matches the profile value (text fields for names, date for the birth date),
- it is not inside a repeated group (a second person, a child, a dog …): only the applicant's
  own data is filled; of a repeated *field* (Vornamen 0:3) the first entry is filled,
- its purpose occurs once at such a position (two "Familienname" fields would be ambiguous),
- the value fits its Präzisierung (max length, pattern), and
- its FIM ``vorbefuellung`` (XDatenfelder 3) is not ``keine`` when the tree carries it
  (key ``prefill``).

The result are ``raw`` values (what a page would have sent), so the applicant sees and can
change them like anything typed, and the schema check runs as usual.
"""

from __future__ import annotations

import re

from revier.applications import answers
from revier.forms import personal

TEXT_TYPES = personal.TEXT_TYPES

# FIM id -> (profile attribute, accepted data types): the ids verified against sample files.
PREFILL_FIELDS: dict[str, tuple[str, tuple[str, ...]]] = {
    fim_id: (
        personal.PROFILE_ATTRIBUTES[purpose],
        personal.DATATYPES.get(purpose, personal.TEXT_TYPES),
    )
    for fim_id, purpose in personal.FIM_IDS.items()
}


def _profile_value(user, attribute: str) -> str:
    value = getattr(user, attribute, None)
    if value in (None, ""):
        return ""
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return str(value).strip()


def _fits(field: dict, value: str) -> bool:
    constraints = field.get("constraints") or {}
    max_length = constraints.get("max_length")
    if max_length is not None and len(value) > int(max_length):
        return False
    pattern = constraints.get("pattern")
    if pattern:
        try:
            if not re.fullmatch(pattern, value):
                return False
        except re.error:
            return False
    return True


def _candidates(tree: list[dict]) -> dict[str, list[tuple[dict, str]]]:
    """Fields with a purpose outside repeated groups: purpose -> [(field, raw path)]."""
    found: dict[str, list[tuple[dict, str]]] = {}

    def walk(node: dict, path: str) -> None:
        if node["type"] == "field":
            token = personal.purpose(node)
            if token in personal.PROFILE_ATTRIBUTES:
                target = answers.join(path, 0) if answers.is_repeatable(node) else path
                found.setdefault(token, []).append((node, target))
            return
        if node["type"] == "group" and answers.is_repeatable(node):
            return  # another person's data, or a list: never the applicant's own
        for child in node["children"]:
            walk(child, answers.join(path, child["key"]))

    for step in tree:
        for node, prefix in answers.step_roots(step):
            walk(node, answers.join(prefix, node["key"]))
    return found


def prefill_answers(*, tree: list[dict], user) -> dict[str, str]:
    """``{raw path: text}`` from the profile of ``user`` for the form ``tree``
    (``revier.forms.selectors.form_version_tree``)."""
    if not getattr(user, "is_authenticated", False):
        return {}
    values: dict[str, str] = {}
    for token, places in _candidates(tree).items():
        if len(places) != 1:
            continue
        field, path = places[0]
        if (field.get("prefill") or "").lower() == "keine":
            continue
        value = _profile_value(user, personal.PROFILE_ATTRIBUTES[token])
        if value and _fits(field, value):
            values[path] = value
    return values


def prefill_fields(*, version, user) -> dict:
    """``raw`` and ``data`` a new application starts with, for ``Application.objects.create(
    ..., **prefill_fields(version=version, user=actor))`` in ``services.application_start``."""
    from revier.forms.schema import form_version_compiled

    tree = form_version_compiled(version).tree  # built once per published version
    raw = {"values": prefill_answers(tree=tree, user=user), "counts": {}}
    return {"raw": raw, "data": answers.to_data(tree, raw)}
