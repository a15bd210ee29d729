"""The public modules a municipality can switch on or off.

Each module declares itself in its ``module.py`` (``revier.core.kit.Module``); the municipality's
navigation shows the enabled ones, and views and API endpoints of a disabled module answer with a
clear 404 (``ModuleDisabled``).
"""

from collections.abc import Callable
from functools import wraps

from revier.core import kit
from revier.core.kit import Module, ModuleDisabled

__all__ = ["Module", "ModuleDisabled", "all_modules", "get", "module_choices", "module_required"]


def get(key: str) -> Module | None:
    return kit.module(key)


def all_modules() -> list[Module]:
    return kit.modules()


def module_choices() -> list[tuple[str, str]]:
    return [(m.key, str(m.label)) for m in all_modules()]


def module_required(key: str) -> Callable:
    """View decorator: the active municipality must have the module switched on."""

    def decorator(view):
        @wraps(view)
        def wrapped(request, *args, **kwargs):
            municipality = request.municipality
            if municipality is None or not municipality.module_enabled(key):
                raise ModuleDisabled(municipality, key)
            return view(request, *args, **kwargs)

        return wrapped

    return decorator
