"""The registry of payment plugins: ``@register("id")`` on a ``PaymentPlugin`` subclass.

Same pattern as ``revier.delivery.registry``: the id is stored in ``Fee.plugin`` and
``Payment.plugin``, so ids never change once released.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from revier.payments.plugins.base import PaymentPlugin


class UnknownPlugin(KeyError):
    pass


class Registry:
    def __init__(self) -> None:
        self._plugins: dict[str, PaymentPlugin] = {}

    def __call__(self, plugin_id: str):
        def decorator(cls: type[PaymentPlugin]) -> type[PaymentPlugin]:
            if plugin_id in self._plugins:
                raise ValueError(f"A payment plugin with the id {plugin_id!r} already exists.")
            cls.id = plugin_id
            self._plugins[plugin_id] = cls()
            return cls

        return decorator

    def get(self, plugin_id: str) -> PaymentPlugin:
        try:
            return self._plugins[plugin_id]
        except KeyError:
            raise UnknownPlugin(plugin_id) from None

    def __iter__(self):
        return iter(sorted(self._plugins.values(), key=lambda p: p.id))

    def __contains__(self, plugin_id: str) -> bool:
        return plugin_id in self._plugins

    def choices(self) -> list[tuple[str, str]]:
        return [(p.id, str(p.label)) for p in self]


register = Registry()
