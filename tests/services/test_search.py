"""One search interface, the same assertions on SQLite (FTS5) and PostgreSQL (german, pg_trgm)."""

import pytest
from django_scopes import scope

from revier.services.selectors import service_search
from revier.services.services import Record, catalogue_import


def names(services) -> list[str]:
    return [s.name for s in services]


@pytest.mark.django_db
def test_compound_word_part_finds_the_compound(catalogue):
    result = names(service_search("Ausweis"))
    assert set(result[:2]) == {"Personalausweis", "Personalausweis Ausstellung"}
    assert "Hundesteuer Anmeldung" not in result


@pytest.mark.django_db
def test_synonym_finds_the_residence_services(catalogue):
    assert set(names(service_search("ummelden"))) == {"Wohnsitz Anmeldung", "Wohnsitz Abmeldung"}


@pytest.mark.django_db
def test_part_of_a_word_finds_hundesteuer(catalogue):
    assert names(service_search("Hund")) == ["Hundesteuer Anmeldung"]


@pytest.mark.django_db
@pytest.mark.parametrize("typo", ["Persnalausweis", "Personalauswies", "hundestuer"])
def test_typos_are_tolerated(catalogue, typo):
    result = names(service_search(typo))
    expected = "Hundesteuer Anmeldung" if typo.startswith("hund") else "Personalausweis"
    assert result[0] == expected


@pytest.mark.django_db
def test_exact_name_match_ranks_first(catalogue):
    assert names(service_search("personalausweis"))[0] == "Personalausweis"
    assert names(service_search("Wohnsitz Anmeldung"))[:2] == [
        "Wohnsitz Anmeldung",
        "Wohnsitz Abmeldung",
    ]


@pytest.mark.django_db
def test_nothing_found(catalogue):
    assert service_search("Raumfahrtbehörde") == []


@pytest.mark.django_db
def test_browse_by_themenfeld_and_lebenslage(catalogue):
    assert names(service_search("", themenfeld="querschnitt")) == [
        "Personalausweis",
        "Personalausweis Ausstellung",
    ]
    assert names(service_search("", lebenslage="umzug")) == [
        "Wohnsitz Abmeldung",
        "Wohnsitz Anmeldung",
    ]
    assert names(service_search("ummelden", themenfeld="bauen-wohnen")) == ["Wohnsitz Anmeldung"]
    assert len(service_search("")) == 7


@pytest.mark.django_db
def test_municipality_sees_only_its_offer_with_overlay(offer, zeitz, naumburg):
    with scope(municipality=zeitz):
        result = service_search("", municipality=zeitz)
    assert names(result) == [
        "Hundesteuer Anmeldung",
        "Personalausweis Ausstellung",
        "Wohnsitz Anmeldung",
    ]
    hund = result[0]
    assert hund.local.online is True
    assert hund.local.local_fees == "12,00 EUR"
    assert hund.local.office.name == "Bürgerbüro"
    with scope(municipality=naumburg):
        assert names(service_search("Pass", municipality=naumburg)) == ["Reisepass Ausstellung"]
        assert service_search("Hund", municipality=naumburg) == []


@pytest.mark.django_db
def test_index_follows_changes_made_through_the_services(catalogue):
    data = {"leika": "99000000000004", "name": "Hundesteuer Festsetzung", "synonyms": ["Bello"]}
    result = catalogue_import(records=[Record("test", data)])
    assert result.changed == ["99000000000004"]

    assert names(service_search("Bello")) == ["Hundesteuer Festsetzung"]
    assert names(service_search("Hund")) == ["Hundesteuer Festsetzung"]
    assert service_search("Hundemarke") == []  # the old synonym is gone from the index
