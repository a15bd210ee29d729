"""``{% revier_map map %}``: a map with its list alternative (see revier.frontend.maps)."""

from django import template
from django.conf import settings

register = template.Library()


@register.inclusion_tag("revier/map.html")
def revier_map(map_view):
    return {
        "map": map_view,
        "data_id": f"{map_view.dom_id}-data",
        "tile_url": getattr(settings, "REVIER_MAP_TILE_URL", ""),
        "attribution": getattr(settings, "REVIER_MAP_ATTRIBUTION", ""),
    }
