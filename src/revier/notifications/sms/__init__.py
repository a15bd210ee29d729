"""SMS gateways as plugins: ``@register("id")`` on an ``SmsPlugin`` subclass.

The id is stored in ``SmsSettings.plugin``, so it never changes once released. Shipped:
``log`` (development: writes the SMS to the log and an outbox file) and ``http`` (a generic HTTP
gateway with bearer token and a signed delivery-status webhook).
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass

from revier.core.plugins import Plugin, PluginRegistry, UnknownPlugin

__all__ = [
    "SmsError",
    "SmsPlugin",
    "StatusRefused",
    "StatusReport",
    "UnknownPlugin",
    "register",
]


class SmsError(Exception):
    """The gateway cannot be reached or refused the message; sending may be retried."""


class StatusRefused(Exception):
    """A status report that is not authentic or cannot be read."""


@dataclass(frozen=True)
class StatusReport:
    provider_reference: str
    delivered: bool
    error: str = ""


class SmsPlugin(Plugin, ABC):
    """Typed options and ``check_config`` come from ``revier.core.plugins.Plugin``."""

    @abstractmethod
    def send(self, *, to: str, text: str, options: dict, reference: str) -> str:
        """Hand the SMS to the gateway; return the gateway's message id. ``reference`` is ours
        (the notification id). Raise ``SmsError`` when that is impossible now."""

    def parse_status(self, *, body: bytes, headers, options: dict) -> StatusReport:
        """Read a delivery-status report the gateway sent; ``StatusRefused`` if not authentic."""
        raise StatusRefused("this gateway sends no status reports")


register: PluginRegistry[SmsPlugin] = PluginRegistry("sms")


def load_plugins() -> None:
    """Import the shipped plugin modules (registers them); called from ``AppConfig.ready``."""
    from revier.notifications.sms import http, log  # noqa: F401
