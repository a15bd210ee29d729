"""What a page hands to the map include: its GeoJSON and the accessible name of the map.

The include (``{% load maps %}{% revier_map map %}``, template ``revier/map.html``) renders the
map container, the GeoJSON as a ``json_script`` block for ``static/revier/map.js`` and a list of
the same places that is always there, also without JavaScript. The caller builds the GeoJSON
with ``revier.core.geo`` (not imported here: the frontend layer stays free of other apps).
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class MapPlace:
    """One entry of the list alternative, taken from a Feature's properties."""

    title: str
    description: str
    url: str
    latitude: float | None
    longitude: float | None


@dataclass(frozen=True)
class MapView:
    """A map on a page.

    ``geojson`` is a FeatureCollection (``revier.core.geo.feature_collection``) whose features'
    properties carry ``title`` (marker name and list entry), optionally ``description`` (popup
    and list) and ``url``. ``dom_id`` must be unique on the page. ``data_url`` lets the script
    fetch the GeoJSON from the same origin instead of reading it from the page; the list then
    shows ``geojson`` as given.
    """

    dom_id: str
    label: str
    geojson: dict = field(default_factory=lambda: {"type": "FeatureCollection", "features": []})
    data_url: str = ""

    @property
    def features(self) -> list[dict]:
        return list(self.geojson.get("features", []))

    @property
    def places(self) -> list[MapPlace]:
        result = []
        for item in self.features:
            props = item.get("properties") or {}
            geometry = item.get("geometry") or {}
            lon = lat = None
            if geometry.get("type") == "Point":
                lon, lat = geometry["coordinates"][:2]
            result.append(
                MapPlace(
                    title=str(props.get("title", "")),
                    description=str(props.get("description", "")),
                    url=str(props.get("url", "")),
                    latitude=lat,
                    longitude=lon,
                )
            )
        return result

    @property
    def has_locations(self) -> bool:
        return bool(self.data_url) or any(item.get("geometry") for item in self.features)
