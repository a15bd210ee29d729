"""The search backend indexes any registered source: a test-only source without a model is
indexed and found like the catalogue (compound words, keywords, typos), per municipality."""

import pytest

from revier.core import search
from revier.core.search import Document, SearchSource
from tests.services.conftest import catalogue  # noqa: F401 - the seven-service catalogue

NOTES = {
    "spielplatz": dict(
        title="Kinderspielplatz am Stadtpark",
        keywords=("Spielgeräte", "Schaukel"),
        text="Geöffnet von März bis Oktober.",
    ),
    "friedhof": dict(title="Friedhofsverwaltung", keywords=("Grabstelle",), text="Ruhezeiten"),
    "bad": dict(title="Freibad Zeitz", keywords=("Schwimmen",), text="Saisonkarte", town=True),
}


class NotesSource(SearchSource):
    """Plain dicts, no model: keys are strings, objects come back from the dict."""

    name = "tests.notes"

    def __init__(self, municipality_id=None):
        self.municipality_id = municipality_id

    def documents(self, keys):
        for key in keys:
            note = NOTES[key]
            yield Document(
                key=key,
                title=note["title"],
                keywords=note["keywords"],
                text=note["text"],
                municipality_id=self.municipality_id if note.get("town") else None,
            )

    def objects(self):
        return iter(NOTES)

    def resolve(self, keys):
        return {key: NOTES[key] for key in keys if key in NOTES}


@pytest.fixture
def notes(zeitz):
    source = search.register(NotesSource(municipality_id=zeitz.pk))
    assert search.index(source, NOTES) == 3
    yield source
    search.unregister(source.name)


def keys(hits):
    return [hit.key for hit in hits]


@pytest.mark.django_db
def test_a_registered_source_is_indexed_and_found(notes, zeitz):
    # Part of a compound word, by the source's name.
    hits = search.search("tests.notes", "Spielplatz")
    assert keys(hits) == ["spielplatz"]
    assert hits[0].object["title"] == "Kinderspielplatz am Stadtpark" and hits[0].score > 0
    # A keyword, and a word of the text.
    assert keys(search.search(notes, "Grabstelle")) == ["friedhof"]
    assert keys(search.search(notes, "Oktober")) == ["spielplatz"]
    # A typo is corrected to the closest word the source knows.
    assert keys(search.search(notes, "Friedhofsverwaltnug")) == ["friedhof"]
    assert search.parse(notes, "Friedhofsverwaltnug").terms == ("friedhofsverwaltung",)


@pytest.mark.django_db
def test_nothing_found_and_empty_queries(notes):
    assert search.search(notes, "Raumfahrtbehörde") == []
    assert search.search(notes, "") == []
    assert search.search(notes, "ab") == []  # shorter than a trigram
    assert search.candidates(notes, search.parse(notes, "die und")) == {}


@pytest.mark.django_db
def test_a_municipality_document_is_found_only_in_its_municipality(notes, zeitz, naumburg):
    assert keys(search.search(notes, "Freibad", municipality_id=zeitz.pk)) == ["bad"]
    assert search.search(notes, "Freibad", municipality_id=naumburg.pk) == []
    assert search.search(notes, "Freibad") == []  # without a municipality: global ones only
    # Global documents are found everywhere.
    assert keys(search.search(notes, "Friedhof", municipality_id=naumburg.pk)) == ["friedhof"]
    # Typo correction draws only on the words the search may see.
    assert "freibad" in search.vocabulary(notes, zeitz.pk)
    assert "freibad" not in search.vocabulary(notes, naumburg.pk)


@pytest.mark.django_db
def test_changes_removal_and_reindex(notes, monkeypatch):
    monkeypatch.setitem(NOTES, "friedhof", dict(title="Bestattungen", keywords=(), text=""))
    search.index(notes, ["friedhof"])  # rewritten, not added twice
    assert search.search(notes, "Friedhofsverwaltung") == []
    assert keys(search.search(notes, "Bestattung")) == ["friedhof"]
    search.remove(notes, ["friedhof"])
    assert search.search(notes, "Bestattung") == []
    assert "bestattungen" not in search.vocabulary(notes)
    # A full reindex rebuilds from objects() and drops what is gone.
    monkeypatch.delitem(NOTES, "spielplatz")
    assert search.reindex(notes) == 2
    assert search.search(notes, "Spielplatz") == []
    assert keys(search.search(notes, "Bestattung")) == ["friedhof"]


@pytest.mark.django_db
def test_sources_do_not_see_each_other(notes, catalogue):  # noqa: F811
    assert search.search(notes, "Personalausweis") == []
    catalogue_hits = search.search("services.catalogue", "Spielplatz")
    assert catalogue_hits == []
    # Ranked by the database's score only (the catalogue selector adds exact-name tiers).
    hits = search.search("services.catalogue", "Personalausweis")
    assert {hit.object.name for hit in hits[:2]} == {
        "Personalausweis",
        "Personalausweis Ausstellung",
    }
    assert all(hit.key == hit.object.pk for hit in hits)


def test_the_catalogue_is_registered_by_its_app():
    from revier.services.search import CATALOGUE

    assert search.get("services.catalogue") is CATALOGUE
    assert CATALOGUE in search.registered()


def test_a_source_needs_a_unique_name():
    with pytest.raises(ValueError, match="needs a name"):
        search.register(SearchSource())

    class Other(SearchSource):
        name = "services.catalogue"

    with pytest.raises(ValueError, match="already registered"):
        search.register(Other())


@pytest.mark.django_db
def test_the_reindex_command_rebuilds_a_source(notes):
    from io import StringIO

    from django.core.management import CommandError, call_command

    search.remove(notes, list(NOTES))
    assert search.search(notes, "Spielplatz") == []
    out = StringIO()
    call_command("search-reindex", "tests.notes", stdout=out)
    assert out.getvalue() == "tests.notes: 3 documents\n"
    assert keys(search.search(notes, "Spielplatz")) == ["spielplatz"]
    with pytest.raises(CommandError, match="Unknown search source"):
        call_command("search-reindex", "nope")
