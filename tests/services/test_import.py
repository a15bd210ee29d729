"""revier import-services: XZuFi, CSV, JSON; refusals with their place; atomic; unchanged
entries are not rewritten; hostile XML is refused."""

import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from revier.services.importers import CatalogueFileError, read_file
from revier.services.models import LifeSituation, Service
from revier.services.selectors import service_search
from tests.services.conftest import DATA


def run(path, *args) -> str:
    from io import StringIO

    out = StringIO()
    call_command("import-services", str(path), *args, stdout=out)
    return out.getvalue()


@pytest.mark.django_db
def test_xzufi_leistung_is_read_and_the_broken_key_refused():
    output = run(DATA / "xzufi.xml")

    service = Service.objects.get()
    assert service.leika == "99000000000011"
    assert service.name == "Hundesteuer Anmeldung"  # German, not the English variant
    assert service.full_text == "Wer einen Hund hält, meldet ihn an."  # markup removed
    assert service.requirements == "Sie halten einen Hund."
    assert service.fees == "Gebührenfrei"
    assert service.deadlines == "Innerhalb von zwei Wochen"
    assert service.synonyms == ["Hund anmelden", "Hundemarke"]
    assert "created: 1, changed: 0, unchanged: 0, refused: 1" in output
    assert (
        "refused /transfer.leistung.schreibe/leistung[2] [12345]: '12345' is not a LeiKa key"
        in output
    )
    assert [s.name for s in service_search("Hundemarke")] == ["Hundesteuer Anmeldung"]


@pytest.mark.django_db
def test_xzufi_text_modules_identified_only_by_code():
    """Only the verified codes 02 and 03 are mapped (see TEXT_MODULES); codes whose meaning one
    source alone gives (05, 06, 08, 09, 24 here) land nowhere rather than in a guessed field."""
    output = run(DATA / "xzufi_codes_only.xml")

    assert "created: 2, changed: 0, unchanged: 0, refused: 0" in output
    service = Service.objects.get(leika="99000000000071")
    assert service.name == "Fischereischein Erteilung"  # 02, German variant
    assert service.synonyms == ["Fischereischein beantragen"]  # 03 beside 02
    for field in ("short_text", "full_text", "documents", "requirements", "legal_basis"):
        assert getattr(service, field) == "", field
    # Kosten, Frist and Bearbeitungsdauer are modules of their own, not text module codes.
    assert (service.fees, service.deadlines, service.processing_time) == (
        "24 Euro",
        "Keine",
        "Sofort",
    )
    only_03 = Service.objects.get(leika="99000000000072")
    assert (only_03.name, only_03.synonyms) == ("Jugendfischereischein beantragen", [])


def test_xzufi_text_module_name_wins_over_code(tmp_path):
    path = tmp_path / "c.xml"
    path.write_text(
        '<xzufi:transfer xmlns:xzufi="http://xoev.de/schemata/xzufi/2_2_0"><xzufi:leistung>'
        "<xzufi:referenzLeiKa><code>99000000000073</code></xzufi:referenzLeiKa>"
        "<xzufi:modulText><xzufi:leikaTextmodul><code>02</code></xzufi:leikaTextmodul>"
        '<xzufi:inhalt languageCode="de">Angelkarte</xzufi:inhalt></xzufi:modulText>'
        "<xzufi:modulText><xzufi:leikaTextmodul><code>06</code><name>Volltext</name>"
        '</xzufi:leikaTextmodul><xzufi:inhalt languageCode="de">Text</xzufi:inhalt>'
        "</xzufi:modulText></xzufi:leistung></xzufi:transfer>",
        encoding="utf-8",
    )
    _fmt, [record] = read_file(path)
    assert (record.data["name"], record.data["full_text"]) == ("Angelkarte", "Text")


@pytest.mark.django_db
def test_csv_with_refusals_by_line(tmp_path):
    path = tmp_path / "catalogue.csv"
    path.write_text(
        "leika;name;themenfeld;lebenslagen;synonyms;processing_days\n"
        "99000000000021;Hundesteuer Abmeldung;steuern-zoll;Haustiere;Hund abmelden|Tod;7\n"
        "9900000000002X;Kaputt;;;;\n"
        "99000000000022;;;;;\n"
        "99000000000023;Falsches Feld;weltraum;;;\n"
        "88000000000024;Falsche Vorwahl;;;;\n"
        "99000000000021;Doppelt;;;;\n",
        encoding="utf-8",
    )
    output = run(path)

    service = Service.objects.get()
    assert (service.leika, service.name, service.processing_days) == (
        "99000000000021",
        "Hundesteuer Abmeldung",
        7,
    )
    assert service.synonyms == ["Hund abmelden", "Tod"]
    assert [ls.slug for ls in service.life_situations.all()] == ["haustiere"]
    assert "created: 1, changed: 0, unchanged: 0, refused: 5" in output
    lines = [line for line in output.splitlines() if line.startswith("refused ")]
    assert lines[0].startswith("refused line 3 [9900000000002X]: '9900000000002X' is not a LeiKa")
    assert lines[1] == "refused line 4 [99000000000022]: The service has no name."
    assert lines[2].startswith("refused line 5 [99000000000023]: Unknown Themenfeld 'weltraum'")
    assert lines[3].startswith("refused line 6 [88000000000024]: '88000000000024' is not a LeiKa")
    assert lines[4] == "refused line 7 [99000000000021]: The key appears twice in this import."


