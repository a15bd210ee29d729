"""Importing XDatenfelder into versioned forms: structure, atomicity, life cycle, the command."""

import subprocess

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django_scopes import scope, scopes_disabled

from revier.forms import services
from revier.forms.models import CodeList, Field, Form, FormVersion, Group, Rule, Step
from revier.forms.xdf import XDatenfelderError
from tests.conftest import make_staff
from tests.forms.conftest import (
    LEIKA,
    OTHER_LEIKA,
    V3_SCHEMA,
    XDF1_WBK,
    XDF2,
    XDF3,
    dog_tax_schema,
    import_file,
    struktur,
    v3_field,
    v3_group,
)
from tests.ops.conftest import REPO, clean_env

pytestmark = pytest.mark.django_db


def _counts() -> dict:
    with scopes_disabled():
        return {
            model.__name__: model.objects.count()
            for model in (Form, FormVersion, Step, Group, Field, CodeList, Rule)
        }


def test_v2_simple_becomes_a_form_with_steps_and_fields(zeitz):
    version = import_file(zeitz, XDF2 / "simple.xml")

    with scope(municipality=zeitz):
        assert (version.number, version.status, version.source) == (1, "draft", "xdatenfelder")
        assert (version.xdf_version, version.schema_id, version.schema_version) == (
            "2.0",
            "T1234",
            "1.0",
        )
        assert version.form.leika == LEIKA
        assert version.imported_at is not None
        [step] = version.steps.all()
        assert (step.key, step.fim_id, step.fim_version, step.label) == (
            "G00000082",
            "G00000082",
            "1.3",
            "Natürliche Person",
        )
        [field] = version.fields.all()
        assert (field.key, field.fim_version, field.label, field.help_text) == (
            "F60000227",
            "1.1",
            "Familienname",
            "Hilfe Eingabe",
        )
        assert (field.datatype, field.kind, field.required) == ("text", "input", True)
        assert (field.min_length, field.max_length, field.step, field.group) == (1, 120, step, None)
        [rule] = version.rules.all()
        assert (rule.fim_id, rule.name, rule.evaluable) == ("R60000037", "MindestEineAngabe", True)
        assert rule.targets == [{"owner": "", "scope": [], "expression": {"op": "at_least_one"}}]


def test_v2_select_keeps_code_list_reference_and_reports_missing_values(zeitz):
    version = import_file(zeitz, XDF2 / "select.xml")

    with scope(municipality=zeitz):
        [field] = version.fields.all()
        assert field.kind == "select"
        assert (field.code_list.canonical_identification, field.code_list.list_version) == (
            "urn:de:example",
            "1",
        )
        assert field.code_list.values == []
        [step] = version.steps.all()
        # A field directly in the Stammdatenschema: a step without key, answers at the top.
        assert (step.key, step.label) == ("", "Test")
    assert version.report == [
        {
            "level": "warning",
            "path": "/xdf:xdatenfelder.stammdatenschema.0102/xdf:stammdatenschema/xdf:struktur/"
            "xdf:enthaelt/xdf:datenfeld",
            "line": None,
            "message": "The values of code list urn:de:example 1 are not part of the file: "
            "answers to F123 are not checked against them.",
        }
    ]


def test_v2_label_field(zeitz):
    version = import_file(zeitz, XDF2 / "label.xml")

    with scope(municipality=zeitz):
        [field] = version.fields.all()
        assert (field.kind, field.content, field.takes_input) == (
            "label",
            "Hinweis Inhalt",
            False,
        )


def test_v3_group_with_rule_not_checked_is_listed_in_the_report(zeitz):
    version = import_file(zeitz, XDF3 / "simple.xml")

    with scope(municipality=zeitz):
        assert (version.xdf_version, version.schema_id) == ("3.0", "G60000000088")
        [step] = version.steps.all()
        assert (step.key, step.min_occurs, step.max_occurs) == ("G60000000086", 0, 1)
        [field] = version.fields.all()
        assert (field.key, field.min_length, field.max_length) == ("F60000000243", 1, 55)
        [rule] = version.rules.all()
        assert (rule.type, rule.evaluable) == ("V", False)
        # Attached to the message's root group (the form itself) and to the street field.
        assert [(t["owner"], t["scope"]) for t in rule.targets] == [
            ("", []),
            ("F60000000243", ["G60000000086"]),
        ]
    [note] = [e for e in version.report if e["level"] == "rule"]
    assert note["message"].startswith("Rule R60000000019:1.2.0 (Anschrift Inland")
    assert "is not checked by the server (script not understood)" in note["message"]


