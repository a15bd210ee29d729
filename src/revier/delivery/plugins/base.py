"""What a delivery plugin is: options it accepts, and ``deliver`` that hands a package over."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

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


class DeliveryPlugin(ABC):
    id: str = ""  # set by @register
    label: str = ""
    # Option keys that hold secrets: stored sealed, never shown again.
    secret_options: tuple[str, ...] = ()
    required_options: tuple[str, ...] = ()

    def clean_options(self, options: dict) -> dict:
        """Validated options, or ``ValidationError`` keyed by option name."""
        missing = [key for key in self.required_options if not options.get(key)]
        if missing:
            raise ValidationError(
                {
                    key: ValidationError(_("This option is required."), code="required")
                    for key in missing
                }
            )
        return dict(options)

    @abstractmethod
    def deliver(
        self, *, package: DeliveryPackage, options: dict, delivery: Delivery
    ) -> DeliveryResult:
        """Hand ``package`` over. Raise ``DeliveryTemporaryError`` or ``DeliveryRefused``.

        Called at most once at a time per delivery (the caller holds the ``sending`` claim), but
        possibly again after a crash: plugins that can detect an earlier handover should.
        """
