from django.utils.translation import gettext_lazy as _

from revier.core import kit


class BookingConfig(kit.ModuleConfig):
    """Its contributions to the platform are declared in ``module.py``."""

    name = "revier.booking"
    verbose_name = _("Appointments and bookings")
