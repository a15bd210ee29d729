"""The English interface finds German services for English words (issue 12, ADR 0039)."""

import pytest
from django.test import Client

from revier.services.english import to_german

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from revier.core.demo import load_demo

    load_demo()


def _client(language: str) -> Client:
    client = Client()
    client.cookies["django_language"] = language
    return client


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("dog", "Hundesteuer Anmeldung"),
        ("dog tax", "Hundesteuer Anmeldung"),
        ("passport", "Reisepass beantragen"),
        ("identity card", "Personalausweis beantragen"),
        ("birth certificate", "Geburtsurkunde beantragen"),
        ("register my address", "Wohnsitz Anmeldung"),
    ],
)
def test_english_words_find_the_service(demo, query, expected):
    html = _client("en").get("/zeitz/leistungen/", {"q": query}).content.decode()
    assert expected in html, query
    assert "No service matches your search" not in html


def test_german_queries_are_not_rewritten(demo):
    assert to_german("Pass") == "Pass"
    html = _client("de").get("/zeitz/leistungen/", {"q": "Hund"}).content.decode()
    assert "Hundesteuer Anmeldung" in html


def test_glossary_replaces_whole_words_longest_first():
    assert to_german("Dog tax") == "Hundesteuer"
    assert to_german("lost passport") == "Verlust Reisepass"
    assert to_german("dogma") == "dogma"
