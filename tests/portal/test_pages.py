"""Public pages render with the municipality's own data and the right status codes."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revier.tenancy.services import municipality_create, municipality_update
from tests.conftest import make_municipality


def html_text(response) -> str:
    """The page's text with tags removed and white space collapsed, for content assertions."""
    text = re.sub(r"<[^>]+>", " ", response.content.decode())
    return " ".join(text.split())


@pytest.mark.django_db
def test_platform_home_offers_search_and_the_states_not_every_municipality(client, zeitz, naumburg):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert 'role="search"' in html
    assert (
        '<input class="kern-form-input__input" type="search" id="municipality-q" name="q"' in html
    )
    assert 'href="/?land=15">Sachsen-Anhalt</a>' in html
    assert (
        'Sachsen-Anhalt</a> <span class="revier-count">(2<span class="kern-sr-only"> municipalities'
        in html
    )
    # No municipality is listed on the start page itself.
    assert 'href="/zeitz/"' not in html
    assert 'href="/?land=09"' not in html  # no municipality in Bayern


@pytest.mark.django_db
def test_platform_home_browses_land_then_kreis(client, zeitz, naumburg):
    municipality_create(slug="halle", name="Halle (Saale)", ags="15002000", ars="150020000000")
    land = client.get("/?land=15")
    assert land.status_code == 200
    html = land.content.decode()
    assert 'href="/?kreis=15084">Burgenlandkreis</a>' in html
    assert 'href="/?kreis=15002">15002</a>' in html  # a Kreis without a name shows its key
    assert 'href="/zeitz/"' not in html
    kreis = client.get("/?kreis=15084")
    html = kreis.content.decode()
    assert '<a class="kern-link kern-link--stretched" href="/zeitz/">Zeitz</a>' in html
    assert 'href="/naumburg/">Naumburg (Saale)</a>' in html
    assert 'href="/halle/"' not in html
    text = html_text(kreis)
    assert "Municipalities in Burgenlandkreis" in text
    assert "AGS 15084590" in text and "State Sachsen-Anhalt" in text
    assert 'href="/?land=15">Sachsen-Anhalt</a>' in html  # the way back


@pytest.mark.django_db
def test_platform_home_searches_by_name_postcode_and_ags(client, zeitz, naumburg):
    municipality_update(municipality=zeitz, postcode="06712")
    for query in ("zeit", "06712", "1508459"):
        html = client.get("/", {"q": query}).content.decode()
        assert 'href="/zeitz/"' in html, query
        assert 'href="/naumburg/"' not in html, query
    empty = client.get("/", {"q": "Atlantis"})
    assert empty.status_code == 200
    assert "No municipality matches your search" in html_text(empty)


@pytest.mark.django_db
def test_platform_home_refuses_bad_input_clearly(client, zeitz):
    long = client.get("/", {"q": "x" * 101})
    assert long.status_code == 400
    html = long.content.decode()
    assert 'aria-invalid="true"' in html and 'id="municipality-q-error"' in html
    assert "Enter at most 100 characters." in html
    assert client.get("/", {"land": "99"}).status_code == 404
    assert client.get("/", {"kreis": "15a84"}).status_code == 404
    assert client.get("/", {"kreis": "15084", "page": "x"}).status_code == 200


@pytest.mark.django_db
def test_platform_home_results_are_paginated(client, zeitz):
    for i in range(700, 727):
        municipality_create(
            slug=f"gemeinde-{i}", name=f"Gemeinde {i}", ags=f"15084{i}", ars=f"150840000{i}"
        )
    first = client.get("/", {"kreis": "15084"}).content.decode()
    assert first.count("kern-link--stretched") == 24
    assert 'href="?kreis=15084&amp;page=2" rel="next"' in first
    second = client.get("/", {"kreis": "15084", "page": "2"}).content.decode()
    assert second.count("kern-link--stretched") == 4


@pytest.mark.django_db
def test_platform_home_hides_inactive_municipalities(client, zeitz, naumburg):
    municipality_update(municipality=naumburg, is_active=False)
    html = client.get("/?kreis=15084").content.decode()
    assert 'href="/zeitz/"' in html
    assert 'href="/naumburg/"' not in html
    assert 'href="/naumburg/"' not in client.get("/?q=naumburg").content.decode()


