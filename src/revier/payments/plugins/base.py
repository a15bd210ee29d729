"""What a payment plugin is: typed options and ``check_config`` (``revier.core.plugins``),
``start`` (create the payment at the provider) and ``verify_notification`` (check the
provider's signed report)."""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from revier.core.plugins import Plugin

if TYPE_CHECKING:
    from revier.payments.models import Payment


class PaymentProviderError(Exception):
    """The provider cannot be reached or refused the request; the applicant may try again."""


class NotificationRefused(Exception):
    """A notification that is not authentic, too old or does not match the payment."""


@dataclass(frozen=True)
class PaymentStart:
    redirect_url: str = ""  # empty: nothing to do at a provider (e.g. invoice)
    provider_id: str = ""


@dataclass(frozen=True)
class PaymentNotification:
    provider_id: str
    transaction_id: str
    status: str  # INITIAL | BOOKED | FAILED | CANCELED
    amount: Decimal
    method: str
    timestamp: dt.datetime


class PaymentPlugin(Plugin, ABC):
    # The FIT-Connect paymentMethod a payment of this plugin starts with.
    method: str = "OTHER"
    redirects: bool = False

    @abstractmethod
    def start(
        self, *, payment: Payment, options: dict, description: str, return_url: str, notify_url: str
    ) -> PaymentStart:
        """Create the payment; raise ``PaymentProviderError`` when that is impossible now."""

    def verify_notification(
        self, *, payment: Payment, options: dict, body: bytes, headers
    ) -> PaymentNotification:
        raise NotificationRefused("this payment method takes no notifications")
