"""An honest catalogue (issue 12, item 1): in the demo every service marked "available online"
has a way to apply (a published form here, or an online service elsewhere), and services of
other authorities are found with the responsible authority and a link."""

import pytest

from revier.applications.demo import FORMS, ONLINE_FORMS
from revier.services.demo import ELSEWHERE, OFFER

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo(db):
    from revier.core.demo import load_demo

    load_demo()


def test_demo_marks_online_exactly_the_services_it_builds_forms_for():
    for slug, offer in OFFER.items():
        marked = {leika for leika, _office, online, _fees in offer if online}
        built = set(ONLINE_FORMS.get(slug, []))
        if slug == "zeitz":
            built.add("99115005104000")  # Wohnsitz Anmeldung, applications.demo's first form
        assert marked == built, slug
    assert set(ONLINE_FORMS["zeitz"]) == set(FORMS)


def _results(html: str) -> list[str]:
    return [part.split("</article>")[0] for part in html.split("<article")[1:]]


def test_every_online_badge_has_a_way_to_apply(client, demo):
    for slug in ("zeitz", "naumburg", "elsteraue"):
        pages = client.get(f"/{slug}/leistungen/").content.decode()
        page = 2
        while f"?page={page}" in pages:
            pages += client.get(f"/{slug}/leistungen/", {"page": page}).content.decode()
            page += 1
        online = [r for r in _results(pages) if "Available online" in r or "Online verfügbar" in r]
        assert online or slug == "elsteraue", slug
        for result in online:
            href = result.split('href="', 1)[1].split('"', 1)[0]
            detail = client.get(href).content.decode()
            assert ("/antrag/neu/" in detail) or ("fuehrungszeugnis.bund.de" in detail), href


def test_dog_tax_has_a_start_button(client, demo):
    """The issue's example: /zeitz/leistungen/99102013104000/ carried the badge, no button."""
    html = client.get("/zeitz/leistungen/99102013104000/").content.decode()
    assert 'href="/zeitz/antrag/neu/99102013104000/"' in html
    start = client.get("/zeitz/antrag/neu/99102013104000/")
    # The form is there; in the demo it is open without an account, too.
    assert start.status_code == 200
    assert "/zeitz/accounts/login/?next=" in start.content.decode()


def test_counter_only_service_is_not_online(client, demo):
    html = client.get("/zeitz/leistungen/99008001012000/").content.decode()  # Personalausweis
    assert "Available online" not in html and "Online verfügbar" not in html
    assert "/antrag/neu/" not in html


def test_online_service_elsewhere_is_linked(client, demo):
    html = client.get("/zeitz/leistungen/99049001001000/").content.decode()  # Führungszeugnis
    assert 'href="https://www.fuehrungszeugnis.bund.de"' in html


def test_other_authorities_services_are_found_with_the_authority(client, demo):
    for leika, authority, website, _online in ELSEWHERE["zeitz"]:
        html = client.get(f"/zeitz/leistungen/{leika}/").content.decode()
        assert authority in html, leika
        assert f'href="{website}"' in html, leika
    found = client.get("/zeitz/leistungen/", {"q": "Unterhaltsvorschuss"}).content.decode()
    assert "Landkreis Burgenlandkreis, Jugendamt" in found