@pytest.mark.django_db
def test_municipality_home_shows_modules_news_and_contact(client, zeitz_full, publish_news):
    publish_news(zeitz_full, 4)
    response = client.get("/zeitz/")
    assert response.status_code == 200
    html = response.content.decode()
    text = html_text(response)
    assert "Welcome to the online services of Stadt Zeitz" in text
    # The news module as a card and in the main navigation.
    assert html.count('href="/zeitz/aktuelles/"') >= 2
    assert "Announcements and news from the town hall." in text
    # The three newest items, newest first.
    assert re.findall(r'href="/zeitz/aktuelles/(meldung-\d+)/"', html) == [
        "meldung-3",
        "meldung-2",
        "meldung-1",
    ]
    assert "Altmarkt 1 06712 Zeitz" in text
    assert 'href="tel:0344183-0"' in html
    assert 'href="mailto:rathaus@zeitz.example"' in html
    # Branding comes from the municipality's stylesheet, never from inline styles.
    assert 'href="/zeitz/brand.css?v=' in html
    assert "style=" not in html


@pytest.mark.django_db
def test_municipality_home_without_modules_says_so(client, zeitz):
    municipality_update(municipality=zeitz, enabled_modules=[])
    response = client.get("/zeitz/")
    assert response.status_code == 200
    assert "No online services are offered here yet." in html_text(response)
    assert "/zeitz/aktuelles/" not in response.content.decode()


@pytest.mark.django_db
def test_municipality_impressum_uses_the_municipalitys_fields(client, zeitz_full):
    response = client.get("/zeitz/impressum/")
    assert response.status_code == 200
    text = html_text(response)
    assert "Stadt Zeitz Altmarkt 1 06712 Zeitz Germany" in text
    assert "Legal form Gebietskörperschaft des öffentlichen Rechts" in text
    assert "Represented by den Oberbürgermeister" in text
    assert "Supervisory authority Landkreis Burgenlandkreis, Kommunalaufsicht" in text
    assert "VAT identification number (§ 27a UStG) DE123456789" in text
    assert "Phone 03441 83-0" in text
    assert "E-mail rathaus@zeitz.example" in text
    assert "§ 5 of the Digital Services Act" in text
    assert "Responsible for the content pursuant to § 18 (2) MStV: Stadt Zeitz" in text


@pytest.mark.django_db
def test_impressum_leaves_out_empty_fields(client, zeitz):
    text = html_text(client.get("/zeitz/impressum/"))
    assert "VAT identification number" not in text
    assert "Supervisory authority" not in text


@pytest.mark.django_db
def test_platform_impressum_uses_operator_settings(client, settings, zeitz):
    settings.REVIER_OPERATOR_NAME = "Kommunal-IT AöR"
    settings.REVIER_OPERATOR_ADDRESS = "Musterweg 5\n39104 Magdeburg"
    settings.REVIER_OPERATOR_EMAIL = "kontakt@kommunal-it.example"
    settings.REVIER_OPERATOR_PHONE = "0391 000000"
    response = client.get("/impressum/")
    assert response.status_code == 200
    text = html_text(response)
    assert "Operator of the platform Kommunal-IT AöR Musterweg 5 39104 Magdeburg" in text
    assert "Phone 0391 000000" in text
    assert "E-mail kontakt@kommunal-it.example" in text
    assert "Stadt Zeitz" not in text


@pytest.mark.django_db
def test_platform_impressum_without_operator_settings_says_so(client, settings):
    settings.REVIER_OPERATOR_NAME = ""
    text = html_text(client.get("/impressum/"))
    assert "The operator of this installation has not entered its details yet." in text


@pytest.mark.django_db
def test_privacy_policy_names_controller_officer_cookies_rights_and_authority(client, zeitz_full):
    response = client.get("/zeitz/datenschutz/")
    assert response.status_code == 200
    text = html_text(response)
    assert "Controller within the meaning of Art. 4 (7) GDPR is: Stadt Zeitz" in text
    assert "Behördlicher Datenschutzbeauftragter der Stadt Zeitz" in text
    assert "datenschutz@zeitz.example" in text
    for cookie in ("sessionid", "csrftoken", "django_language"):
        assert f"<code>{cookie}</code>" in response.content.decode()
    for article in ("Art. 15", "Art. 16", "Art. 17", "Art. 18", "Art. 20", "Art. 21", "Art. 77"):
        assert article in text
    # Zeitz lies in Sachsen-Anhalt (AGS 15…): complaints go to that Land's authority.
    assert "Landesbeauftragter für den Datenschutz Sachsen-Anhalt" in text


