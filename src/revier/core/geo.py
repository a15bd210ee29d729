"""GeoJSON helpers (RFC 7946) and the map tile origin for the Content-Security-Policy.

Plain Python on purpose: the settings module imports ``tile_source_origin`` before Django is set
up, and every module builds its map data with the same builders. Coordinates are WGS 84 decimal
degrees; GeoJSON orders them longitude first. Why plain coordinates and not PostGIS: ADR 0022.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from decimal import Decimal
from numbers import Real
from typing import Any
from urllib.parse import urlsplit

# Six decimals are about 0.1 m: more than enough for an entrance, and keeps the JSON short.
DEFAULT_PRECISION = 6

BBox = tuple[float, float, float, float]  # west, south, east, north (RFC 7946 §5)


class GeoError(ValueError):
    """Input that cannot become valid GeoJSON."""


def _number(value: Any, name: str) -> float:
    # bool is an int in Python, but True is no coordinate.
    if isinstance(value, bool) or not isinstance(value, Real | Decimal):
        raise GeoError(f"{name} must be a number, not {type(value).__name__}")
    number = float(value)
    if not math.isfinite(number):
        raise GeoError(f"{name} must be finite")
    return number


def _precision(precision: int) -> int:
    if isinstance(precision, bool) or not isinstance(precision, int) or not 0 <= precision <= 15:
        raise GeoError("precision must be an integer from 0 to 15")
    return precision


def coordinate(value: Any, *, precision: int = DEFAULT_PRECISION) -> float:
    """A coordinate value rounded to ``precision`` decimals."""
    return round(_number(value, "coordinate"), _precision(precision))


def position(latitude: Any, longitude: Any, *, precision: int = DEFAULT_PRECISION) -> list[float]:
    """A GeoJSON position ``[longitude, latitude]`` with the ranges checked."""
    lat = _number(latitude, "latitude")
    lon = _number(longitude, "longitude")
    if not -90 <= lat <= 90:
        raise GeoError(f"latitude {lat} is outside -90..90")
    if not -180 <= lon <= 180:
        raise GeoError(f"longitude {lon} is outside -180..180")
    digits = _precision(precision)
    return [round(lon, digits), round(lat, digits)]


def point(latitude: Any, longitude: Any, *, precision: int = DEFAULT_PRECISION) -> dict:
    """A GeoJSON Point. Arguments are latitude first, as people say them."""
    return {"type": "Point", "coordinates": position(latitude, longitude, precision=precision)}


GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
}


def feature(
    geometry: Mapping | None, properties: Mapping | None = None, *, id: str | int | None = None
) -> dict:
    """A GeoJSON Feature. ``geometry`` may be None: the feature then appears in a map's list
    alternative but not on the map (a place whose location is not known yet)."""
    if geometry is not None:
        if not isinstance(geometry, Mapping) or geometry.get("type") not in GEOMETRY_TYPES:
            raise GeoError("geometry must be a GeoJSON geometry object or None")
        # Walk it once so a malformed geometry fails here and not in the browser.
        _positions(geometry["type"], geometry.get("coordinates"))
    if properties is not None and not isinstance(properties, Mapping):
        raise GeoError("properties must be a mapping or None")
    if id is not None and (isinstance(id, bool) or not isinstance(id, str | int)):
        raise GeoError("id must be a string or an integer")
    result: dict = {
        "type": "Feature",
        "geometry": dict(geometry) if geometry is not None else None,
        "properties": dict(properties) if properties is not None else {},
    }
    if id is not None:
        result["id"] = id
    return result


def feature_collection(features: Iterable[Mapping], *, with_bbox: bool = True) -> dict:
    """A GeoJSON FeatureCollection, with its bounding box when any feature has a location."""
    items = list(features)
    for item in items:
        if not isinstance(item, Mapping) or item.get("type") != "Feature":
            raise GeoError("a FeatureCollection holds Features only")
    result: dict = {"type": "FeatureCollection", "features": [dict(item) for item in items]}
    box = bbox(items) if with_bbox else None
    if box is not None:
        result["bbox"] = list(box)
    return result


def _positions(kind: str, coordinates: Any) -> list[tuple[float, float]]:
    # Nesting depth of the coordinate arrays per geometry type (RFC 7946 §3.1).
    depth = {
        "Point": 0,
        "MultiPoint": 1,
        "LineString": 1,
        "MultiLineString": 2,
        "Polygon": 2,
        "MultiPolygon": 3,
    }[kind]

    def walk(value: Any, level: int) -> list[tuple[float, float]]:
        if not isinstance(value, list | tuple):
            raise GeoError(f"{kind} coordinates are malformed")
        if level == 0:
            if len(value) < 2:
                raise GeoError("a position needs longitude and latitude")
            lon = _number(value[0], "longitude")
            lat = _number(value[1], "latitude")
            if not (-180 <= lon <= 180 and -90 <= lat <= 90):
                raise GeoError(f"position {lon}, {lat} is out of range")
            return [(lon, lat)]
        return [p for item in value for p in walk(item, level - 1)]

    return walk(coordinates, depth)


def bbox(items: Iterable[Mapping]) -> BBox | None:
    """The bounding box (west, south, east, north) of Features or geometries; None when none
    of them has a location. Boxes across the antimeridian are not needed for German
    municipalities and not handled."""
    west = south = math.inf
    east = north = -math.inf
    for item in items:
        geometry = item.get("geometry") if item.get("type") == "Feature" else item
        if not geometry:
            continue
        for lon, lat in _positions(geometry["type"], geometry.get("coordinates")):
            west, east = min(west, lon), max(east, lon)
            south, north = min(south, lat), max(north, lat)
    if west == math.inf:
        return None
    return (west, south, east, north)


def bbox_filter(box: BBox, *, latitude: str = "latitude", longitude: str = "longitude"):
    """A Q object for rows whose plain coordinate fields lie inside ``box`` (ADR 0022)."""
    # Imported here so that the settings module can import this file before Django is set up.
    from django.db.models import Q

    if len(box) != 4:
        raise GeoError("a bounding box has four numbers: west, south, east, north")
    west, south, east, north = (_number(v, "bounding box") for v in box)
    if west > east or south > north:
        raise GeoError("bounding box must be west <= east and south <= north")
    return Q(
        **{
            f"{latitude}__gte": south,
            f"{latitude}__lte": north,
            f"{longitude}__gte": west,
            f"{longitude}__lte": east,
        }
    )


def tile_source_origin(url_template: str) -> str:
    """The origin of a tile URL template for the CSP's img-src, or "" without a template.

    ``https://{s}.tile.example.org/{z}/{x}/{y}.png`` becomes ``https://*.tile.example.org``.
    Anything but an absolute http(s) URL is refused, so a typo cannot widen the CSP.
    """
    url_template = (url_template or "").strip()
    if not url_template:
        return ""
    parts = urlsplit(url_template)
    host = parts.netloc
    if host.startswith("{s}."):
        host = "*." + host[len("{s}.") :]
    if (
        parts.scheme not in {"https", "http"}
        or not host
        or any(c in host for c in "{}@ '\";")
        or "*" in host[1:]
    ):
        raise GeoError(f"not an absolute http(s) tile URL: {url_template!r}")
    return f"{parts.scheme}://{host}"
