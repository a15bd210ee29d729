"""No PDF work holds the submission's write transaction (issue 13, item 1): the receipt of an
API submission is made before the transaction (on SQLite the whole database's write lock), and
is there right after the submit, the same bytes that are delivered."""

import time

import pytest
from django.db import connection
from django_scopes import scope

from revier.applications import services
from revier.applications.models import Application
from revier.core.documents import pdfa
from revier.core.documents.layout import CONTENT_WIDTH
from tests.applications.test_api_and_retention import DATA, _api

URL = "/api/v1/zeitz/applications/"


@pytest.mark.django_db(transaction=True)
def test_api_receipt_is_made_outside_the_transaction(zeitz, dog_form, resident, monkeypatch):
    made_in_transaction = []
    original = services.receipt_pdf

    def receipt_pdf(**kwargs):
        made_in_transaction.append(connection.in_atomic_block)
        return original(**kwargs)

    monkeypatch.setattr(services, "receipt_pdf", receipt_pdf)
    body = {"form": dog_form["version"].pk, "data": DATA}
    response = _api(resident).post(URL, body, format="json", HTTP_IDEMPOTENCY_KEY="r-1")

    assert response.status_code == 201, response.content
    assert made_in_transaction == [False]
    with scope(municipality=zeitz):
        application = Application.objects.get(reference=response.json()["reference"])
    # Available right after the submit, dated the moment of submission.
    assert bytes(application.receipt).startswith(b"%PDF")
    assert application.status == Application.Status.SUBMITTED
    assert application.submitted_at is not None


def test_a_million_characters_wrap_well_under_a_second():
    """Wall-clock time on this (shared, loaded) machine; the work-count tests in
    tests/core/test_documents.py prove linearity independent of load."""
    words = " ".join(["Schützenplatz", "3", "06712", "Zeitz"] * 60_000)[:1_000_000]
    for text in ("x" * 1_000_000, words):
        started = time.process_time()
        lines = pdfa.wrap(text, pdfa.BODY, CONTENT_WIDTH)
        assert time.process_time() - started < 1.0
        assert sum(len(line) for line in lines) >= len(text.replace(" ", ""))
