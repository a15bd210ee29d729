"""The XDatenfelder reader on the published fixtures, a real 1.0 export and hostile input."""

import pytest

from revier.forms import xdf
from revier.forms.xdf import XDatenfelderError, parse
from tests.forms.conftest import (
    V3_SCHEMA,
    XDF1_WBK,
    XDF2,
    XDF3,
    dog_tax_schema,
    struktur,
    v3_field,
    v3_group,
    v3_rule,
)

ROOT2 = "/xdf:xdatenfelder.stammdatenschema.0102/xdf:stammdatenschema"
ROOT3 = "/xdf:xdatenfelder.datenfeldgruppe.0103/xdf:datenfeldgruppe"

REFUSED = {
    XDF2 / "duplicate-optional-value.xml": [
        (f"{ROOT2}/xdf:beschreibung[2]", 15, "Duplicate element <xdf:beschreibung>")
    ],
    XDF2 / "duplicate-required-value.xml": [
        (f"{ROOT2}/xdf:name[2]", 13, "Duplicate element <xdf:name>")
    ],
    XDF2 / "unknown-namespace.xml": [
        (
            "/xdf:xdatenfelder.stammdatenschema.0102",
            2,
            "Unknown namespace urn:xoev-de:fim:standard:xdatenfelder_unknown",
        )
    ],
    XDF3 / "unknown-namespace.xml": [
        (
            "/xdf:xdatenfelder.datenfeldgruppe.0103",
            3,
            "Unknown namespace urn:xoev-de:fim:standard:xdatenfelder_unknown",
        )
    ],
    XDF3 / "duplicate-id-node.xml": [
        (f"{ROOT3}/xdf:identifikation/xdf:id[2]", 11, "Duplicate element <xdf:id>")
    ],
    XDF3 / "empty-id-node.xml": [
        (f"{ROOT3}/xdf:identifikation/xdf:id", 10, "Missing content: <xdf:id> is empty.")
    ],
    XDF3 / "missing-id-node.xml": [(f"{ROOT3}/xdf:identifikation", 9, "Missing element <xdf:id>.")],
    XDF3 / "invalid-freigabestatus.xml": [
        (f"{ROOT3}/xdf:freigabestatus/code", 18, "Invalid freigabestatus: 10")
    ],
    XDF3 / "unexpected-node.xml": [
        (
            f"{ROOT3}/xdf:identifikation/xdf:unknown",
            11,
            "Unexpected element <xdf:unknown> in <xdf:identifikation>.",
        )
    ],
}
ACCEPTED = sorted(
    {*XDF2.glob("*.xml"), *XDF3.glob("*.xml"), XDF1_WBK} - set(REFUSED),
    key=lambda p: (p.name, str(p)),  # one order in every process (xdist compares them)
)


def test_every_fixture_is_either_accepted_or_refused():
    every = {*XDF2.glob("*.xml"), *XDF3.glob("*.xml"), XDF1_WBK}
    assert len(every) == 19
    assert {f"{p.parent.name}/{p.name}" for p in ACCEPTED} == {
        "fim/S00000036-Waffenbesitzkarte-xdf1.xml",
        "xdf2-fixtures/data-field-rule.xml",
        "xdf2-fixtures/data-group-rule.xml",
        "xdf2-fixtures/label.xml",
        "xdf2-fixtures/minimal.xml",
        "xdf2-fixtures/rule.xml",
        "xdf2-fixtures/select.xml",
        "xdf2-fixtures/simple.xml",
        "xdf3-fixtures/input.xml",
        "xdf3-fixtures/simple.xml",
    }


@pytest.mark.parametrize("path", sorted(REFUSED), ids=lambda p: f"{p.parent.name}/{p.name}")
def test_broken_fixture_is_refused_with_element_path(path):
    with pytest.raises(XDatenfelderError) as caught:
        parse(path.read_bytes())

    found = [(p.path, p.line, p.message) for p in caught.value.problems]
    assert len(found) == len(REFUSED[path]), found
    for (path_, line, message), (expected_path, expected_line, expected) in zip(
        found, REFUSED[path], strict=True
    ):
        assert path_ == expected_path
        assert line == expected_line
        assert message.startswith(expected)


