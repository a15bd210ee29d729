"""The benchmark's floor is honest: Revier's whole middleware stack, but neither a query nor a
cache round trip (issue 13, benchmarks/README.md)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from revier.tenancy.models import RESERVED_SLUGS


def _no_round_trip(*args, **kwargs):
    raise AssertionError("the floor must not touch the cache")


@pytest.mark.django_db
def test_floor_touches_neither_database_nor_cache(client, settings, monkeypatch, zeitz):
    from django.core.cache import caches

    settings.ROOT_URLCONF = "tests.core.floor_urls"
    assert "_bench" in RESERVED_SLUGS
    client.get("/_bench/floor")
    for name in ("default", "fragments"):
        for method in ("get", "get_many", "add", "set", "incr"):
            monkeypatch.setattr(caches[name], method, _no_round_trip)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get("/_bench/floor", headers={"X-Forwarded-Proto": "https"})
    assert response.status_code == 200
    assert response.content == b"ok"
    assert ctx.captured_queries == []


@pytest.mark.django_db
def test_bench_is_not_a_municipality_address():
    from django.core.exceptions import ValidationError

    from revier.tenancy.services import municipality_create

    with pytest.raises(ValidationError) as refused:
        municipality_create(slug="_bench", name="Bench", ags="15084590", ars="150840590590")
    assert "slug" in refused.value.message_dict
