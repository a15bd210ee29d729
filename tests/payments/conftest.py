"""The applying fixtures (a published dog-tax form in Zeitz, an English client)."""

from tests.applications.conftest import client, dog_form  # noqa: F401
