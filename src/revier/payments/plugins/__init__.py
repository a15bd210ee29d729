"""Payment plugins, one module each. Importing this package registers them all."""

from revier.payments.plugins import invoice, redirect  # noqa: F401
