"""schemathesis over docs/openapi.yaml, as a staff member and as a resident (issue 13,
deliverable 4): no server error, every answer matches the schema (status code documented,
content type and body as declared), every error a problem document.

Bounded: a few examples per operation, no shrinking, so the run stays well under a minute."""

from pathlib import Path

import pytest
import schemathesis
from django.core.wsgi import get_wsgi_application
from hypothesis import HealthCheck, Phase, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

SCHEMA_FILE = Path(__file__).resolve().parents[2] / "docs" / "openapi.yaml"
schema = schemathesis.openapi.from_path(SCHEMA_FILE)
schema.app = get_wsgi_application()

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(autouse=True)
def _keep_the_test_connection():
    """As Django's test client does: the WSGI handler must not close the test's connection."""
    from django.core import signals
    from django.db import close_old_connections

    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


@pytest.fixture
def tokens(db, zeitz):
    from revier.core.services import api_token_issue
    from tests.conftest import make_staff, make_user

    # The modules on; no FIM import per example (that would cost seconds each).
    zeitz.enabled_modules = ["news", "services"]
    zeitz.save()
    staff = make_staff(zeitz, "case_worker", "sachbearbeitung@zeitz.example")
    resident = make_user("bewohnerin@example.org")
    return {
        "staff": api_token_issue(user=staff),
        "resident": api_token_issue(user=resident),
    }


@pytest.mark.parametrize("who", ["staff", "resident"])
@schema.parametrize()
@settings(
    max_examples=8,
    deadline=None,
    phases=[Phase.generate],  # no coverage phase: its hundreds of cases per operation
    suppress_health_check=list(HealthCheck),
    derandomize=True,
)
def test_api_keeps_its_word(case, tokens, who):
    if "municipality" in (case.path_parameters or {}):
        case.path_parameters["municipality"] = "zeitz"  # the municipality with data
    case.call_and_validate(headers={"Authorization": f"Token {tokens[who]}"}, checks=CHECKS)
