"""GeoJSON helpers and the tile origin that goes into the CSP (revier.core.geo)."""

import math
from decimal import Decimal

import pytest

from revier.core.geo import (
    GeoError,
    bbox,
    bbox_filter,
    coordinate,
    feature,
    feature_collection,
    point,
    position,
    tile_source_origin,
)

ZEITZ = (Decimal("51.047900"), Decimal("12.138300"))
NAUMBURG = (51.1523, 11.8098)


def test_point_is_longitude_first_and_accepts_decimals():
    assert point(*ZEITZ) == {"type": "Point", "coordinates": [12.1383, 51.0479]}
    assert point(-90, 180) == {"type": "Point", "coordinates": [180.0, -90.0]}


def test_precision_rounds_and_is_checked():
    assert position(51.04791234, 12.13834567) == [12.138346, 51.047912]
    assert position(51.04791234, 12.13834567, precision=3) == [12.138, 51.048]
    assert coordinate(Decimal("1.23456789"), precision=2) == 1.23
    for bad in (-1, 16, 2.5, True, "6"):
        with pytest.raises(GeoError, match="precision"):
            position(51, 12, precision=bad)


@pytest.mark.parametrize(
    ("lat", "lon", "message"),
    [
        (90.0001, 12, "latitude 90.0001 is outside"),
        (-91, 12, "latitude -91.0 is outside"),
        (51, 180.5, "longitude 180.5 is outside"),
        (51, -181, "longitude -181.0 is outside"),
        (math.nan, 12, "latitude must be finite"),
        (51, math.inf, "longitude must be finite"),
        ("51.0", 12, "latitude must be a number, not str"),
        (51, None, "longitude must be a number, not NoneType"),
        (True, 12, "latitude must be a number, not bool"),
    ],
)
def test_point_refuses_bad_coordinates(lat, lon, message):
    with pytest.raises(GeoError, match=message):
        point(lat, lon)


def test_feature_keeps_properties_and_id_and_allows_no_geometry():
    place = feature(point(*NAUMBURG), {"title": "Bürgerbüro"}, id=7)
    assert place == {
        "type": "Feature",
        "geometry": {"type": "Point", "coordinates": [11.8098, 51.1523]},
        "properties": {"title": "Bürgerbüro"},
        "id": 7,
    }
    assert feature(None) == {"type": "Feature", "geometry": None, "properties": {}}


@pytest.mark.parametrize(
    ("geometry", "properties", "id", "message"),
    [
        ({"type": "Circle", "coordinates": [1, 2]}, None, None, "geometry must be"),
        ("POINT(1 2)", None, None, "geometry must be"),
        ({"type": "Point", "coordinates": [12]}, None, None, "needs longitude and latitude"),
        ({"type": "Point", "coordinates": [200, 51]}, None, None, "out of range"),
        ({"type": "LineString", "coordinates": [12, 51]}, None, None, "malformed"),
        ({"type": "Point", "coordinates": [12, 51]}, ["title"], None, "properties must be"),
        ({"type": "Point", "coordinates": [12, 51]}, None, 1.5, "id must be"),
        ({"type": "Point", "coordinates": [12, 51]}, None, False, "id must be"),
    ],
)
def test_feature_refuses_malformed_input(geometry, properties, id, message):
    with pytest.raises(GeoError, match=message):
        feature(geometry, properties, id=id)


def test_collection_has_the_bounding_box_of_its_located_features():
    collection = feature_collection(
        [feature(point(*ZEITZ)), feature(None), feature(point(*NAUMBURG))]
    )
    assert collection["type"] == "FeatureCollection"
    assert len(collection["features"]) == 3
    assert collection["bbox"] == [11.8098, 51.0479, 12.1383, 51.1523]
    assert "bbox" not in feature_collection([feature(None)])
    assert "bbox" not in feature_collection([feature(point(*ZEITZ))], with_bbox=False)


def test_collection_refuses_what_is_not_a_feature():
    with pytest.raises(GeoError, match="Features only"):
        feature_collection([point(*ZEITZ)])


def test_bbox_walks_nested_geometries():
    polygon = {
        "type": "Polygon",
        "coordinates": [[[12.0, 51.0], [12.3, 51.0], [12.3, 51.2], [12.0, 51.0]]],
    }
    assert bbox([polygon, point(50.5, 12.1)]) == (12.0, 50.5, 12.3, 51.2)
    assert bbox([]) is None


def test_bbox_filter_checks_its_box():
    q = bbox_filter((11.8, 51.0, 12.2, 51.2))
    assert dict(q.children) == {
        "latitude__gte": 51.0,
        "latitude__lte": 51.2,
        "longitude__gte": 11.8,
        "longitude__lte": 12.2,
    }
    with pytest.raises(GeoError, match="west <= east"):
        bbox_filter((12.2, 51.0, 11.8, 51.2))
    with pytest.raises(GeoError, match="four numbers"):
        bbox_filter((12.2, 51.0, 11.8))
    with pytest.raises(GeoError, match="must be a number"):
        bbox_filter((12.2, "51", 12.8, 52))


@pytest.mark.parametrize(
    ("template", "origin"),
    [
        ("", ""),
        (
            "https://sgx.geodatenzentrum.de/wmts_basemapde/tile/1.0.0/de_basemapde_web_raster_farbe"
            "/default/GLOBAL_WEBMERCATOR/{z}/{y}/{x}.png",
            "https://sgx.geodatenzentrum.de",
        ),
        ("https://{s}.tile.example.org/{z}/{x}/{y}.png", "https://*.tile.example.org"),
        ("http://127.0.0.1:8080/tiles/{z}/{x}/{y}.png", "http://127.0.0.1:8080"),
    ],
)
def test_tile_source_origin(template, origin):
    assert tile_source_origin(template) == origin


@pytest.mark.parametrize(
    "template",
    [
        "/tiles/{z}/{x}/{y}.png",
        "ftp://tiles.example.org/{z}/{x}/{y}.png",
        "javascript:alert(1)",
        "https://{z}.example.org/{x}/{y}.png",
        "https://tiles.example.org 'unsafe-inline'/{z}.png",
        "https://user@tiles.example.org/{z}.png",
        "https://tiles.*.org/{z}.png",
    ],
)
def test_tile_source_origin_refuses_what_would_widen_the_csp(template):
    with pytest.raises(GeoError, match="not an absolute http"):
        tile_source_origin(template)
