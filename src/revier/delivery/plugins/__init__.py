"""Delivery plugins, one module each. Importing this package registers them all."""

from revier.delivery.plugins import backoffice, email, fitconnect  # noqa: F401
