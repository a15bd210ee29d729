"""Public catalogue pages and the back office of the local offer."""

import pytest
from django_scopes import scope

from revier.services.models import LocalService, Office
from tests.conftest import make_staff


@pytest.mark.django_db
def test_public_search_page_lists_the_offer_with_marker_and_office(client, offer):
    response = client.get("/zeitz/leistungen/", {"q": "Hund"})

    assert response.status_code == 200
    html = response.content.decode()
    assert "1 service found" in html
    assert 'href="/zeitz/leistungen/99000000000004/"' in html
    assert "Available online" in html
    assert "Responsible: Bürgerbüro" in html
    assert "Personalausweis" not in html


@pytest.mark.django_db
def test_browse_by_themenfeld_and_htmx_partial(client, offer):
    html = client.get("/zeitz/leistungen/", {"themenfeld": "querschnitt"}).content.decode()
    assert "Personalausweis Ausstellung" in html
    assert "Hundesteuer" not in html

    partial = client.get("/zeitz/leistungen/", {"q": "umzug"}, headers={"HX-Request": "true"})
    text = partial.content.decode()
    assert "<html" not in text
    assert "Wohnsitz Anmeldung" in text


@pytest.mark.django_db
def test_detail_shows_local_fees_and_office(client, offer):
    html = client.get("/zeitz/leistungen/99000000000004/").content.decode()
    assert "<h1" in html and "Hundesteuer Anmeldung" in html
    assert "12,00 EUR" in html
    assert "buergerbuero@zeitz.example" in html
    assert "99000000000004" in html


@pytest.mark.django_db
def test_service_not_offered_here_is_404(client, offer):
    assert client.get("/zeitz/leistungen/99000000000006/").status_code == 404  # Naumburg's
    assert client.get("/naumburg/leistungen/99000000000006/").status_code == 200
    assert client.get("/zeitz/leistungen/unsinn/").status_code == 404


@pytest.mark.django_db
def test_module_switched_off(client, offer, zeitz):
    zeitz.enabled_modules = ["news"]
    zeitz.save()
    assert client.get("/zeitz/leistungen/").status_code == 404


# --- back office -----------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize(("role", "status"), [("moderator", 403), ("case_worker", 200)])
def test_back_office_needs_the_permission(client, offer, zeitz, role, status):
    client.force_login(make_staff(zeitz, role))
    assert client.get("/zeitz/backoffice/leistungen/").status_code == status


@pytest.mark.django_db
def test_staff_add_an_office_and_offer_a_service(client, offer, zeitz, zeitz_admin, catalogue):
    client.force_login(zeitz_admin)

    response = client.post("/zeitz/backoffice/leistungen/stellen/neu/", {"name": "Bürgerbüro"})
    assert response.status_code == 400
    assert "There is already an office with this name." in response.content.decode()

    response = client.post(
        "/zeitz/backoffice/leistungen/stellen/neu/",
        {"name": "Standesamt", "email": "standesamt@zeitz.example", "postcode": "06712"},
    )
    assert response.status_code == 302
    with scope(municipality=zeitz):
        office = Office.objects.get(name="Standesamt")

    page = client.get("/zeitz/backoffice/leistungen/", {"q": "Pass"}).content.decode()
    assert "?leika=99000000000006" in page

    response = client.post(
        "/zeitz/backoffice/leistungen/anbieten/",
        {
            "leika": "99000000000006",
            "office": office.pk,
            "online": "on",
            "active": "on",
            "local_fees": "60,00 EUR",
        },
    )
    assert response.status_code == 302
    with scope(municipality=zeitz):
        local = LocalService.objects.get(service__leika="99000000000006")
    assert (local.office, local.online, local.active, local.local_fees) == (
        office,
        True,
        True,
        "60,00 EUR",
    )
    assert client.get("/zeitz/leistungen/99000000000006/").status_code == 200

    response = client.post("/zeitz/backoffice/leistungen/anbieten/", {"leika": "99123456789012"})
    assert response.status_code == 400
    assert "There is no service with this key in the catalogue." in response.content.decode()


@pytest.mark.django_db
def test_office_in_use_cannot_be_removed_and_offer_can_be_withdrawn(
    client, offer, zeitz, zeitz_admin
):
    client.force_login(zeitz_admin)
    office = offer["office"]
    response = client.post(f"/zeitz/backoffice/leistungen/stellen/{office.pk}/entfernen/")
    assert response.status_code == 400
    assert "still responsible for services" in response.content.decode()

    with scope(municipality=zeitz):
        local = LocalService.objects.get(service__leika="99000000000004")
    response = client.post(f"/zeitz/backoffice/leistungen/angebot/{local.pk}/", {"active": ""})
    assert response.status_code == 302
    assert client.get("/zeitz/leistungen/99000000000004/").status_code == 404
    response = client.post(f"/zeitz/backoffice/leistungen/angebot/{local.pk}/entfernen/")
    assert response.status_code == 302
    with scope(municipality=zeitz):
        assert not LocalService.objects.filter(pk=local.pk).exists()


@pytest.mark.django_db
def test_other_municipalitys_objects_are_404(client, offer, naumburg, naumburg_admin, zeitz):
    client.force_login(naumburg_admin)
    office = offer["office"]  # Zeitz's
    assert client.get(f"/naumburg/backoffice/leistungen/stellen/{office.pk}/").status_code == 404
    with scope(municipality=zeitz):
        local = LocalService.objects.first()
    assert client.get(f"/naumburg/backoffice/leistungen/angebot/{local.pk}/").status_code == 404
    # And the office of another municipality cannot be made responsible here.
    response = client.post(
        "/naumburg/backoffice/leistungen/anbieten/",
        {"leika": "99000000000001", "office": office.pk},
    )
    assert response.status_code == 400
