"""The registry of delivery plugins: ``@register("id")`` on a ``DeliveryPlugin`` subclass.

The id is stored in ``DeliveryRoute.plugin``, so it never changes once released.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from revier.core.registry import PluginRegistry, UnknownPlugin

if TYPE_CHECKING:
    from revier.delivery.plugins.base import DeliveryPlugin

__all__ = ["UnknownPlugin", "register"]

register: PluginRegistry[DeliveryPlugin] = PluginRegistry("delivery")
