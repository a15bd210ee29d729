"""The XBezahldienste policies ``optional`` and ``inaktiv``: what the resident is offered, what
the submission does (status, payment, hand-over) and what the office receives."""

from decimal import Decimal

import httpx
import pytest
from django_scopes import scope, scopes_disabled

from revier.applications.models import Application
from revier.delivery.models import Delivery
from revier.payments.models import Fee, Payment
from revier.payments.services import kassenzeichen
from tests.applications.test_journey import _fill_all, _login, _start
from tests.delivery.conftest import handed_over
from tests.payments.test_payments import _english, _fee, provider  # noqa: F401

CHOICE = "How do you want to pay?"
FEE_TEXT = "The fee for this service is 36.00 EUR."


def _provider_options(simulator):
    return {
        "api_url": simulator.url,
        "merchant_id": simulator.merchant_id,
        "secret": simulator.secret,
    }


def _notify(client, notification, capture):
    path = notification["notify_url"].replace("http://testserver", "")
    headers = {f"HTTP_{k.upper().replace('-', '_')}": v for k, v in notification["headers"].items()}
    with capture(execute=True):
        return client.generic(
            "POST", path, notification["body"], content_type="application/json", **headers
        )


# policy, plugin, what the resident posts as "payment", whether the choice is offered,
# expected status after submit, expected payment (method, status) or None, whether the
# office receives the application right away (and then with paymentInformation?).
CASES = [
    pytest.param(
        Fee.Policy.OPTIONAL,
        "redirect",
        "online",
        True,
        Application.Status.AWAITING_PAYMENT,
        None,
        False,
        id="optional-redirect-pays-online",
    ),
    pytest.param(
        Fee.Policy.OPTIONAL,
        "redirect",
        "invoice",
        True,
        Application.Status.SUBMITTED,
        ("INVOICE", "INITIAL"),
        True,
        id="optional-redirect-chooses-invoice",
    ),
    pytest.param(
        Fee.Policy.OPTIONAL,
        "invoice",
        None,
        False,
        Application.Status.SUBMITTED,
        ("INVOICE", "INITIAL"),
        True,
        id="optional-invoice-plugin",
    ),
    pytest.param(
        Fee.Policy.INACTIVE,
        "redirect",
        "online",  # posted anyway (forged form): must not start an online payment
        False,
        Application.Status.SUBMITTED,
        None,
        True,
        id="inactive-redirect-plugin",
    ),
    pytest.param(
        Fee.Policy.INACTIVE,
        "invoice",
        None,
        False,
        Application.Status.SUBMITTED,
        None,
        True,
        id="inactive-invoice-plugin",
    ),
]


@pytest.mark.parametrize(
    ("policy", "plugin", "choice", "offered", "status", "expected_payment", "delivered"), CASES
)
def test_payment_policy_on_submit(
    policy,
    plugin,
    choice,
    offered,
    status,
    expected_payment,
    delivered,
    client,
    zeitz,
    dog_form,
    resident,
    provider,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    options = _provider_options(provider) if plugin == "redirect" else {}
    _fee(zeitz, dog_form, policy=policy, plugin=plugin, options=options)
    _login(client, resident)
    ref = _start(client).reference
    _fill_all(client, ref)

    check = client.get(f"/zeitz/antrag/{ref}/pruefen/").content.decode()
    assert (CHOICE in check) is offered
    # inaktiv: no fee is shown at all; optional: the fee is announced.
    assert (FEE_TEXT in check) is (policy == Fee.Policy.OPTIONAL)

    post = {"declaration": "yes"}
    if choice is not None:
        post["payment"] = choice
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"/zeitz/antrag/{ref}/pruefen/", post)
    assert response.status_code == 302 and response["Location"] == f"/zeitz/antrag/{ref}/"

    with scope(municipality=zeitz):
        application = Application.objects.get()
        assert application.status == status
        assert application.pay_online is (status == Application.Status.AWAITING_PAYMENT)
        payments = list(Payment.objects.values_list("method", "status", "amount"))
        if expected_payment is None:
            assert payments == []
        else:
            assert payments == [(*expected_payment, Decimal("36.00"))]
        assert Delivery.objects.exists() is delivered
        if delivered:
            metadata = handed_over(Delivery.objects.get()).metadata
            if expected_payment is None:
                assert "paymentInformation" not in metadata
            else:
                paid = metadata["paymentInformation"]
                assert (paid["paymentMethod"], paid["status"]) == expected_payment
                assert paid["transactionReference"] == kassenzeichen(reference=ref, prefix="5")
                assert Decimal(str(paid["grossAmount"])) == Decimal("36.00")

    page = client.get(f"/zeitz/antrag/{ref}/").content.decode()
    assert ("Pay now" in page) is (status == Application.Status.AWAITING_PAYMENT)
    if policy == Fee.Policy.INACTIVE:
        # No payment step at all: paying is refused.
        refused = client.post(f"/zeitz/antrag/{ref}/bezahlen/")
        assert refused.status_code == 302 and refused["Location"] == f"/zeitz/antrag/{ref}/"
        with scopes_disabled():
            assert not Payment.objects.exists()
            assert Application.objects.get().status == Application.Status.SUBMITTED


