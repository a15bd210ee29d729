"""The warm-up before the first request (revier.core.warmup, ADR 0034)."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext


@pytest.mark.django_db
def test_warm_up_touches_no_database_and_leaves_templates_compiled(monkeypatch):
    from django.core.cache import caches
    from django.template import engines

    from revier.core.warmup import warm_up

    def forbidden(*args, **kwargs):
        raise AssertionError("the warm-up must not touch the cache")

    for method in ("get", "set", "get_many", "add"):
        monkeypatch.setattr(caches["default"], method, forbidden)
    with CaptureQueriesContext(connection) as ctx:
        assert warm_up() >= 0
    assert ctx.captured_queries == []
    loader = engines["django"].engine.template_loaders[0]
    if hasattr(loader, "get_template_cache"):  # the cached loader (production)
        assert any("base.html" in key for key in map(str, loader.get_template_cache))