@pytest.mark.parametrize("path", ACCEPTED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_valid_fixture_is_read(path):
    message = parse(path.read_bytes())

    assert message.xdf_version in {"1.0", "2.0", "3.0"}
    assert message.root.id


def test_v2_simple_fields_types_constraints_and_rules():
    message = parse((XDF2 / "simple.xml").read_bytes())

    assert (message.xdf_version, message.kind) == ("2.0", "schema")
    root = message.root
    assert (root.id, root.version, root.label) == ("T1234", "1.0", "Test")
    assert root.rules == ["R60000037:1.2"]
    [group_child] = root.children
    group = group_child.element
    assert (group.id, group.version, group.label, group.element_type) == (
        "G00000082",
        "1.3",
        "Natürliche Person",
        "ABS",
    )
    assert (group_child.min_occurs, group_child.max_occurs) == (1, 1)
    [field_child] = group.children
    field = field_child.element
    assert (field.id, field.version, field.kind, field.datatype) == (
        "F60000227",
        "1.1",
        "input",
        "text",
    )
    assert field.help_text == "Hilfe Eingabe"
    assert field.constraints == {"minLength": 1, "maxLength": 120}
    rule = message.rules["R60000037:1.2"]
    assert (rule.name, rule.script, rule.type) == ("MindestEineAngabe", "function script() {}", "")


def test_v2_select_label_and_rule_attachments():
    select = parse((XDF2 / "select.xml").read_bytes()).root.children[0].element
    assert (select.kind, select.datatype) == ("select", "text")
    assert select.code_list == xdf.CodeListRef(
        id="C123",
        canonical_identification="urn:de:example",
        version="1",
        canonical_version_uri="urn:de:example_1",
    )

    label = parse((XDF2 / "label.xml").read_bytes()).root.children[0].element
    assert (label.kind, label.content, label.constraints) == ("label", "Hinweis Inhalt", {})

    field_rule = parse((XDF2 / "data-field-rule.xml").read_bytes())
    assert field_rule.root.children[0].element.rules == ["R60000037:1.2"]
    group_rule = parse((XDF2 / "data-group-rule.xml").read_bytes())
    assert group_rule.root.children[0].element.rules == ["R60000037:1.2"]
    assert parse((XDF2 / "minimal.xml").read_bytes()).root.children == []


def test_v3_group_message_with_rule_and_attribute_constraints():
    message = parse((XDF3 / "simple.xml").read_bytes())

    assert (message.xdf_version, message.kind) == ("3.0", "group")
    root = message.root
    assert (root.id, root.version, root.help_text) == ("G60000000088", "1.2.0", "Eingabehilfe")
    [street_group] = root.children
    assert (street_group.min_occurs, street_group.max_occurs) == (0, 1)
    street = street_group.element.children[0].element
    assert (street.id, street.version, street.label) == ("F60000000243", "1.1.0", "Straße")
    assert street.constraints == {"minLength": 1, "maxLength": 55}
    assert street.help_text == "Geben Sie an, wie die Straße heißt."
    rule = message.rules["R60000000019:1.2.0"]
    assert (rule.type, rule.script) == ("V", "some script content")
    assert rule.free_text.startswith("Es muss entweder Feldgruppe G60000086")


def test_v3_input_fixture_reads_every_attribute():
    message = parse((XDF3 / "input.xml").read_bytes())

    field = message.root.children[0].element
    assert (field.kind, field.datatype, field.content) == ("select", "text", "Some Content")
    assert field.constraints == {
        "minLength": 0,
        "maxLength": 1,
        "minValue": "0",
        "maxValue": "1",
        "pattern": "abc",
    }
    assert (field.max_size, field.media_types) == (10, ["application/json"])
    warnings = [w.message for w in message.warnings]
    assert "Empty duplicate element ignored." in warnings
    assert "Empty code list reference ignored." in warnings


def test_real_xdatenfelder_1_export_is_read():
    message = parse(XDF1_WBK.read_bytes())

    assert (message.xdf_version, message.root.id) == ("1.0", "S00000036")
    top = [(c.element.id, c.min_occurs, c.max_occurs) for c in message.root.children]
    assert top[:3] == [("F00000141", 1, 1), ("F00000057", 1, 1), ("G00000032", 1, 1)]
    assert ("G00000066", 0, None) in top
    anrede = message.root.children[3].element.children[0].element.children[0].element
    assert (anrede.id, anrede.kind) == ("F00000073", "select")
    assert anrede.code_list.id == "C00000040"
    # "Anrede" in praezisierung is no constraint: noted, not fatal.
    assert any("Constraints not understood" in w.message for w in message.warnings)


def test_generated_schema_with_groups_values_and_multiplicities():
    message = parse(dog_tax_schema())

    assert message.root.label == "Anmeldung eines Hundes"
    note, person, dog = (c for c in message.root.children)
    assert (note.element.kind, note.element.content) == ("label", "Bitte vollständig.")
    assert (dog.min_occurs, dog.max_occurs) == (1, None)
    breed = dog.element.children[0].element
    assert breed.values == [("01", "Mischling"), ("02", "Dackel")]
    assert person.element.children[1].max_occurs == 3


# --- hostile and wrong input --------------------------------------------------------------------


def _problems(data: bytes) -> list[str]:
    with pytest.raises(XDatenfelderError) as caught:
        parse(data)
    return [str(p) for p in caught.value.problems]


def test_billion_laughs_is_refused():
    bomb = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
]>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">
&lol4;</xdf:xdatenfelder.stammdatenschema.0102>"""
    [problem] = _problems(bomb)
    assert "document type declaration (DTD)" in problem


def test_external_entity_is_refused():
    xxe = b"""<?xml version="1.0"?>
