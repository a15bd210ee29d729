"""Pre-filling from the profile: only verified FIM ids (checked here against the sample files),
only fitting input fields, never another person's data."""

import datetime as dt
import re

import pytest
from django_scopes import scope

from revier.applications.models import Application
from revier.applications.prefill import PREFILL_FIELDS, prefill_answers, prefill_fields
from revier.forms.selectors import form_version_tree
from tests.applications.conftest import LEIKA, offer_form
from tests.forms.conftest import XDF1_WBK, XDF2, import_file

pytestmark = pytest.mark.django_db

EXPECTED_NAMES = {
    "F60000227": "Familienname",
    "F00000013": "Familienname",
    "F00000045": "Vorname",
    "F00000066": "Geburtsdatum",
}


def _names_in_samples() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in [XDF1_WBK, *XDF2.glob("*.xml")]:
        text = path.read_text(encoding="utf-8")
        for fid, name in re.findall(
            r"<xdf:datenfeld>\s*(?:<xdf:identifikation>\s*)?<xdf:id>(F\d+)</xdf:id>.*?"
            r"<xdf:name>([^<]*)</xdf:name>",
            text,
            re.S,
        ):
            found.setdefault(fid, set()).add(name)
    return found


def test_mapped_ids_are_the_fields_the_sample_files_name():
    names = _names_in_samples()
    for fid, expected in EXPECTED_NAMES.items():
        print(fid, sorted(names.get(fid, ())))
        assert names.get(fid) == {expected}, fid
    assert set(PREFILL_FIELDS) == {*EXPECTED_NAMES, "F60000228"}
    # Conflicting public usage: never mapped (see revier.applications.prefill).
    assert "F60000229" not in PREFILL_FIELDS and "F60000230" not in PREFILL_FIELDS


@pytest.fixture
def person(resident):
    resident.first_name = "Anna"
    resident.last_name = "Schmidt"
    resident.birth_date = dt.date(1980, 5, 17)
    resident.save()
    return resident


def test_dog_tax_form_gets_the_names_only(zeitz, person):
    version = offer_form(zeitz, with_file=False)["version"]
    with scope(municipality=zeitz):
        tree = form_version_tree(version)
        values = prefill_answers(tree=tree, user=person)
        fields = prefill_fields(version=version, user=person)
    # F60000228 (Vorname, 0:3) gets its first entry; F60000229 is not mapped by its id, but its
    # label says "Geburtsdatum" (a date), so the birth date goes there (revier.forms.personal).
    assert values == {
        "G60000086/F60000227": "Schmidt",
        "G60000086/F60000228/0": "Anna",
        "G60000086/F60000229": "1980-05-17",
    }
    assert fields["raw"] == {"values": values, "counts": {}}
    assert fields["data"]["G60000086"] == {
        "F60000227": "Schmidt",
        "F60000228": ["Anna"],
        "F60000229": "1980-05-17",
    }


def test_waffenbesitzkarte_export_gets_names_and_birth_date(zeitz, person):
    result = import_file(zeitz, XDF1_WBK, leika="99089001002000")
    version = result.version if hasattr(result, "version") else result
    with scope(municipality=zeitz):
        tree = form_version_tree(version)
        values = prefill_answers(tree=tree, user=person)
        by_id = {}

        def walk(node, path):
            if node["type"] == "field":
                by_id.setdefault(node["fim_id"], []).append(path)
            for child in node.get("children", []):
                walk(child, f"{path}/{child['key']}" if path else child["key"])

        for step in tree:
            walk(step, step["key"])
    assert values  # the export holds a natural person with these fields
    # A repeated field (Vornamen 0:3) gets its first entry: "…/F00000045/0".
    filled_ids = {re.sub(r"/\d+$", "", path).rsplit("/", 1)[-1] for path in values}
    assert filled_ids <= {"F00000013", "F00000045", "F00000066"}
    for path, value in values.items():
        assert value in ("Anna", "Schmidt", "1980-05-17")
        if path.endswith("F00000066"):
            assert value == "1980-05-17"


def _field(fid, *, datatype="text", kind="input", key=None, max_occurs=1, **more):
    return {
        "type": "field",
        "key": key or fid,
        "fim_id": fid,
        "datatype": datatype,
        "kind": kind,
        "min_occurs": 0,
        "max_occurs": max_occurs,
        "constraints": more.pop("constraints", {}),
        **more,
    }


def _group(key, children, *, max_occurs=1):
    return {
        "type": "group",
        "key": key,
        "fim_id": key,
        "min_occurs": 1,
        "max_occurs": max_occurs,
        "children": children,
    }


def _tree(*children):
    return [{"type": "step", "key": "", "children": list(children)}]


def test_only_fitting_fields_are_filled(person):
    tree = _tree(
        _group("G1", [_field("F60000227"), _field("F00000066", datatype="date")]),
        # Another person's data in a repeated group is never the applicant's.
        _group("G2", [_field("F60000228")], max_occurs=None),
    )
    assert prefill_answers(tree=tree, user=person) == {
        "G1/F60000227": "Schmidt",
        "G1/F00000066": "1980-05-17",
    }
    # Wrong type, a selection, a locked field, "keine" Vorbefüllung, too long, wrong pattern:
    refused = _tree(
        _field("F60000227", datatype="date"),
        _field("F60000228", kind="select"),
        _field("F00000013", kind="locked"),
        _field("F00000045", prefill="keine"),
        _field("F00000066", datatype="text"),
    )
    assert prefill_answers(tree=refused, user=person) == {}
    assert (
        prefill_answers(tree=_tree(_field("F60000227", constraints={"max_length": 3})), user=person)
        == {}
    )
    assert (
        prefill_answers(
            tree=_tree(_field("F60000227", constraints={"pattern": "[0-9]+"})), user=person
        )
        == {}
    )
    # Two Familienname fields (applicant and spouse): ambiguous, so neither.
    two = _tree(_group("A", [_field("F60000227")]), _group("B", [_field("F60000227")]))
    assert prefill_answers(tree=two, user=person) == {}


def test_empty_profile_and_anonymous_fill_nothing(resident):
    from django.contrib.auth.models import AnonymousUser

    tree = _tree(_field("F60000227"), _field("F60000228"))
    assert prefill_answers(tree=tree, user=resident) == {}
    assert prefill_answers(tree=tree, user=AnonymousUser()) == {}


def test_starting_an_application_prefills_it(client, zeitz, person):
    """``application_start`` fills the new application from the profile; the page shows it."""
    offer_form(zeitz, with_file=False)
    client.force_login(person)
    response = client.post(f"/zeitz/antrag/neu/{LEIKA}/", {"applicant": "self"})
    assert response.status_code == 302
    with scope(municipality=zeitz):
        application = Application.objects.get()
    assert application.raw["values"]["G60000086/F60000227"] == "Schmidt"
    # The person's data is on the second page (the first only introduces the form).
    page = client.get(f"/zeitz/antrag/{application.reference}/seite/1/").content.decode()
    assert 'value="Schmidt"' in page