@pytest.mark.django_db
def test_accessibility_statement_has_status_known_issues_feedback_and_enforcement(client, zeitz):
    response = client.get("/zeitz/barrierefreiheit/")
    assert response.status_code == 200
    text = html_text(response)
    assert "partially compliant" in text
    assert "German Sign Language" in text
    assert "This statement was prepared on" in text
    assert "barrierefrei@zeitz.example" in text
    assert "conciliation procedure (Schlichtungsverfahren)" in text
    html = response.content.decode()
    assert 'action="/zeitz/barrierefreiheit/#feedback"' in html
    assert 'name="csrfmiddlewaretoken"' in html
    for field in ("message", "page_url", "name", "email"):
        assert f'for="id_{field}"' in html


@pytest.mark.django_db
def test_accessibility_form_prefills_the_page_concerned(client, zeitz):
    html = client.get("/zeitz/barrierefreiheit/?page=/zeitz/aktuelles/").content.decode()
    assert re.search(r'<input type="text" name="page_url" value="/zeitz/aktuelles/"', html)


@pytest.mark.django_db
def test_easy_language_page_is_german_and_names_the_contact(client, zeitz_full):
    response = client.get("/zeitz/leichte-sprache/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<div class="revier-prose revier-easy" lang="de">' in html
    text = html_text(response)
    assert "Das ist die Internet-Seite von Stadt Zeitz" in text
    assert "Die Telefon-Nummer ist: 03441 83-0" in text
    assert "Die Adresse ist: Altmarkt 1 06712 Zeitz" in text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "path", ["/impressum/", "/datenschutz/", "/barrierefreiheit/", "/leichte-sprache/"]
)
def test_platform_legal_pages_render(client, zeitz, path):
    response = client.get(path)
    assert response.status_code == 200
    assert response.context["municipality"] is None
    # The footer links of the platform stay on the platform.
    html = response.content.decode()
    assert 'href="/impressum/"' in html
    assert 'href="/zeitz/impressum/"' not in html


@pytest.mark.django_db
def test_news_list_is_paginated_and_detail_is_an_article(client, zeitz, publish_news):
    publish_news(zeitz, 12)
    first = client.get("/zeitz/aktuelles/")
    assert first.status_code == 200
    assert len(re.findall(r'<article aria-labelledby="news-\d+">', first.content.decode())) == 10
    assert 'href="?page=2" rel="next"' in first.content.decode()
    second = client.get("/zeitz/aktuelles/?page=2")
    assert len(re.findall(r"<article ", second.content.decode())) == 2
    detail = client.get("/zeitz/aktuelles/meldung-5/")
    assert detail.status_code == 200
    html = detail.content.decode()
    assert '<article class="revier-prose" aria-labelledby="article-title">' in html
    assert '<h1 class="kern-heading-x-large" id="article-title">Meldung 5</h1>' in html
    assert "<p>Text 5</p>" in html


@pytest.mark.django_db
def test_news_of_another_municipality_is_not_found(client, zeitz, naumburg, publish_news):
    publish_news(naumburg, 1, prefix="Naumburg")
    assert client.get("/naumburg/aktuelles/naumburg-0/").status_code == 200
    assert client.get("/zeitz/aktuelles/naumburg-0/").status_code == 404


@pytest.mark.django_db
def test_disabled_module_page_explains_and_links_home(client, zeitz):
    municipality_update(municipality=zeitz, enabled_modules=[])
    response = client.get("/zeitz/aktuelles/")
    assert response.status_code == 404
    text = html_text(response)
    assert "Not offered here" in text
    assert "Zeitz does not offer this service on this platform." in text
    assert 'href="/zeitz/">Go to the home page of Zeitz</a>' in response.content.decode()