<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>
<xdf:xdatenfelder.stammdatenschema.0102 xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2">
<xdf:header>&x;</xdf:header></xdf:xdatenfelder.stammdatenschema.0102>"""
    [problem] = _problems(xxe)
    assert "DTD" in problem
    assert "root:" not in problem


def test_file_over_the_size_limit_is_refused(settings):
    settings.REVIER_XDF_MAX_BYTES = 1000
    [problem] = _problems((XDF2 / "simple.xml").read_bytes())
    assert problem == "/: The file has 7316 bytes; at most 1000 bytes are accepted."


@pytest.mark.parametrize(
    ("data", "expected"),
    [
        (b"", "/: The file is empty."),
        (b"%PDF-1.4 binary", "/: The file is not well-formed XML"),
        (b"<html><body>Hallo</body></html>", "/html (line 1): This is not an XDatenfelder"),
        (
            b'<xdf:xdatenfelder.codeliste xmlns:xdf="urn:xoev-de:fim:standard:xdatenfelder_2"/>',
            "/xdf:xdatenfelder.codeliste (line 1): Unsupported message type",
        ),
    ],
)
def test_not_xdatenfelder_is_refused(data, expected):
    [problem] = _problems(data)
    assert problem.startswith(expected)


def test_every_problem_of_a_file_is_reported_with_its_path():
    data = (
        (XDF2 / "simple.xml")
        .read_text()
        .replace("<code>text</code>", "<code>texte</code>")
        .replace("<xdf:anzahl>1:1</xdf:anzahl>", "<xdf:anzahl>3:1</xdf:anzahl>", 1)
        .replace("<code>HAR</code>", "<code>XYZ</code>")
    )
    problems = _problems(data.encode())
    group = f"{ROOT2}/xdf:struktur/xdf:enthaelt/xdf:datenfeldgruppe"
    assert problems == [
        f"{ROOT2}/xdf:struktur/xdf:anzahl (line 53): Invalid multiplicity 3:1: the maximum is "
        "below the minimum.",
        f"{group}/xdf:struktur/xdf:enthaelt/xdf:datenfeld/xdf:schemaelementart/code (line 103): "
        "Invalid schemaelementart: XYZ (allowed: ABS, HAR, RNG).",
        f"{group}/xdf:struktur/xdf:enthaelt/xdf:datenfeld/xdf:datentyp/code (line 111): "
        "Invalid datentyp: texte (allowed: bool, date, file, num, num_currency, num_int, obj, "
        "text).",
    ]


def test_same_element_twice_in_a_group_is_refused():
    field = v3_field("F1", "Name")
    data = V3_SCHEMA.format(rules="", children=struktur("1:1", field) + struktur("0:1", field))
    [problem] = _problems(data.encode())
    assert "xdf:stammdatenschema/xdf:struktur[2]" in problem
    assert "F1 occurs twice in S60000011" in problem


# --- ids and redefinitions ----------------------------------------------------------------------

S3 = "/xdf:xdatenfelder.stammdatenschema.0102/xdf:stammdatenschema"
IN = "xdf:struktur/xdf:enthaelt"


def _schema(children: str, rules: str = "") -> bytes:
    return V3_SCHEMA.format(rules=rules, children=children).encode()


def _found(data: bytes) -> list[tuple[str, str]]:
    with pytest.raises(XDatenfelderError) as caught:
        parse(data)
    return [(p.path, p.message) for p in caught.value.problems]


@pytest.mark.parametrize(
    ("children", "path", "message"),
    [
        (
            struktur("1:1", v3_field("X!1", "Name")),
            f"{S3}/{IN}/xdf:datenfeld/xdf:identifikation/xdf:id",
            "Invalid id: X!1.",
        ),
        (
            struktur("1:1", v3_field("G60000001", "Name")),
            f"{S3}/{IN}/xdf:datenfeld/xdf:identifikation/xdf:id",
            "The id G60000001 must start with F.",
        ),
        (
            struktur("1:1", v3_group("F60000001", "Person", struktur("1:1", v3_field("F1", "A")))),
            f"{S3}/{IN}/xdf:datenfeldgruppe/xdf:identifikation/xdf:id",
            "The id F60000001 must start with G.",
        ),
        (
            struktur("1:1", v3_field("F1", "Name", rules=v3_rule("X60000001", "Regel", "x"))),
            f"{S3}/{IN}/xdf:datenfeld/xdf:regel/xdf:identifikation/xdf:id",
            "The id X60000001 must start with R.",
        ),
    ],
    ids=["invalid-characters", "field-with-group-id", "group-with-field-id", "rule-without-r"],
)
def test_broken_id_is_refused_with_its_path(children, path, message):
    assert _found(_schema(children)) == [(path, message)]


def test_identical_reuse_of_a_field_in_two_groups_is_accepted():
    name = v3_field("F1", "Name", rules=v3_rule("R1", "Pflicht", "required(F1)"))
    message = parse(
        _schema(
            struktur("1:1", v3_group("G1", "Antragsteller", struktur("1:1", name)))
            + struktur("0:1", v3_group("G2", "Vertreter", struktur("0:1", name)))
        )
    )

    first, second = (c.element.children[0].element for c in message.root.children)
    assert (first.id, first.label, first.rules) == ("F1", "Name", ["R1:1.0.0"])
    assert (second.id, second.label, second.rules) == ("F1", "Name", ["R1:1.0.0"])
    assert list(message.rules) == ["R1:1.0.0"]


def test_same_id_in_another_version_is_another_element():
    newer = v3_field("F1", "Familienname").replace("1.0.0", "1.1.0")
    message = parse(
        _schema(
            struktur("1:1", v3_group("G1", "A", struktur("1:1", v3_field("F1", "Name"))))
            + struktur("1:1", v3_group("G2", "B", struktur("1:1", newer)))
        )
    )

    assert [c.element.children[0].element.label for c in message.root.children] == [
        "Name",
        "Familienname",
    ]


def test_conflicting_redefinition_of_a_field_is_refused_with_both_paths():
    problems = _found(
        _schema(
            struktur("1:1", v3_group("G1", "A", struktur("1:1", v3_field("F1", "Name"))))
            + struktur("1:1", v3_group("G2", "B", struktur("1:1", v3_field("F1", "Nachname"))))
        )
    )

    group = "xdf:datenfeldgruppe"
    assert problems == [
        (
            f"{S3}/xdf:struktur[2]/xdf:enthaelt/{group}/{IN}/xdf:datenfeld",
            f"F1:1.0.0 is defined twice with different content (first at "
            f"{S3}/xdf:struktur[1]/xdf:enthaelt/{group}/{IN}/xdf:datenfeld). An element may "
            "occur several times, but with the same id and version it must be identical "
            "everywhere.",
        )
    ]


def test_conflicting_redefinition_of_a_rule_is_refused_with_both_paths():
    problems = _found(
        _schema(
            struktur("1:1", v3_field("F1", "Name", rules=v3_rule("R1", "Pflicht", "required(F1)")))
            + struktur("0:1", v3_field("F2", "Alter", rules=v3_rule("R1", "Pflicht", "F2 > 0"))),
        )
    )

    assert problems == [
        (
            f"{S3}/xdf:struktur[2]/xdf:enthaelt/xdf:datenfeld/xdf:regel",
            f"R1:1.0.0 is defined twice with different content (first at "
            f"{S3}/xdf:struktur[1]/xdf:enthaelt/xdf:datenfeld/xdf:regel). An element may occur "
            "several times, but with the same id and version it must be identical everywhere.",
        )
    ]


def test_conflicting_group_is_reported_together_with_the_other_problems():
    person = v3_group("G1", "Person", struktur("1:1", v3_field("F1", "Name")))
    other = v3_group("G1", "Person", struktur("0:1", v3_field("F1", "Name")))  # other multiplicity
    problems = _found(
        _schema(
            struktur("1:1", v3_group("G2", "A", struktur("1:1", person)))
            + struktur("1:1", v3_group("G3", "B", struktur("1:1", other)))
            + struktur("1:1", v3_field("F!", "Kaputt"))
        )
    )

    assert [(path.removeprefix(S3), message[:50]) for path, message in problems] == [
        (
            f"/xdf:struktur[2]/xdf:enthaelt/xdf:datenfeldgruppe/{IN}/xdf:datenfeldgruppe",
            "G1:1.0.0 is defined twice with different content (",
        ),
        (
            "/xdf:struktur[3]/xdf:enthaelt/xdf:datenfeld/xdf:identifikation/xdf:id",
            "Invalid id: F!.",
        ),
    ]
    # The field inside is the same in both copies: only the group is named.
    assert f"(first at {S3}/xdf:struktur[1]/" in problems[0][1]
