""" "Verbindung testen" of a fee's payment method: the redirect provider against the local
provider simulator, the invoice as a local plugin; refused for other municipalities."""

import pytest
from django.utils import translation
from django_scopes import scope

from revier.payments.models import Fee
from tests.applications.conftest import LEIKA
from tests.conftest import make_staff
from tests.payments.provider_simulator import ProviderSimulator

pytestmark = pytest.mark.django_db

FEES = "/zeitz/backoffice/gebuehren/"
CHECK = f"{FEES}{LEIKA}/verbindung-testen/"


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


@pytest.fixture
def simulator():
    server = ProviderSimulator().start()
    yield server
    server.stop()


def _save_redirect_fee(client, api_url: str):
    data = {
        "amount": "12.50",
        "label": "",
        "policy": "verpflichtend",
        "plugin": "redirect",
        "api_url": api_url,
        "merchant_id": "zeitz-kasse",
        "secret": "sim-secret-123",
    }
    assert client.post(f"{FEES}{LEIKA}/", data).status_code == 302


def test_redirect_provider_reachable(client, zeitz, dog_form, zeitz_admin, simulator):
    client.force_login(zeitz_admin)
    _save_redirect_fee(client, simulator.url)
    page = client.get(f"{FEES}{LEIKA}/")
    assert f'action="{CHECK}"' in page.content.decode()
    assert client.get(CHECK).status_code == 405

    result = client.post(CHECK)
    assert result.status_code == 200
    html = result.content.decode()
    assert 'class="kern-alert kern-alert--success"' in html
    assert "The payment provider answers." in html
    assert "Merchant zeitz-kasse; payments are signed with the saved secret." in html
    assert "sim-secret-123" not in html
    assert simulator.payments == {}  # nothing was paid


def test_unreachable_provider_shows_the_reason(client, zeitz, dog_form, zeitz_admin):
    client.force_login(zeitz_admin)
    _save_redirect_fee(client, "http://127.0.0.1:9/pay")
    html = client.post(CHECK).content.decode()
    assert 'class="kern-alert kern-alert--danger"' in html
    assert "The payment provider is not reachable." in html
    assert "http://127.0.0.1:9/pay: ConnectError" in html
    assert "Traceback" not in html


def test_invoice_is_local_and_ok(client, zeitz, dog_form, zeitz_admin):
    client.force_login(zeitz_admin)
    data = {"amount": "36.00", "label": "", "policy": "nachgelagert", "plugin": "invoice"}
    assert client.post(f"{FEES}{LEIKA}/", data).status_code == 302
    html = client.post(CHECK).content.decode()
    assert "Works on this installation, nothing to connect to." in html
    assert "the cash office books the transfer" in html


def test_no_fee_no_check_and_other_municipalities_refused(client, zeitz, naumburg, dog_form):
    client.force_login(make_staff(zeitz))
    assert client.post(CHECK).status_code == 404  # no fee saved yet
    client.force_login(make_staff(naumburg))
    assert client.post(CHECK).status_code == 403
    # In Naumburg's own back office, Zeitz's service is not offered.
    assert (
        client.post(f"/naumburg/backoffice/gebuehren/{LEIKA}/verbindung-testen/").status_code == 404
    )
    client.force_login(make_staff(zeitz, "case_worker"))
    assert client.post(CHECK).status_code == 403
    with scope(municipality=zeitz):
        assert not Fee.objects.exists()
