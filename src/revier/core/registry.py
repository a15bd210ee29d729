"""One registry for every kind of pluggable integration (ARCHITECTURE.md rule 6).

The pattern of Open Forms' registrations registry: each kind (delivery, payment, later identity
and address lookup) has a base class and one ``PluginRegistry``; a plugin module decorates its class
with ``@register("id")``. The id is stored in the database, so it never changes once released.
The plugins themselves derive from ``revier.core.plugins.Plugin`` (typed options, sealed secrets,
``check_config``; ADR 0027).
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Generic, TypeVar

P = TypeVar("P")


class UnknownPlugin(KeyError):
    pass


class PluginRegistry(Generic[P]):
    def __init__(self, kind: str) -> None:
        self.kind = kind
        self._plugins: dict[str, P] = {}

    def __call__(self, plugin_id: str):
        def decorator(cls: type[P]) -> type[P]:
            if plugin_id in self._plugins:
                raise ValueError(f"A {self.kind} plugin with the id {plugin_id!r} already exists.")
            cls.id = plugin_id
            self._plugins[plugin_id] = cls()
            return cls

        return decorator

    def get(self, plugin_id: str) -> P:
        try:
            return self._plugins[plugin_id]
        except KeyError:
            raise UnknownPlugin(plugin_id) from None

    def __iter__(self) -> Iterator[P]:
        return iter(sorted(self._plugins.values(), key=lambda p: p.id))

    def __contains__(self, plugin_id: str) -> bool:
        return plugin_id in self._plugins

    def choices(self) -> list[tuple[str, str]]:
        return [(p.id, str(p.label)) for p in self]
