"""The demo catalogue: at least 80 real services whose LeiKa keys are documented with two sources,
loaded idempotently with the local offer of Zeitz, Naumburg and Elsteraue, and found by search."""

import re
from pathlib import Path

import pytest
from django_scopes import scope

from revier.services.demo import CATALOGUE, ELSEWHERE, OFFER, OFFICES, load_demo_catalogue
from revier.services.importers import read_file
from revier.services.models import LEIKA_RE, LocalService, Office, Service, Themenfeld
from revier.services.selectors import service_search
from tests.conftest import make_municipality

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ROOT / "docs" / "service-catalogue-sources.md"
KEY_ROW = re.compile(r"^\| (\d+) \|", re.MULTILINE)


def records() -> list[dict]:
    fmt, found = read_file(CATALOGUE)
    assert fmt == "json"
    return [r.data for r in found]


def documented() -> tuple[list[str], str]:
    """Keys of the table of confirmed keys, and the text about left-out and pending keys."""
    text = SOURCES.read_text(encoding="utf-8")
    confirmed, rest = text.split("\n## Checked and left out", 1)
    return KEY_ROW.findall(confirmed), rest


def test_at_least_80_services_with_valid_unique_keys():
    keys = [r["leika"] for r in records()]
    assert len(keys) >= 80
    assert len(set(keys)) == len(keys)
    for key in keys:
        assert isinstance(key, str) and LEIKA_RE.fullmatch(key), key
        assert len(key) == 14 and key.startswith("99")


def test_every_key_is_documented_with_two_sources_and_nothing_else_is():
    keys = {r["leika"] for r in records()}
    table, rest = documented()
    assert len(table) == len(set(table)), "a key is listed twice in the sources table"
    assert set(table) == keys
    rows = SOURCES.read_text(encoding="utf-8").split("\n## Checked and left out", 1)[0]
    for key in keys:
        (row,) = [line for line in rows.splitlines() if line.startswith(f"| {key} |")]
        cells = [c.strip() for c in row.strip("|").split("|")]
        assert len(cells) == 4 and all(cells), row  # key, name, source 1, source 2
    # A key in the catalogue must not also be listed as left out, rejected or pending (prose
    # may still mention it, e.g. "replaced by …").
    listed = set(KEY_ROW.findall(rest))
    pending = rest.split("Still **pending**", 1)[1].split("**Rejected**", 1)[0]
    listed |= set(re.findall(r"\b99\d{12}\b", pending))
    assert listed, "the left-out and pending keys are documented"
    assert not keys & listed


def test_every_service_has_real_content():
    for data in records():
        assert data["name"].strip() and data["short_text"].strip(), data["leika"]
        assert data["themenfeld"] in Themenfeld.values, data["leika"]
        assert data.get("synonyms"), data["leika"]
        assert (
            data.get("lebenslagen")
            or data.get("unternehmenslagen")
            or data.get("addressee") in ("businesses", "both")
        ), data["leika"]


def test_offers_use_catalogue_keys_and_known_offices():
    keys = {r["leika"] for r in records()}
    for slug, offer in OFFER.items():
        names = {o["name"] for o in OFFICES[slug]}
        leikas = [leika for leika, *_ in offer]
        assert len(leikas) == len(set(leikas)), slug
        for leika, office, online, fees in offer:
            assert leika in keys, (slug, leika)
            assert office in names, (slug, office)
            assert isinstance(online, bool) and isinstance(fees, str)


@pytest.fixture
def towns(zeitz, naumburg):
    return {"zeitz": zeitz, "naumburg": naumburg, "elsteraue": make_municipality("elsteraue")}


@pytest.mark.django_db
def test_demo_loads_the_whole_catalogue_and_offers_idempotently(towns):
    total = len(records())
    first = load_demo_catalogue(towns)
    assert first == {"created": total, "changed": 0}
    assert Service.objects.count() == total
    second = load_demo_catalogue(towns)
    assert second == {"created": 0, "changed": 0}
    assert Service.objects.count() == total
    for slug, municipality in towns.items():
        with scope(municipality=municipality):
            offered = set(LocalService.objects.values_list("service__leika", flat=True))
            elsewhere = {leika for leika, *_ in ELSEWHERE.get(slug, [])}
            assert offered == {leika for leika, *_ in OFFER[slug]} | elsewhere
            assert Office.objects.count() == len(OFFICES[slug])
    with scope(municipality=towns["elsteraue"]):
        assert LocalService.objects.filter(service__leika="99115005104000").exists()


SEARCHES = [
    ("Perso", "Personalausweis erstmalig beantragen"),
    ("Angelschein", "Ausstellung eines Fischereischeins"),
    ("Jagdschein", "Jagdschein erstmalig beantragen"),
    ("Heiratsurkunde", "Ausstellen einer Eheurkunde beantragen"),
    ("Grundsteuer", "Grundsteuerbescheid erhalten"),
    ("Tagesmutter", "Kind bei Tagesmutter oder Tagesvater anmelden"),
    ("Nebenwohnung abmelden", "Wohnsitz Abmeldung des Nebenwohnsitzes"),
    ("Hund", "Hundesteuer Befreiung"),
]


@pytest.mark.django_db
def test_search_finds_the_new_services(towns):
    # One load for all queries: importing and indexing the catalogue is the slow part.
    load_demo_catalogue(towns)
    for query, expected in SEARCHES:
        names = [s.name for s in service_search(query)]
        assert expected in names, (query, names)
    with scope(municipality=towns["elsteraue"]):
        local = [s.name for s in service_search("Grundsteuer", municipality=towns["elsteraue"])]
    assert "Grundsteuerbescheid für Grundstücke erhalten" in local


PERSONALAUSWEIS = "99008001012000"  # Personalausweis beantragen
WOHNSITZ = {"99115005104000", "99115005104001", "99115005070000"}  # An-, Hauptwohnsitz-, Abmeldung
HUNDESTEUER = {"99102013104000", "99102013010000"}  # Anmeldung, Befreiung


@pytest.mark.django_db
def test_search_finds_the_examples_of_the_issue(towns):
    load_demo_catalogue(towns)
    by_key = {r["leika"]: r for r in records()}
    assert by_key[PERSONALAUSWEIS]["name"] == "Personalausweis beantragen"
    assert {by_key[k]["name"] for k in WOHNSITZ | HUNDESTEUER} == {
        "Wohnsitz Anmeldung",
        "Wohnsitz Anmeldung als Hauptwohnsitz",
        "Wohnsitz Abmeldung",
        "Hundesteuer Anmeldung",
        "Hundesteuer Befreiung",
    }

    def keys(query):
        return [s.leika for s in service_search(query)]

    # "Ausweis": the identity card comes first, before other passes and cards.
    ausweis = keys("Ausweis")
    assert by_key[ausweis[0]]["name"].startswith("Personalausweis"), ausweis
    assert PERSONALAUSWEIS in ausweis[:3], ausweis

    # "ummelden" is no word of any name: found by synonym, exactly the services carrying it.
    with_synonym = {k for k, r in by_key.items() if "ummelden" in r["synonyms"]}
    assert WOHNSITZ.issubset(with_synonym)
    assert set(keys("ummelden")) == with_synonym

    # "Hund": both dog-tax services and nothing else.
    assert set(keys("Hund")) == HUNDESTEUER

    # A typo still finds the identity card, as the correct spelling does, first.
    typo = keys("Persnalausweis")
    assert typo[0] == PERSONALAUSWEIS, typo
    assert set(typo) == set(keys("Personalausweis"))
    assert {k for k, r in by_key.items() if r["name"].startswith("Personalausweis")} <= set(typo)
