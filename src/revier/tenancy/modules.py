"""Registry of the modules a municipality can switch on or off.

Each domain app registers its module in ``AppConfig.ready()``; the municipality's navigation shows
the enabled ones, and views and API endpoints of a disabled module answer with a clear 404.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps

from django.utils.functional import Promise


@dataclass(frozen=True)
class Module:
    key: str
    label: str | Promise
    url_name: str
    description: str | Promise = ""


_registry: dict[str, Module] = {}


def register(module: Module) -> Module:
    if module.key in _registry and _registry[module.key] != module:
        raise ValueError(f"Module {module.key!r} is registered twice.")
    _registry[module.key] = module
    return module


def get(key: str) -> Module | None:
    return _registry.get(key)


def all_modules() -> list[Module]:
    return sorted(_registry.values(), key=lambda m: m.key)


def module_choices() -> list[tuple[str, str]]:
    return [(m.key, str(m.label)) for m in all_modules()]


class ModuleDisabled(Exception):
    """Raised when a request reaches a module its municipality has switched off."""

    def __init__(self, municipality, key: str):
        self.municipality = municipality
        self.key = key
        super().__init__(f"Module {key!r} is disabled for {municipality.slug!r}.")


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
