"""News of a municipality through the API: tenant confinement and cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.api.conftest import add_news


@pytest.mark.django_db
def test_list_shows_only_published_news_of_the_municipality(client, zeitz, naumburg):
    add_news(zeitz, "Stadtfest")
    add_news(zeitz, "Entwurf", publish=False)
    add_news(naumburg, "Domfest")

    response = client.get("/api/v1/zeitz/news/")

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    assert [item["title"] for item in body["results"]] == ["Stadtfest"]
    assert set(body["results"][0]) == {"slug", "title", "summary", "body", "published_at"}


@pytest.mark.django_db
def test_detail(client, zeitz):
    item = add_news(zeitz, "Stadtfest")

    response = client.get(f"/api/v1/zeitz/news/{item.slug}/")

    assert response.status_code == 200
    assert response.json()["body"] == "Text of Stadtfest"


@pytest.mark.django_db
def test_news_of_another_municipality_is_not_found(client, zeitz, naumburg, problem):
    item = add_news(naumburg, "Domfest")

    problem(client.get(f"/api/v1/zeitz/news/{item.slug}/"), 404)
    assert client.get(f"/api/v1/naumburg/news/{item.slug}/").status_code == 200


@pytest.mark.django_db
def test_list_query_count_does_not_grow(client, zeitz):
    add_news(zeitz, "Erste Meldung")

    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/zeitz/news/").status_code == 200
        return len(ctx.captured_queries)

    client.get("/api/v1/zeitz/news/")  # warm the per-process municipality cache
    one = queries()
    for n in range(10):
        add_news(zeitz, f"Meldung {n}")
    assert client.get("/api/v1/zeitz/news/").json()["count"] == 11
    # Count and page; the municipality comes from the per-process cache (tenancy.cache).
    assert queries() == one == 2