def _apply_and_pay(client, zeitz, dog_form, resident, simulator, capture, *, policy):
    """A resident applies with a fee paid through the provider simulator (online) and is sent
    to the provider: the redirect response."""
    _fee(zeitz, dog_form, policy=policy, plugin="redirect", options=_provider_options(simulator))
    _login(client, resident)
    ref = _start(client).reference
    _fill_all(client, ref)
    with capture(execute=True):
        client.post(f"/zeitz/antrag/{ref}/pruefen/", {"declaration": "yes", "payment": "online"})
    return client.post(f"/zeitz/antrag/{ref}/bezahlen/")


def test_optional_online_is_handed_over_once_booked(
    client,
    zeitz,
    dog_form,
    resident,
    provider,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    response = _apply_and_pay(
        client,
        zeitz,
        dog_form,
        resident,
        provider,
        django_capture_on_commit_callbacks,
        policy=Fee.Policy.OPTIONAL,
    )
    assert response.status_code == 302 and response["Location"].startswith(provider.url + "/pay/")
    with scopes_disabled():
        assert Payment.objects.get().status == "INITIAL"
        assert Application.objects.get().status == Application.Status.AWAITING_PAYMENT
        assert not Delivery.objects.exists()  # waits for the payment
    notification = httpx.post(response["Location"], json={"outcome": "success"}).json()
    assert _notify(client, notification, django_capture_on_commit_callbacks).status_code == 204
    with scope(municipality=zeitz):
        payment = Payment.objects.get()
        assert Application.objects.get().status == Application.Status.SUBMITTED
        paid = handed_over(Delivery.objects.get()).metadata["paymentInformation"]
    assert (payment.status, payment.method) == ("BOOKED", "CREDITCARD")
    assert (paid["status"], paid["paymentMethod"]) == ("BOOKED", "CREDITCARD")
    assert paid["transactionId"] == payment.transaction_id
    assert Decimal(str(paid["grossAmount"])) == Decimal("36.00")


def test_payment_reported_after_retention_is_recorded_but_hands_nothing_over(
    client,
    zeitz,
    dog_form,
    resident,
    provider,  # noqa: F811
    django_capture_on_commit_callbacks,
):
    from django.utils import timezone

    from revier.applications.services import retention_policy_set
    from revier.applications.tasks import apply_retention
    from revier.core.models import AuditLogEntry

    response = _apply_and_pay(
        client,
        zeitz,
        dog_form,
        resident,
        provider,
        django_capture_on_commit_callbacks,
        policy=Fee.Policy.REQUIRED,
    )
    notification = httpx.post(response["Location"], json={"outcome": "success"}).json()
    # The provider's report is held back until the unpaid application's retention has run.
    with scope(municipality=zeitz):
        retention_policy_set(
            form=dog_form["version"].form,
            draft_days=10,
            submitted_days=1000,
            failed_days=50,
            action="anonymise",
        )
        Application.objects.update(updated_at=timezone.now() - timezone.timedelta(days=100))
    assert apply_retention()["zeitz"]["anonymised"] == 1

    assert _notify(client, notification, django_capture_on_commit_callbacks).status_code == 204

    with scope(municipality=zeitz):
        application = Application.objects.get()
        payment = Payment.objects.get()
        assert application.status == Application.Status.AWAITING_PAYMENT
        assert application.anonymised_at is not None and application.data == {}
        assert not Delivery.objects.exists()
        assert AuditLogEntry.objects.filter(
            summary__contains="after the application's retention ended"
        ).exists()
    assert payment.status == "BOOKED"  # recorded for the treasury to refund
