"""Revier's settings plus one line: the sample module in INSTALLED_APPS. Nothing else."""

from revier.config.settings import *  # noqa: F403
from revier.config.settings import INSTALLED_APPS

INSTALLED_APPS = [*INSTALLED_APPS, "tests.kit.sample_module"]
