from pathlib import Path

import pytest
from django_scopes import scope

DATA = Path(__file__).parent / "data"


@pytest.fixture
def catalogue(db):
    """Seven services with made-up (valid) keys, indexed for search."""
    from revier.services.importers import read_file
    from revier.services.services import catalogue_import

    _fmt, records = read_file(DATA / "catalogue.json")
    result = catalogue_import(records=records)
    assert not result.refused
    from revier.services.models import Service

    return {s.leika: s for s in Service.objects.all()}


@pytest.fixture
def offer(zeitz, naumburg, catalogue):
    """Zeitz offers three services (two switched online, one with a published form), Naumburg
    one."""
    from revier.services.services import local_service_set, office_create

    zeitz.enabled_modules = ["news", "services"]
    zeitz.save()
    naumburg.enabled_modules = ["news", "services"]
    naumburg.save()
    with scope(municipality=zeitz):
        office = office_create(
            municipality=zeitz,
            actor=None,
            name="Bürgerbüro",
            street="Altmarkt 1",
            postcode="06712",
            city="Zeitz",
            phone="03441 83-0",
            email="buergerbuero@zeitz.example",
            opening_hours="Mo 9–12 Uhr",
        )
        for leika, online in (
            ("99000000000001", False),
            ("99000000000002", True),
            ("99000000000004", True),
        ):
            local_service_set(
                municipality=zeitz,
                service=catalogue[leika],
                actor=None,
                office=office,
                online=online,
                local_fees="12,00 EUR" if leika == "99000000000004" else "",
            )
        # Honest catalogue (ADR 0038): "online" needs a way to apply. The dog tax gets a
        # published form; 99000000000002 is switched online but has none, so it is not.
        from revier.forms.services import (
            form_create,
            form_field_add,
            form_step_add,
            form_version_publish,
        )

        version = form_create(
            municipality=zeitz, leika="99000000000004", title="Hundesteuer", actor=None
        )
        step = form_step_add(version=version, title="Ihr Hund", actor=None)
        form_field_add(
            version=version, step=step, label="Rasse", datatype="text", required=True, actor=None
        )
        form_version_publish(version=version, actor=None)
    with scope(municipality=naumburg):
        local_service_set(municipality=naumburg, service=catalogue["99000000000006"], actor=None)
    return {"office": office}


@pytest.fixture
def client():
    from django.test import Client

    # English pages: chosen with the language cookie (pages ignore Accept-Language, German first);
    # the header still serves the API.
    english = Client(headers={"Accept-Language": "en"})
    english.cookies["django_language"] = "en"
    return english


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def located(offer, zeitz):
    """The offer's office with the coordinates of Zeitz town hall."""
    from decimal import Decimal

    from revier.services.services import office_update

    with scope(municipality=zeitz):
        office_update(
            office=offer["office"],
            actor=None,
            latitude=Decimal("51.047900"),
            longitude=Decimal("12.138300"),
        )
    return offer["office"]
