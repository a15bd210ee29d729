import re

import pytest
from django.core import mail


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run ``transaction.on_commit`` callbacks (mail is sent after commit) inside the block."""

    def runner():
        return django_capture_on_commit_callbacks(execute=True)

    return runner


def link_in_last_mail(pattern: str) -> str:
    """The first URL path in the newest e-mail that matches ``pattern`` (a regex)."""
    body = mail.outbox[-1].body
    match = re.search(r"https?://testserver(" + pattern + r")", body)
    assert match, body
    return match.group(1)


@pytest.fixture(autouse=True)
def _english(settings):
    """Assert against the English source strings, whatever translations exist: requests
    without a language preference fall back to LANGUAGE_CODE."""
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield
