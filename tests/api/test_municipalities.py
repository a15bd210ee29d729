"""The public catalogue of municipalities: its contract and its cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from tests.conftest import make_municipality

FIELDS = {
    "slug",
    "name",
    "official_name",
    "ags",
    "ars",
    "land",
    "kreis",
    "enabled_modules",
    "url",
}


@pytest.mark.django_db
def test_list_contract(client, zeitz, naumburg):
    make_municipality("elsteraue", is_active=False)

    response = client.get("/api/v1/municipalities/")

    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    data = response.json()
    # Ordered by name, inactive municipalities left out, no pagination envelope.
    assert [m["slug"] for m in data] == ["naumburg", "zeitz"]
    assert set(data[1]) == FIELDS
    assert data[1] == {
        "slug": "zeitz",
        "name": "Zeitz",
        "official_name": "",
        "ags": "15084590",
        "ars": "150840590590",
        "land": "Sachsen-Anhalt",
        "kreis": "Burgenlandkreis",
        "enabled_modules": ["news"],
        "url": "http://testserver/zeitz/",
    }


@pytest.mark.django_db
def test_detail_contract(client, zeitz):
    response = client.get("/api/v1/municipalities/zeitz/")

    assert response.status_code == 200
    body = response.json()
    assert set(body) == FIELDS
    assert (body["slug"], body["ags"], body["ars"]) == ("zeitz", "15084590", "150840590590")


@pytest.mark.django_db
def test_detail_of_inactive_municipality_is_not_found(client, problem):
    make_municipality("elsteraue", is_active=False)

    body = problem(client.get("/api/v1/municipalities/elsteraue/"), 404)

    assert body["title"] == "Not found"


@pytest.mark.django_db
def test_list_query_count_does_not_grow(client, zeitz):
    def queries() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/municipalities/").status_code == 200
        return len(ctx.captured_queries)

    one = queries()
    make_municipality("naumburg")
    make_municipality("elsteraue")
    assert len(client.get("/api/v1/municipalities/").json()) == 3
    assert queries() == one == 1
