"""The registry of payment plugins: ``@register("id")`` on a ``PaymentPlugin`` subclass.

The id is stored in ``Fee.plugin`` and ``Payment.plugin``, so it never changes once released.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from revier.core.registry import PluginRegistry, UnknownPlugin

if TYPE_CHECKING:
    from revier.payments.plugins.base import PaymentPlugin

__all__ = ["UnknownPlugin", "register"]

register: PluginRegistry[PaymentPlugin] = PluginRegistry("payment")
