"""Binary columns read in binary format where possible, scoped and counted as always."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import ScopeError, scope

from revier.core.db import binary_values, values_list_binary
from revier.delivery.models import Delivery

pytestmark = pytest.mark.django_db

CONTENT = bytes(range(256)) * 1000  # every byte value, 256 KB


def _delivery(municipality, reference: str, content: bytes) -> Delivery:
    return Delivery.objects.create(
        municipality=municipality,
        reference=reference,
        leika="99089001001000",
        service_name="Test",
        plugin="backoffice",
        package_sealed=content,
    )


def test_values_come_back_byte_for_byte_and_only_of_the_active_municipality(zeitz, naumburg):
    with scope(municipality=zeitz):
        mine = _delivery(zeitz, "ZEI-2026-000001", CONTENT)
    with scope(municipality=naumburg):
        theirs = _delivery(naumburg, "NAU-2026-000001", b"other")
    with scope(municipality=zeitz):
        with CaptureQueriesContext(connection) as queries:
            values = binary_values(Delivery.objects.all(), "package_sealed")
        assert values == {mine.pk: CONTENT}
        assert type(values[mine.pk]) is bytes
        assert len(queries) == 1  # counted like any other query
        assert binary_values(Delivery.objects.filter(pk=theirs.pk), "package_sealed") == {}
        # Text and number columns beside the binary one come back as their Python values.
        rows = values_list_binary(
            Delivery.objects.order_by("pk"), "reference", "attempts", "package_sealed"
        )
        assert rows == [("ZEI-2026-000001", 0, CONTENT)]
    # Fail-closed tenancy: without a scope the query is refused.
    with pytest.raises(ScopeError):
        binary_values(Delivery.objects.all(), "package_sealed")