def test_generated_schema_structure_rules_and_choices(zeitz):
    version = import_file(zeitz, dog_tax_schema())

    with scope(municipality=zeitz):
        steps = list(version.steps.order_by("position"))
        assert [(s.key, s.label, s.min_occurs, s.max_occurs) for s in steps] == [
            ("", "Anmeldung eines Hundes", 1, 1),
            ("G60000086", "Angaben zur Person", 1, 1),
            ("G60000100", "Hund", 1, None),
        ]
        breed = version.fields.get(key="F60000301")
        assert breed.choices == [
            {"code": "01", "label": "Mischling"},
            {"code": "02", "label": "Dackel"},
        ]
        first_names = version.fields.get(key="F60000228")
        assert (first_names.min_occurs, first_names.max_occurs, first_names.max_length) == (
            0,
            3,
            80,
        )
        age = version.fields.get(key="F60000302")
        assert (age.datatype, age.min_value, age.max_value) == ("num_int", "0", "30")
        rules = {r.fim_id: r for r in version.rules.all()}
        assert rules["R60000401"].evaluable
        assert rules["R60000401"].targets[0]["expression"] == {
            "op": "required_if",
            "field": "F60000304",
            "when": {
                "op": "compare",
                "left": "F60000303",
                "cmp": "==",
                "right": {"value": True},
            },
        }
        assert rules["R60000402"].evaluable
        assert not rules["R60000403"].evaluable


def test_real_xdatenfelder_1_export_imports(zeitz):
    version = import_file(zeitz, XDF1_WBK)

    with scope(municipality=zeitz):
        assert (version.xdf_version, version.schema_id) == ("1.0", "S00000036")
        assert version.fields.count() == 46  # every <xdf:datenfeld> of the file
        assert version.groups.count() + version.steps.exclude(key="").count() == 18
        assert set(version.code_lists.values_list("fim_id", flat=True)) == {
            "C00000040",
            "C00000009",
            "C00000004",
        }
        repeatable = version.steps.get(key="G00000066")
        assert (repeatable.min_occurs, repeatable.max_occurs) == (0, None)


@pytest.mark.parametrize(
    "name",
    [
        "xdf2-fixtures/duplicate-optional-value.xml",
        "xdf2-fixtures/duplicate-required-value.xml",
        "xdf2-fixtures/unknown-namespace.xml",
        "xdf3-fixtures/duplicate-id-node.xml",
        "xdf3-fixtures/empty-id-node.xml",
        "xdf3-fixtures/invalid-freigabestatus.xml",
        "xdf3-fixtures/missing-id-node.xml",
        "xdf3-fixtures/unexpected-node.xml",
        "xdf3-fixtures/unknown-namespace.xml",
    ],
)
def test_refused_file_stores_nothing(zeitz, name):
    before = _counts()

    with pytest.raises(XDatenfelderError):
        import_file(zeitz, XDF2.parent / name)

    assert _counts() == before == {k: 0 for k in before}


def test_conflicting_redefinition_stores_nothing(zeitz):
    children = struktur("1:1", v3_group("G1", "A", struktur("1:1", v3_field("F1", "Name")))) + (
        struktur("1:1", v3_group("G2", "B", struktur("1:1", v3_field("F1", "Nachname"))))
    )

    with pytest.raises(XDatenfelderError, match=r"F1:1\.0\.0 is defined twice"):
        import_file(zeitz, V3_SCHEMA.format(rules="", children=children).encode())

    assert _counts() == {k: 0 for k in _counts()}


def test_failure_while_storing_rolls_everything_back(zeitz, monkeypatch):
    def boom(self):
        raise RuntimeError("disk full")

    monkeypatch.setattr(services._TreeWriter, "_rules", boom)
    with pytest.raises(RuntimeError):
        import_file(zeitz, XDF2 / "simple.xml")

    assert _counts() == {k: 0 for k in _counts()}


def test_second_import_creates_version_2_and_publish_retires_the_first(zeitz):
    first = import_file(zeitz, XDF2 / "simple.xml", publish=True)
    second = import_file(zeitz, XDF2 / "simple.xml", publish=True)

    with scope(municipality=zeitz):
        first.refresh_from_db()
        assert (first.number, first.status) == (1, "retired")
        assert (second.number, second.status, second.form_id) == (2, "published", first.form_id)
        assert first.retired_at is not None
        assert Form.objects.count() == 1


def test_only_one_published_version_per_form_in_the_database(zeitz):
    first = import_file(zeitz, XDF2 / "simple.xml", publish=True)
    second = import_file(zeitz, XDF2 / "simple.xml")

    with scope(municipality=zeitz), pytest.raises(IntegrityError), transaction.atomic():
        FormVersion.objects.filter(pk=second.pk).update(status="published")
    assert first.status == "published"


