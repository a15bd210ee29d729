"""What a delivery plugin is: typed options and ``check_config`` (``revier.core.plugins``), and
``deliver`` that hands a package over."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from revier.core.plugins import Plugin

if TYPE_CHECKING:
    from revier.delivery.models import Delivery
    from revier.delivery.package import DeliveryPackage


class DeliveryTemporaryError(Exception):
    """The receiver cannot be reached now (network, 5xx, 429): try again later."""


class DeliveryRefused(Exception):
    """The package or the route is refused for good; retrying would not help."""


@dataclass(frozen=True)
class DeliveryResult:
    submission_id: str = ""  # the receiver's id for the handed-over package, shown to staff
    case_id: str = ""  # the receiver's id of the case it belongs to (FIT-Connect caseId)
    # What the receiver's answer must confirm (FIT-Connect: the JWE authentication tags).
    authentication_tags: dict = field(default_factory=dict)


@dataclass(frozen=True)
class DeliveryAnswer:
    """The receiving authority's answer to a delivered package."""

    accepted: bool
    answered_at: dt.datetime
    # RFC 7807-like problems it reported: why it rejected, or remarks with an accept.
    problems: tuple[dict, ...] = ()


class DeliveryPlugin(Plugin, ABC):
    # Whether ``answer`` can tell if the receiver accepted a delivered package.
    reads_answers: bool = False

    @abstractmethod
    def deliver(
        self,
        *,
        package: DeliveryPackage,
        options: dict,
        delivery: Delivery,
        checkpoint: Callable[[dict], None] | None = None,
    ) -> DeliveryResult:
        """Hand ``package`` over. Raise ``DeliveryTemporaryError`` or ``DeliveryRefused``.

        Called at most once at a time per delivery (the caller holds the ``sending`` claim), but
        possibly again after a crash or a timeout: a plugin whose receiver can tell an earlier
        handover must continue or confirm it instead of handing over twice. It records what
        the receiver knows with ``checkpoint(state)`` before each step that hands something
        over (stored with the delivery, JSON) and finds it in ``delivery.handover`` next time.
        """

    def answer(self, *, delivery: Delivery, options: dict) -> DeliveryAnswer | None:
        """The receiver's answer to the delivered ``delivery``, None while there is none.
        Raise ``DeliveryTemporaryError`` (ask again later) or ``DeliveryRefused`` (the answer
        cannot be trusted). Only called when ``reads_answers``."""
        raise NotImplementedError
