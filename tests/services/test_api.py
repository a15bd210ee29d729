"""API: the federal catalogue search and a municipality's offer; problems; constant cost."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django_scopes import scope

from revier.services.services import Record, catalogue_import, local_service_set


@pytest.fixture
def problem():
    def check(response, status: int) -> dict:
        assert response.status_code == status, response.content
        assert response["Content-Type"] == "application/problem+json"
        body = response.json()
        assert body["status"] == status
        return body

    return check


@pytest.mark.django_db
def test_search_the_federal_catalogue(client, catalogue):
    response = client.get("/api/v1/services/", {"q": "Hund"})

    assert response.status_code == 200
    body = response.json()
    assert body["count"] == 1
    result = body["results"][0]
    assert result["leika"] == "99000000000004"
    assert result["name"] == "Hundesteuer Anmeldung"
    assert result["urn"] == "urn:de:fim:leika:leistung:99000000000004"
    assert result["themenfeld"] == "steuern-zoll"
    assert result["life_situations"] == ["haustiere"]
    assert result["synonyms"] == ["Hundemarke"]


@pytest.mark.django_db
def test_search_filters_and_browse(client, catalogue):
    body = client.get("/api/v1/services/", {"themenfeld": "querschnitt"}).json()
    assert [r["name"] for r in body["results"]] == [
        "Personalausweis",
        "Personalausweis Ausstellung",
    ]
    body = client.get("/api/v1/services/", {"q": "Persnalausweis"}).json()
    assert body["results"][0]["leika"] == "99000000000007"
    assert client.get("/api/v1/services/").json()["count"] == 7


@pytest.mark.django_db
def test_invalid_parameters_are_problems(client, catalogue, problem):
    body = problem(client.get("/api/v1/services/", {"themenfeld": "weltraum"}), 400)
    assert body["errors"] == {"themenfeld": ["Unknown Themenfeld."]}
    problem(client.get("/api/v1/services/", {"q": "x" * 201}), 400)


@pytest.mark.django_db
def test_municipality_offer_with_office_and_online_flag(client, offer):
    body = client.get("/api/v1/zeitz/services/").json()

    assert [r["leika"] for r in body["results"]] == [
        "99000000000004",
        "99000000000001",
        "99000000000002",
    ]
    hund = body["results"][0]
    assert hund["online"] is True
    assert hund["local_fees"] == "12,00 EUR"
    assert hund["office"] == {
        "name": "Bürgerbüro",
        "street": "Altmarkt 1",
        "postcode": "06712",
        "city": "Zeitz",
        "opening_hours": "Mo 9–12 Uhr",
        "phone": "03441 83-0",
        "email": "buergerbuero@zeitz.example",
    }
    assert hund["apply_url"] == "http://testserver/zeitz/antrag/neu/99000000000004/"
    assert hund["authority"] == ""
    assert body["results"][1]["online"] is False
    # Switched online, but no form and no online service elsewhere: not online (ADR 0038).
    assert body["results"][2]["online"] is False
    assert body["results"][2]["apply_url"] == ""
    naumburg = client.get("/api/v1/naumburg/services/", {"q": "Pass"}).json()
    assert [r["leika"] for r in naumburg["results"]] == ["99000000000006"]
    assert naumburg["results"][0]["office"] is None


@pytest.mark.django_db
def test_module_switched_off_or_unknown_municipality(client, offer, zeitz, problem):
    zeitz.enabled_modules = ["news"]
    zeitz.save()
    assert problem(client.get("/api/v1/zeitz/services/"), 404)["type"].endswith("module-disabled")
    problem(client.get("/api/v1/atlantis/services/"), 404)


@pytest.mark.django_db
def test_query_counts_do_not_grow_with_the_data(client, offer, zeitz):
    def queries(url, params) -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url, params).status_code == 200
        return len(ctx.captured_queries)

    # Warms the cached vocabulary.
    before = client.get("/api/v1/services/", {"q": "Anmeldung"}).json()["count"]
    search_few = queries("/api/v1/services/", {"q": "Anmeldung"})
    client.get("/api/v1/zeitz/services/")  # warms the cached municipality
    list_few = queries("/api/v1/zeitz/services/", {})
    records = [
        Record(
            str(n),
            {
                "leika": f"990000000001{n:02d}",
                "name": f"Anmeldung Nummer {n}",
                "lebenslagen": [f"Lage {n}"],
            },
        )
        for n in range(30)
    ]
    catalogue_import(records=records)
    from revier.services.models import Service

    with scope(municipality=zeitz):
        for service in Service.objects.filter(name__startswith="Anmeldung Nummer"):
            local_service_set(municipality=zeitz, service=service, actor=None, online=True)

    assert client.get("/api/v1/services/", {"q": "Anmeldung"}).json()["count"] == before + 30
    # Candidates, services, their life situations.
    assert queries("/api/v1/services/", {"q": "Anmeldung"}) == search_few == 3
    assert client.get("/api/v1/zeitz/services/").json()["count"] == 33
    # Services, their overlays with offices, their life situations (municipality: cached), the
    # published forms (the ways to apply, ADR 0038) and the municipality's domains (apply_url).
    assert queries("/api/v1/zeitz/services/", {}) == list_few == 5
