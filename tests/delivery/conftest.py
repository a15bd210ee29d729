import datetime as dt
from contextlib import contextmanager
from decimal import Decimal

import pytest
from django_scopes import scope

from revier.delivery.package import (
    DeliveryPackage,
    PackageAttachment,
    PaymentInformation,
)
from tests.delivery.fitconnect_server import FitConnectServer

LEIKA = "99115001001000"  # placeholder key in the 99… format; the catalogue owns real keys
SERVICE = "Anmeldung einer Wohnung"


@contextmanager
def trusted_fitconnect_server(settings, tmp_path, *, leika: str = LEIKA):
    """The local FIT-Connect server with a destination for ``leika``, its test PKI's root
    configured as the trust anchor: the destinations' keys are checked as in production (x5c
    chain, key usage, CRLs)."""
    from revier.delivery import fitconnect

    server = FitConnectServer().start()
    server.destination = server.add_destination(services=[f"urn:de:fim:leika:leistung:{leika}"])
    anchors = tmp_path / "v-pki-root.pem"
    anchors.write_bytes(server.pki.root_pem())
    settings.FITCONNECT_TRUST_ANCHORS = str(anchors)
    fitconnect.caches_clear()
    try:
        yield server
    finally:
        server.stop()
        fitconnect.caches_clear()


def route_options(server) -> dict:
    """The FIT-Connect route options that send to ``server``'s destination."""
    return {
        "api_url": server.api_url,
        "token_url": server.token_url,
        "client_id": server.client_id,
        "client_secret": server.client_secret,
        "destination": server.destination.destination_id,
    }


@pytest.fixture
def fitconnect_server(settings, tmp_path):
    with trusted_fitconnect_server(settings, tmp_path) as server:
        yield server


@pytest.fixture
def zeitz_scope(zeitz):
    with scope(municipality=zeitz):
        yield zeitz


def make_package(municipality, *, reference="ZTZ-2026-000001", **overrides) -> DeliveryPackage:
    data = {
        "G00000001": {"F00000001": "Anna", "F00000002": "Schmidt"},
        "F00000010": "Schützenplatz 3, 06712 Zeitz",
        "F00000020": ["Ä", "ö", "ß"],
    }
    import json

    values = dict(
        municipality_id=municipality.pk,
        leika=LEIKA,
        service_name=SERVICE,
        reference=reference,
        data=json.dumps(data, ensure_ascii=False).encode(),
        data_schema_uri="https://zeitz.example/api/v1/zeitz/forms/7/schema.json",
        reply_email="anna.schmidt@example.org",
        sender_reference=reference,
        application_date=dt.date(2026, 3, 14),
        attachments=(
            PackageAttachment(
                filename="mietvertrag.pdf",
                mime_type="application/pdf",
                content=b"%PDF-1.7\n" + bytes(range(256)) * 40,
                purpose="attachment",
            ),
            PackageAttachment(
                filename="eingangsbestaetigung.pdf",
                mime_type="application/pdf",
                content=b"%PDF-1.7\nreceipt " + b"Zeitz" * 100,
                purpose="report",
            ),
        ),
        payment=PaymentInformation(
            transaction_id="9xxd-432x-6543",
            transaction_reference="KZ-2026-0042",
            payment_method="INVOICE",
            status="BOOKED",
            gross_amount=Decimal("12.30"),
        ),
    )
    values.update(overrides)
    return DeliveryPackage(**values)


@pytest.fixture
def fitconnect_route_factory(fitconnect_server):
    """Route the test service of a municipality (scope active) to the local server."""
    from revier.delivery.services import delivery_route_set

    def make(municipality):
        return delivery_route_set(
            municipality=municipality,
            leika=LEIKA,
            plugin="fitconnect",
            options=route_options(fitconnect_server),
        )

    return make


@pytest.fixture
def fitconnect_route(zeitz_scope, fitconnect_route_factory):
    return fitconnect_route_factory(zeitz_scope)


def handed_over(delivery):
    """What the built-in back-office route received for ``delivery``, decrypted and checked
    (scope active). The delivery's own package is removed once handed over."""
    from revier.delivery.models import ReceivedPackage
    from revier.delivery.services import received_package_open

    return received_package_open(received=ReceivedPackage.objects.get(delivery=delivery))