def test_life_cycle_rules(zeitz):
    version = import_file(zeitz, XDF2 / "minimal.xml")
    with scope(municipality=zeitz):
        with pytest.raises(ValidationError, match="without input fields"):
            services.form_version_publish(version=version, actor=None)
        with pytest.raises(ValidationError, match="Only a published version"):
            services.form_version_retire(version=version, actor=None)
        other = import_file(zeitz, XDF2 / "simple.xml")
        services.form_version_publish(version=other, actor=None)
        services.form_version_retire(version=other, actor=None)
        other.refresh_from_db()
        assert other.status == "retired"


def test_leika_is_validated(zeitz):
    with pytest.raises(ValidationError) as caught:
        import_file(zeitz, XDF2 / "simple.xml", leika="12345678901234")
    assert caught.value.message_dict == {"leika": ["A LeiKa key has 14 digits and starts with 99."]}
    assert _counts()["Form"] == 0


def test_permission(zeitz):
    moderator = make_staff(zeitz, "moderator", "mod@zeitz.example")
    case_worker = make_staff(zeitz, "case_worker", "cw@zeitz.example")

    with pytest.raises(PermissionDenied):
        import_file(zeitz, XDF2 / "simple.xml", actor=moderator)
    version = import_file(zeitz, XDF2 / "simple.xml", actor=case_worker)
    assert version.created_by == case_worker


def test_forms_are_isolated_between_municipalities(zeitz, naumburg):
    ours = import_file(zeitz, XDF2 / "simple.xml")
    theirs = import_file(naumburg, XDF2 / "simple.xml", leika=OTHER_LEIKA)

    with scope(municipality=zeitz):
        assert list(FormVersion.objects.all()) == [ours]
        assert not Field.objects.filter(version=theirs).exists()
    with scope(municipality=naumburg):
        assert list(Form.objects.values_list("leika", flat=True)) == [OTHER_LEIKA]
    # Same LeiKa key in two municipalities: two independent forms.
    again = import_file(naumburg, XDF2 / "simple.xml")
    assert again.number == 1


# --- the command, as an operator runs it --------------------------------------------------------


def _revier(env, *args):
    return subprocess.run(
        [str(REPO / ".venv" / "bin" / "revier"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def command_env(tmp_path):
    env = clean_env(tmp_path)
    assert _revier(env, "migrate", "--no-input", "-v", "0").returncode == 0
    created = _revier(
        env,
        "create-municipality",
        "--slug",
        "zeitz",
        "--name",
        "Zeitz",
        "--ags",
        "15084590",
        "--ars",
        "150840590590",
    )
    assert created.returncode == 0, created.stderr
    return env


def _version_row(env, pk: str) -> str:
    code = (
        "from django_scopes import scopes_disabled\n"
        "from revier.forms.models import FormVersion\n"
        "with scopes_disabled():\n"
        f"    v = FormVersion.objects.get(pk={pk})\n"
        "    print(v.number, v.status, v.form.leika, v.fields.count())"
    )
    return _revier(env, "shell", "--no-imports", "-c", code).stdout.strip()


def test_command_contract(command_env):
    env = command_env
    args = ["import-xdatenfelder", "--municipality", "zeitz", "--service", LEIKA]

    first = _revier(env, *args[:1], str(XDF2 / "simple.xml"), *args[1:])
    second = _revier(env, *args[:1], str(XDF3 / "simple.xml"), *args[1:], "--publish")
    refused = _revier(env, *args[:1], str(XDF3 / "empty-id-node.xml"), *args[1:])
    unknown = _revier(
        env, args[0], str(XDF2 / "simple.xml"), "--municipality", "nowhere", "--service", LEIKA
    )

    assert first.returncode == 0, first.stderr
    assert first.stdout.strip().isdigit() and first.stdout == first.stdout.strip() + "\n"
    # The report is in the installation's language (LANGUAGE_CODE); paths and ids are not.
    assert "rule: /xdf:xdatenfelder.stammdatenschema.0102/xdf:stammdatenschema/xdf:regel: " in (
        first.stderr
    )
    assert "R60000037:1.2 (MindestEineAngabe)" in first.stderr
    assert "Imported 'Test' as version 1 (" in first.stderr
    assert _version_row(env, first.stdout.strip()) == f"1 draft {LEIKA} 1"
    assert second.returncode == 0, second.stderr
    assert _version_row(env, second.stdout.strip()) == f"2 published {LEIKA} 1"
    assert refused.returncode != 0
    assert refused.stdout == ""
    assert "was refused, nothing was imported" in refused.stderr
    assert (
        "/xdf:xdatenfelder.datenfeldgruppe.0103/xdf:datenfeldgruppe/xdf:identifikation/xdf:id "
        "(line 10): " in refused.stderr
    )
    assert unknown.returncode != 0 and unknown.stdout == ""
    assert "There is no municipality with the address 'nowhere'." in unknown.stderr
