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
    body = response.json()
    # Paginated like every list; ordered by name, inactive municipalities left out.
    assert (body["count"], body["next"], body["previous"]) == (2, None, None)
    data = body["results"]
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
    assert client.get("/api/v1/municipalities/").json()["count"] == 3
    # The count and the page.
    assert queries() == one == 2


@pytest.mark.django_db
def test_list_is_paginated_and_filtered(client, zeitz, naumburg, problem):
    from revier.tenancy.services import municipality_create

    for i in range(700, 752):
        municipality_create(
            slug=f"gemeinde-{i}", name=f"Gemeinde {i}", ags=f"14511{i}", ars=f"145110000{i}"
        )
    first = client.get("/api/v1/municipalities/").json()
    assert first["count"] == 54 and len(first["results"]) == 50
    assert first["next"].endswith("/api/v1/municipalities/?page=2")
    assert len(client.get(first["next"]).json()["results"]) == 4

    def slugs(**params):
        return [m["slug"] for m in client.get("/api/v1/municipalities/", params).json()["results"]]

    assert slugs(land="15") == ["naumburg", "zeitz"]
    assert slugs(kreis="15084", q="zei") == ["zeitz"]
    assert slugs(q="15084590") == ["zeitz"]
    assert len(slugs(land="14")) == 50
    body = problem(client.get("/api/v1/municipalities/", {"land": "17", "kreis": "1"}), 400)
    assert set(body["errors"]) == {"land", "kreis"}