@pytest.mark.django_db
def test_unknown_municipality_and_unknown_page(client, zeitz):
    response = client.get("/gibt-es-nicht/")
    assert response.status_code == 404
    assert "There is no municipality with the address “gibt-es-nicht”" in html_text(response)
    response = client.get("/zeitz/gibt-es-nicht/")
    assert response.status_code == 404
    assert "Page not found" in html_text(response)
    assert response.context["municipality"] == zeitz


@pytest.mark.django_db
def test_unknown_host_page(client, zeitz):
    response = client.get("/", HTTP_HOST="service.unbekannt.example")
    assert response.status_code == 404
    text = html_text(response)
    assert "No municipality is served under the address service.unbekannt.example" in text
    # No navigation that would only lead back to the same unknown host.
    assert "revier-nav" not in response.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("view", "status", "title"),
    [
        ("error_400", 400, "Bad request"),
        ("error_403", 403, "Access denied"),
        ("error_500", 500, "Something went wrong"),
    ],
)
def test_error_pages(rf, view, status, title):
    from revier.portal import views

    request = rf.get("/")
    request.municipality = None
    from django.contrib.auth.models import AnonymousUser

    request.user = AnonymousUser()
    response = getattr(views, view)(request)
    assert response.status_code == status
    text = html_text(response)
    assert f"Error {status}" in text
    assert title in text
    assert "Go to the list of municipalities" in text


def _home_queries(client, path: str) -> int:
    client.get(path)  # warm the per-process municipality cache (tenancy.cache)
    with CaptureQueriesContext(connection) as queries:
        assert client.get(path).status_code == 200
    return len(queries)


@pytest.mark.django_db
def test_municipality_home_queries_do_not_grow_with_news(client, zeitz, publish_news):
    publish_news(zeitz, 3)
    few = _home_queries(client, "/zeitz/")
    publish_news(zeitz, 27, prefix="Mehr")
    many = _home_queries(client, "/zeitz/")
    assert few == many


@pytest.mark.django_db
def test_home_queries_do_not_grow_with_municipalities(client, zeitz, publish_news):
    publish_news(zeitz, 3)
    make_municipality("naumburg")
    make_municipality("elsteraue")
    few_home = _home_queries(client, "/zeitz/")
    few_platform = _home_queries(client, "/")
    for i in range(700, 727):
        municipality_create(
            slug=f"gemeinde-{i}",
            name=f"Gemeinde {i}",
            ags=f"15084{i}",
            ars=f"150840000{i}",
            kreis="Burgenlandkreis",
        )
    assert _home_queries(client, "/zeitz/") == few_home
    many_platform = _home_queries(client, "/")
    assert many_platform == few_platform
    for path in ("/?land=15", "/?kreis=15084", "/?q=gemeinde"):
        few = _home_queries(client, path)
        municipality_create(
            slug=f"weitere-{len(path)}",
            name=f"Gemeinde {len(path)}x",
            ags=f"150848{len(path):02d}",
            ars=f"1508400008{len(path):02d}",
        )
        assert _home_queries(client, path) == few, path


@pytest.mark.django_db
def test_server_error_in_an_api_view_is_a_problem_document(client, zeitz, monkeypatch):
    """A crash in a municipality's API view (which sets ``request.municipality`` in the platform
    URLconf) answers with a problem document, and the error handling does not crash itself."""
    from revier.news import api

    def boom(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr(api.NewsListView, "get_queryset", boom)
    client.raise_request_exception = False
    response = client.get("/api/v1/zeitz/news/")
    assert response.status_code == 500
    assert response["Content-Type"] == "application/problem+json"
    assert response.json()["type"].endswith("server-error")


@pytest.mark.django_db
def test_server_error_on_a_municipality_page_keeps_its_layout(client, zeitz, monkeypatch):
    from revier.news import selectors

    def boom(*args, **kwargs):
        raise RuntimeError("database gone")

    zeitz.enabled_modules = ["news"]
    zeitz.save()
    monkeypatch.setattr(selectors, "news_published", boom)
    client.raise_request_exception = False
    response = client.get("/zeitz/")
    assert response.status_code == 500
    assert "Something went wrong" in html_text(response)
    assert 'href="/zeitz/brand.css' in response.content.decode()
