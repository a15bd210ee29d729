"""Fees with the invoice method and with the redirect provider against the local simulator."""

import io
from decimal import Decimal

import httpx
import pytest
from django.core import mail
from django_scopes import scope, scopes_disabled
from pypdf import PdfReader

from revier.applications.models import Application
from revier.delivery.models import Delivery
from revier.payments.models import Fee, Payment
from revier.payments.services import fee_set, kassenzeichen, payment_account_set
from tests.applications.test_journey import _fill_all, _login, _start
from tests.delivery.conftest import handed_over
from tests.payments.provider_simulator import ProviderSimulator


@pytest.fixture(autouse=True)
def _english(settings):
    from django.utils import translation

    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def provider():
    simulator = ProviderSimulator().start()
    yield simulator
    simulator.stop()


def _fee(zeitz, dog_form, **kwargs):
    with scope(municipality=zeitz):
        payment_account_set(
            municipality=zeitz,
            account_holder="Stadtkasse Zeitz",
            iban="DE02 1203 0000 0000 2020 51",
            bic="BYLADEM1001",
            bank_name="Sparkasse Burgenlandkreis",
        )
        return fee_set(local_service=dog_form["local"], amount=Decimal("36.00"), **kwargs)


def test_kassenzeichen_has_luhn_check_digit():
    assert kassenzeichen(reference="ZEI-2026-000123", prefix="5") == "520260001232"


def test_invoice_afterwards(client, zeitz, dog_form, resident, django_capture_on_commit_callbacks):
    _fee(zeitz, dog_form, policy=Fee.Policy.AFTERWARDS, plugin="invoice")
    _login(client, resident)
    application = _start(client)
    ref = application.reference
    _fill_all(client, ref)
    assert (
        "The fee for this service is 36.00 EUR."
        in client.get(f"/zeitz/antrag/{ref}/pruefen/").content.decode()
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/zeitz/antrag/{ref}/pruefen/", {"declaration": "yes"})
    with scope(municipality=zeitz):
        payment = Payment.objects.get()
        package = handed_over(Delivery.objects.get())
    assert (payment.method, payment.status, payment.amount) == (
        "INVOICE",
        "INITIAL",
        Decimal("36.00"),
    )
    assert payment.transaction_reference == kassenzeichen(reference=ref, prefix="5")
    # What the office received carries the payment in the FIT-Connect metadata.
    paid = package.metadata["paymentInformation"]
    assert paid["paymentMethod"] == "INVOICE"
    assert paid["transactionReference"] == payment.transaction_reference
    assert Decimal(str(paid["grossAmount"])) == Decimal("36.00")
    page = client.get(f"/zeitz/antrag/{ref}/").content.decode()
    assert payment.transaction_reference in page and "DE02120300000000202051" in page
    receipt = client.get(f"/zeitz/antrag/{ref}/eingangsbestaetigung.pdf").content
    text = PdfReader(io.BytesIO(receipt)).pages[0].extract_text()
    for expected in (
        "36.00 EUR",
        payment.transaction_reference,
        "DE02120300000000202051",
        "Stadtkasse Zeitz",
    ):
        assert expected in text
    assert payment.transaction_reference in mail.outbox[0].body


def _required_redirect(zeitz, dog_form, provider):
    return _fee(
        zeitz,
        dog_form,
        policy=Fee.Policy.REQUIRED,
        plugin="redirect",
        options={
            "api_url": provider.url,
            "merchant_id": provider.merchant_id,
            "secret": provider.secret,
        },
    )


def _submit_and_pay(client, provider, ref, outcome, capture):
    with capture(execute=True):
        client.post(f"/zeitz/antrag/{ref}/pruefen/", {"declaration": "yes"})
    response = client.post(f"/zeitz/antrag/{ref}/bezahlen/")
    assert response.status_code == 302 and response["Location"].startswith(provider.url + "/pay/")
    return httpx.post(response["Location"], json={"outcome": outcome}).json()


def test_redirect_provider_success(
    client, zeitz, dog_form, resident, provider, django_capture_on_commit_callbacks
):
    fee = _required_redirect(zeitz, dog_form, provider)
    assert "secret" not in fee.options and fee.secrets_sealed
    _login(client, resident)
    ref = _start(client).reference
    _fill_all(client, ref)
    notification = _submit_and_pay(
        client, provider, ref, "success", django_capture_on_commit_callbacks
    )
    with scopes_disabled():
        assert Application.objects.get().status == Application.Status.AWAITING_PAYMENT
        assert not Delivery.objects.exists()  # verpflichtend: not handed over before payment
    assert notification["return_url"] == f"http://testserver/zeitz/antrag/{ref}/"
    path = notification["notify_url"].replace("http://testserver", "")
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in notification["headers"].items()}
    with django_capture_on_commit_callbacks(execute=True):
        response = client.generic(
            "POST", path, notification["body"], content_type="application/json", **headers
        )
    assert response.status_code == 204
    with scope(municipality=zeitz):
        payment = Payment.objects.get()
        package = handed_over(Delivery.objects.get())
        assert Application.objects.get().status == Application.Status.SUBMITTED
    assert (payment.status, payment.method) == ("BOOKED", "CREDITCARD")
    paid = package.metadata["paymentInformation"]
    assert paid["status"] == "BOOKED"
    assert paid["paymentMethod"] == "CREDITCARD"
    assert paid["transactionId"] == payment.transaction_id
    # Replayed notification: nothing happens twice.
    with django_capture_on_commit_callbacks(execute=True):
        client.generic(
            "POST", path, notification["body"], content_type="application/json", **headers
        )
    with scopes_disabled():
        assert Delivery.objects.count() == 1


def test_redirect_provider_failure_and_tampering(
    client, zeitz, dog_form, resident, provider, django_capture_on_commit_callbacks
):
    _required_redirect(zeitz, dog_form, provider)
    _login(client, resident)
    ref = _start(client).reference
    _fill_all(client, ref)
    notification = _submit_and_pay(
        client, provider, ref, "failure", django_capture_on_commit_callbacks
    )
    path = notification["notify_url"].replace("http://testserver", "")
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in notification["headers"].items()}
    # Tampered: the body says BOOKED, the signature was made for FAILED.
    forged = notification["body"].replace("FAILED", "BOOKED")
    response = client.generic("POST", path, forged, content_type="application/json", **headers)
    assert response.status_code == 400
    wrong = {**headers, "HTTP_X_SIGNATURE": "0" * 64}
    assert (
        client.generic(
            "POST", path, notification["body"], content_type="application/json", **wrong
        ).status_code
        == 400
    )
    with scopes_disabled():
        assert Payment.objects.get().status == "INITIAL"
    response = client.generic(
        "POST", path, notification["body"], content_type="application/json", **headers
    )
    assert response.status_code == 204
    with scopes_disabled():
        assert Payment.objects.get().status == "FAILED"
        assert Application.objects.get().status == Application.Status.FAILED
        assert not Delivery.objects.exists()
    page = client.get(f"/zeitz/antrag/{ref}/").content.decode()
    assert "The payment did not go through." in page and "Pay now" in page
