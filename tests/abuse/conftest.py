from pathlib import Path

import pytest

TEMPLATES = Path(__file__).parent / "templates"


@pytest.fixture
def sample_site(settings, db):
    """The sample form and API of tests/abuse/urls.py, served on the platform host."""
    settings.ROOT_URLCONF = "tests.abuse.urls"
    templates = [dict(engine) for engine in settings.TEMPLATES]
    templates[0]["DIRS"] = [*templates[0]["DIRS"], TEMPLATES]
    settings.TEMPLATES = templates
    settings.REVIER_ALTCHA_MAX_NUMBER = 2000  # quick to solve in Python
    settings.REVIER_TIMELOCK_SECONDS = 10
    return settings
