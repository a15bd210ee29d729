"""Maps on the service pages: the responsible office on a map with its list alternative, the
office location in the back office, and the tile server's origin in the CSP."""

import importlib.util
import json
import re
from decimal import Decimal

import pytest
from django.test import override_settings
from django_scopes import scope

import revier.config.settings as settings_module
from revier.core.geo import bbox_filter
from revier.services.models import Office

BASEMAP = (
    "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe"
    "/default/GLOBAL_WEBMERCATOR/{z}/{y}/{x}.png"
)
PAGE = "/zeitz/leistungen/99000000000004/"


def csp_of(response) -> dict[str, str]:
    header = response.headers["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def geojson_of(html: str) -> dict:
    match = re.search(
        r'<script id="office-map-data" type="application/json">(.*?)</script>', html, re.S
    )
    assert match, "no GeoJSON block on the page"
    return json.loads(match.group(1))


@pytest.mark.django_db
def test_service_page_shows_the_office_on_a_map_with_a_list(client, located):
    html = client.get(PAGE).content.decode()

    assert geojson_of(html) == {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [12.1383, 51.0479]},
                "properties": {"title": "Bürgerbüro", "description": "Altmarkt 1, 06712 Zeitz"},
                "id": located.pk,
            }
        ],
        "bbox": [12.1383, 51.0479, 12.1383, 51.0479],
    }
    # The map is hidden until the script draws it; the list is plain HTML.
    assert re.search(r'<div class="revier-map__visual" hidden data-revier-map ', html)
    assert 'aria-label="Map: where to find Bürgerbüro"' in html
    list_html = re.search(r'<ul class="revier-map__list".*?</ul>', html, re.S).group(0)
    assert "<strong>Bürgerbüro</strong>" in list_html
    assert "Altmarkt 1, 06712 Zeitz" in list_html
    assert "Latitude 51.0479, longitude 12.1383" in list_html
    assert '<script src="/static/vendor/leaflet/leaflet.js" defer></script>' in html
    assert '<script src="/static/revier/map.js" defer></script>' in html
    # No tile server configured: no tile URL for the script, and the map says so.
    assert "data-revier-map-tiles" not in html
    assert "No background map is configured" in html


@pytest.mark.django_db
def test_office_without_location_gets_no_map(client, offer):
    html = client.get(PAGE).content.decode()

    assert "Altmarkt 1, 06712 Zeitz" in html  # the address is still there
    assert "data-revier-map" not in html
    assert "office-map-data" not in html
    assert "leaflet.js" not in html


@pytest.mark.django_db
def test_csp_has_no_extra_origin_without_a_tile_server(client, located):
    response = client.get(PAGE)

    csp = csp_of(response)
    assert csp["img-src"] == "'self' data:"
    assert csp["connect-src"] == "'self'"
    assert csp["script-src"] == "'self'"


def probe_settings(monkeypatch, **env):
    """The real settings module, executed again with the given environment."""
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    spec = importlib.util.spec_from_file_location("settings_probe", settings_module.__file__)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


@pytest.mark.django_db
def test_csp_allows_the_tile_server_origin_only(client, located, monkeypatch):
    probe = probe_settings(
        monkeypatch,
        REVIER_MAP_TILE_URL=BASEMAP,
        REVIER_MAP_ATTRIBUTION="© GeoBasis-DE / BKG (2026) CC BY 4.0",
    )
    with override_settings(
        CONTENT_SECURITY_POLICY=probe.CONTENT_SECURITY_POLICY,
        REVIER_MAP_TILE_URL=probe.REVIER_MAP_TILE_URL,
        REVIER_MAP_ATTRIBUTION=probe.REVIER_MAP_ATTRIBUTION,
    ):
        response = client.get(PAGE)

    csp = csp_of(response)
    assert csp["img-src"] == "'self' data: https://sgx.geodatenzentrum.de"
    assert csp["connect-src"] == "'self'"
    assert csp["script-src"] == "'self'"
    html = response.content.decode()
    assert f'data-revier-map-tiles="{BASEMAP}"' in html
    assert 'data-revier-map-attribution="© GeoBasis-DE / BKG (2026) CC BY 4.0"' in html
    assert "No background map is configured" not in html


def test_a_tile_url_that_is_not_http_stops_the_start(monkeypatch):
    from django.core.exceptions import ImproperlyConfigured

    with pytest.raises(ImproperlyConfigured, match="REVIER_MAP_TILE_URL: not an absolute http"):
        probe_settings(monkeypatch, REVIER_MAP_TILE_URL="tiles/{z}/{x}/{y}.png")


@pytest.mark.django_db
def test_staff_set_the_office_location(client, offer, zeitz, zeitz_admin):
    client.force_login(zeitz_admin)
    office = offer["office"]
    url = f"/zeitz/backoffice/leistungen/stellen/{office.pk}/"
    base = {"name": "Bürgerbüro", "street": "Altmarkt 1", "postcode": "06712", "city": "Zeitz"}

    form = client.get(url).content.decode()
    assert 'name="latitude"' in form and 'name="longitude"' in form

    response = client.post(url, {**base, "latitude": "51.0479", "longitude": ""})
    assert response.status_code == 400
    assert "Give both latitude and longitude, or neither." in response.content.decode()

    response = client.post(url, {**base, "latitude": "91", "longitude": "12.1383"})
    assert response.status_code == 400
    assert "Ensure this value is less than or equal to 90." in response.content.decode()

    response = client.post(url, {**base, "latitude": "51.0479", "longitude": "12.1383"})
    assert response.status_code == 302
    with scope(municipality=zeitz):
        office.refresh_from_db()
    assert (office.latitude, office.longitude) == (Decimal("51.047900"), Decimal("12.138300"))

    response = client.post(url, {**base, "latitude": "", "longitude": ""})
    assert response.status_code == 302
    with scope(municipality=zeitz):
        office.refresh_from_db()
    assert (office.latitude, office.longitude) == (None, None)


@pytest.mark.django_db
def test_bounding_box_query_on_plain_coordinates(offer, zeitz, located):
    with scope(municipality=zeitz):
        Office.objects.create(municipality=zeitz, name="Bauamt")  # no location
        inside = Office.objects.filter(bbox_filter((12.0, 51.0, 12.2, 51.1)))
        outside = Office.objects.filter(bbox_filter((11.7, 51.1, 11.9, 51.2)))
        assert list(inside.values_list("name", flat=True)) == ["Bürgerbüro"]
        assert not outside.exists()


@pytest.mark.django_db
def test_demo_offices_get_their_town_hall_location_also_on_a_reload(zeitz, naumburg):
    from revier.services.demo import load_demo_catalogue
    from tests.conftest import make_municipality

    towns = {"zeitz": zeitz, "naumburg": naumburg, "elsteraue": make_municipality("elsteraue")}
    with scope(municipality=zeitz):
        # An office from demo data loaded before offices had a location.
        Office.objects.create(municipality=zeitz, name="Bürgerbüro", street="Altmarkt 1")
    load_demo_catalogue(towns)

    expected = {
        "zeitz": (Decimal("51.047900"), Decimal("12.138300")),
        "naumburg": (Decimal("51.152300"), Decimal("11.809800")),
        "elsteraue": (Decimal("51.054700"), Decimal("12.187300")),
    }
    for slug, municipality in towns.items():
        with scope(municipality=municipality):
            locations = set(Office.objects.values_list("latitude", "longitude"))
        assert locations == {expected[slug]}, slug
