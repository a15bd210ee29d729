"""Who takes a package delivered to the municipality's own back office.

Delivery does not know case work: the app that turns received packages into its own records
registers itself here from its ``AppConfig.ready()`` (today ``revier.cases``). Without a receiver,
the package is stored and nothing else happens.
"""

from __future__ import annotations

from collections.abc import Callable

_receivers: list[Callable] = []


def register_receiver(receiver: Callable) -> Callable:
    """``receiver(*, received)`` is called in the delivery's transaction; it must be idempotent
    (a retried delivery hands over the same ``ReceivedPackage`` again)."""
    if receiver not in _receivers:
        _receivers.append(receiver)
    return receiver


def hand_over(*, received) -> None:
    for receiver in _receivers:
        receiver(received=received)
