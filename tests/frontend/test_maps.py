"""The map include: the list alternative carries every place, with or without a location."""

import json
import re

from django.template import Context, Template
from django.test import override_settings
from django.utils import translation

from revier.core.geo import feature, feature_collection, point
from revier.frontend.maps import MapView

TEMPLATE = Template("{% load maps %}{% revier_map map %}")


def render(map_view: MapView, language: str = "en") -> str:
    with translation.override(language):
        return TEMPLATE.render(Context({"map": map_view}))


def test_list_has_every_place_and_the_map_only_the_located_ones():
    data = feature_collection(
        [
            feature(point(51.1523, 11.8098), {"title": "Rathaus", "url": "/naumburg/"}),
            feature(None, {"title": "Außenstelle <Ost>", "description": "Dorfstr. 1\nHof"}),
        ]
    )
    html = render(MapView(dom_id="m1", label="Places", geojson=data))

    items = re.findall(r'<li class="revier-map__place">(.*?)</li>', html, re.S)
    assert len(items) == 2
    assert '<a class="kern-link" href="/naumburg/">Rathaus</a>' in items[0]
    assert "Latitude 51.1523, longitude 11.8098" in items[0]
    # Text is escaped, lines kept, and a place without a location has no position line.
    assert "<strong>Außenstelle &lt;Ost&gt;</strong>" in items[1]
    assert "Dorfstr. 1<br>Hof" in items[1]
    assert "Latitude" not in items[1]
    # Numbers in the page's language.
    assert "11,8098" in render(MapView(dom_id="m1", label="Places", geojson=data), "de")
    block = re.search(r'<script id="m1-data" type="application/json">(.*?)</script>', html, re.S)
    assert json.loads(block.group(1)) == data
    assert 'data-revier-map-source="m1-data"' in html


def test_without_any_location_only_the_list_is_rendered():
    data = feature_collection([feature(None, {"title": "Bürgerbüro"})])
    html = render(MapView(dom_id="m2", label="Places", geojson=data))

    assert "<strong>Bürgerbüro</strong>" in html
    assert "data-revier-map" not in html
    assert "leaflet" not in html


def test_empty_map_says_so():
    html = render(MapView(dom_id="m3", label="Places"))
    assert "No places to show." in html


def test_data_url_replaces_the_inline_block():
    html = render(MapView(dom_id="m4", label="Places", data_url="/zeitz/orte.geojson"))

    assert 'data-revier-map-url="/zeitz/orte.geojson"' in html
    assert "m4-data" in html  # the element still names its (absent) source
    assert '<script id="m4-data"' not in html


@override_settings(
    REVIER_MAP_TILE_URL="https://tiles.example.org/{z}/{x}/{y}.png",
    REVIER_MAP_ATTRIBUTION='<img src=x onerror="alert(1)">',
)
def test_tile_settings_reach_the_script_escaped():
    data = feature_collection([feature(point(51, 12), {"title": "A"})])
    html = render(MapView(dom_id="m5", label="Places", geojson=data))

    assert 'data-revier-map-tiles="https://tiles.example.org/{z}/{x}/{y}.png"' in html
    assert 'data-revier-map-attribution="&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"' in html
    assert "No background map is configured" not in html
