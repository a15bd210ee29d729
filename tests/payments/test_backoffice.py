"""Back office of fees and the municipality's bank account."""

import re
from decimal import Decimal

import pytest
from django.utils import translation
from django_scopes import scope

from revier.core.models import AuditLogEntry
from revier.payments.models import Fee, PaymentAccount
from revier.payments.selectors import fee_options
from tests.applications.conftest import LEIKA
from tests.conftest import make_staff

pytestmark = pytest.mark.django_db

FEES = "/zeitz/backoffice/gebuehren/"
ACCOUNT = "/zeitz/backoffice/gebuehren/konto/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def _fee(zeitz) -> Fee:
    with scope(municipality=zeitz):
        return Fee.objects.select_related("local_service__service").get()


def test_fee_list_and_invoice_fee(client, zeitz, dog_form, zeitz_admin):
    client.force_login(zeitz_admin)
    listing = client.get(FEES)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "no fee set" in html
    assert f'href="{FEES}{LEIKA}/"' in html
    assert "No bank account yet" in html

    response = client.post(
        f"{FEES}{LEIKA}/",
        {
            "amount": "36.00",
            "label": "per dog and year",
            "policy": "nachgelagert",
            "plugin": "invoice",
        },
    )
    assert response.status_code == 302 and response["Location"] == FEES
    fee = _fee(zeitz)
    assert (fee.amount, fee.label, fee.policy, fee.plugin) == (
        Decimal("36.00"),
        "per dog and year",
        "nachgelagert",
        "invoice",
    )
    html = client.get(FEES).content.decode()
    assert "36.00 EUR" in html and "Invoice (bank transfer)" in html
    with scope(municipality=zeitz):
        assert AuditLogEntry.objects.filter(
            summary=f"Set the fee of {LEIKA} to 36.00 (nachgelagert)", actor=zeitz_admin
        ).exists()


def test_fee_bad_input_keeps_values(client, zeitz, dog_form, zeitz_admin):
    client.force_login(zeitz_admin)
    bad = client.post(
        f"{FEES}{LEIKA}/",
        {"amount": "-3", "label": "Gebühr je Hund", "policy": "optional", "plugin": "invoice"},
    )
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"amount"}
    html = bad.content.decode()
    assert 'value="Gebühr je Hund"' in html
    assert bad.context["form"]["policy"].value() == "optional"
    assert re.search(r"<input[^>]*value=\"optional\"[^>]*checked", html)

    # The provider plugin needs its options: errors at those fields, the rest kept.
    missing = client.post(
        f"{FEES}{LEIKA}/",
        {
            "amount": "12.50",
            "label": "",
            "policy": "verpflichtend",
            "plugin": "redirect",
            "merchant_id": "zeitz-1",
        },
    )
    assert missing.status_code == 400
    assert set(missing.context["form"].errors) == {"api_url", "secret"}
    assert 'value="12.50"' in missing.content.decode()
    assert 'value="zeitz-1"' in missing.content.decode()
    with scope(municipality=zeitz):
        assert not Fee.objects.exists()

    assert client.get(f"{FEES}99999999999999/").status_code == 404


def test_provider_secret_is_kept_and_never_shown(client, zeitz, dog_form, zeitz_admin):
    client.force_login(zeitz_admin)
    data = {
        "amount": "12.50",
        "label": "",
        "policy": "verpflichtend",
        "plugin": "redirect",
        "api_url": "http://127.0.0.1:9/pay",
        "merchant_id": "zeitz-1",
        "secret": "s3cret-value",
    }
    assert client.post(f"{FEES}{LEIKA}/", data).status_code == 302
    page = client.get(f"{FEES}{LEIKA}/")
    assert "s3cret-value" not in page.content.decode()
    assert "A shared secret of the payment provider is saved" in page.content.decode()

    # Saved again without a secret: the old one stays.
    assert (
        client.post(f"{FEES}{LEIKA}/", {**data, "amount": "15.00", "secret": ""}).status_code == 302
    )
    fee = _fee(zeitz)
    assert fee.amount == Decimal("15.00")
    assert "secret" not in fee.options
    assert fee_options(fee) == {
        "api_url": "http://127.0.0.1:9/pay",
        "merchant_id": "zeitz-1",
        "secret": "s3cret-value",
    }


def test_bank_account(client, zeitz, dog_form, zeitz_admin):
    client.force_login(zeitz_admin)
    assert client.get(ACCOUNT).status_code == 200
    data = {
        "account_holder": "Stadtkasse Zeitz",
        "iban": "DE02 1203 0000 0000 2020 51",
        "bic": "BYLADEM1001",
        "bank_name": "Sparkasse Burgenlandkreis",
        "kassenzeichen_prefix": "57",
        "payment_days": "21",
    }
    bad = client.post(ACCOUNT, {**data, "iban": "not an iban", "kassenzeichen_prefix": "5a"})
    assert bad.status_code == 400
    assert set(bad.context["form"].errors) == {"iban", "kassenzeichen_prefix"}
    assert 'value="Stadtkasse Zeitz"' in bad.content.decode()
    with scope(municipality=zeitz):
        assert not PaymentAccount.objects.exists()

    assert client.post(ACCOUNT, data)["Location"] == FEES
    with scope(municipality=zeitz):
        account = PaymentAccount.objects.get()
    assert (account.iban, account.kassenzeichen_prefix, account.payment_days) == (
        "DE02120300000000202051",
        "57",
        21,
    )
    html = client.get(FEES).content.decode()
    assert "DE02120300000000202051" in html
    assert client.get(ACCOUNT).context["form"].initial["account_holder"] == "Stadtkasse Zeitz"


def test_only_administrators_of_this_municipality(client, zeitz, naumburg, dog_form):
    client.force_login(make_staff(naumburg, "administrator"))
    assert client.get(FEES).status_code == 403
    client.force_login(make_staff(zeitz, "case_worker"))
    assert client.get(FEES).status_code == 403
    assert client.post(f"{FEES}{LEIKA}/", {"amount": "1"}).status_code == 403
    assert client.get(ACCOUNT).status_code == 403
    with scope(municipality=zeitz):
        assert not Fee.objects.exists()