@pytest.mark.django_db
def test_unchanged_entries_are_not_rewritten_and_changes_are_counted(tmp_path):
    path = tmp_path / "c.json"
    services = [{"leika": "99000000000031", "name": "Fischereischein", "synonyms": ["Angeln"]}]
    path.write_text(json.dumps(services), encoding="utf-8")
    assert "created: 1" in run(path)
    before = Service.objects.get().updated_at

    assert "created: 0, changed: 0, unchanged: 1, refused: 0" in run(path)
    assert Service.objects.get().updated_at == before

    services[0]["short_text"] = "Zum Angeln in Gewässern."
    path.write_text(json.dumps(services), encoding="utf-8")
    assert "created: 0, changed: 1, unchanged: 0, refused: 0" in run(path)
    service = Service.objects.get()
    assert service.short_text == "Zum Angeln in Gewässern."
    assert service.updated_at > before


@pytest.mark.django_db
def test_strict_imports_nothing_when_anything_is_refused(tmp_path):
    path = tmp_path / "c.json"
    path.write_text(
        json.dumps(
            {
                "format": "revier-service-catalogue/1",
                "services": [
                    {"leika": "99000000000041", "name": "Gut"},
                    {"leika": "99", "name": "Schlecht"},
                ],
            }
        ),
        encoding="utf-8",
    )
    with pytest.raises(CommandError, match="nothing was imported"):
        run(path, "--strict")
    assert not Service.objects.exists()
    assert not LifeSituation.objects.exists()


@pytest.mark.django_db
def test_a_failure_while_writing_leaves_nothing_behind(tmp_path, monkeypatch):
    from revier.services import search

    path = tmp_path / "c.json"
    path.write_text(json.dumps([{"leika": "99000000000051", "name": "Eins"}]), encoding="utf-8")

    def broken(_services):
        raise RuntimeError("index unavailable")

    monkeypatch.setattr(search, "index_services", broken)
    with pytest.raises(RuntimeError):
        run(path)
    assert not Service.objects.exists()


BOMB = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>
<xzufi:transfer xmlns:xzufi="http://xoev.de/schemata/xzufi/2_2_0">&lol2;</xzufi:transfer>"""
EXTERNAL = b"""<?xml version="1.0"?>
<!DOCTYPE foo [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>
<xzufi:transfer xmlns:xzufi="http://xoev.de/schemata/xzufi/2_2_0">&xxe;</xzufi:transfer>"""


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (BOMB, "DTDs, entities and external references are not allowed"),
        (EXTERNAL, "DTDs, entities and external references are not allowed"),
        (b"<leistungen><leistung/></leistungen>", "Not an XZuFi document"),
        (b"<xzufi:x xmlns:xzufi='http://xoev.de/schemata/xzufi/2_2_0'>", "not well-formed"),
    ],
)
def test_hostile_or_foreign_xml_is_refused(tmp_path, content, message):
    path = tmp_path / "c.xml"
    path.write_bytes(content)
    with pytest.raises(CatalogueFileError, match=message):
        read_file(path)


def test_size_limit_and_unknown_columns(tmp_path):
    path = tmp_path / "c.json"
    path.write_text("[]" + " " * 100, encoding="utf-8")
    with pytest.raises(CatalogueFileError, match="at most 50 are accepted"):
        read_file(path, max_bytes=50)
    csv = tmp_path / "c.csv"
    csv.write_text("leika,name,colour\n", encoding="utf-8")
    with pytest.raises(CatalogueFileError, match="Unknown CSV columns: colour"):
        read_file(csv)


@pytest.mark.django_db
def test_entry_that_is_not_an_object_is_refused(tmp_path):
    path = tmp_path / "c.json"
    path.write_text('[1, {"leika": "99000000000061", "name": "Gut"}]', encoding="utf-8")
    output = run(path)
    assert "refused services[0] [-]: The entry is not an object." in output
    assert list(Service.objects.values_list("leika", flat=True)) == ["99000000000061"]


@pytest.mark.django_db
def test_command_reports_a_broken_file_as_an_error(tmp_path):
    path = tmp_path / "c.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(CommandError, match="The JSON file cannot be read"):
        run(path)


def test_demo_catalogue_has_only_valid_keys():
    fmt, records = read_file(DATA.parent.parent.parent / "src/revier/services/data/catalogue.json")
    assert fmt == "json"
    keys = [r.data["leika"] for r in records]
    assert len(keys) == len(set(keys)) >= 80
    assert "99115005104000" in keys and "99008001011001" in keys
