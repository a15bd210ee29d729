from django.conf import settings
from django.urls import get_script_prefix

from revier.core import kit


def site(request):
    """What every page needs: the active municipality (or None on the platform) and its nav."""
    municipality = getattr(request, "municipality", None)
    user = getattr(request, "user", None)
    return {
        "municipality": municipality,
        "perms_backoffice": bool(
            municipality and user and user.has_perm(kit.ACCESS_PERMISSION, municipality)
        ),
        "enabled_modules": municipality.enabled_module_list() if municipality else [],
        "platform_name": getattr(settings, "REVIER_PLATFORM_NAME", "Revier"),
        # Part of the layout's fragment-cache keys: the same municipality renders other links
        # under /<slug>/ than on its custom domain.
        "script_prefix": get_script_prefix(),
    }
