"""The back-office page listing the municipality's deliveries."""

import pytest
from django.utils import translation
from django_scopes import scope

from revier.delivery.models import Delivery
from revier.delivery.services import delivery_enqueue
from tests.backoffice.conftest import mu_url
from tests.conftest import make_staff
from tests.delivery.conftest import make_package

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _english(settings):
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def waiting(municipality, reference, **fields):
    with scope(municipality=municipality):
        delivery = delivery_enqueue(package=make_package(municipality, reference=reference))
        Delivery.objects.filter(pk=delivery.pk).update(**fields)
        return delivery


def test_case_worker_sees_status_and_last_error_of_this_municipality_only(client, zeitz, naumburg):
    waiting(
        zeitz,
        "ZTZ-1",
        status="retrying",
        attempts=3,
        last_error="token: ConnectError: connection refused",
    )
    waiting(zeitz, "ZTZ-2", status="delivered", attempts=1, submission_id="f00-ba5")
    waiting(naumburg, "NMB-1", status="failed", last_error="Naumburg only")
    client.force_login(make_staff(zeitz, "case_worker"))

    response = client.get(mu_url(zeitz, "delivery:list"))

    assert response.status_code == 200
    rows = [(d.reference, d.status, d.attempts) for d in response.context["page"].object_list]
    assert sorted(rows) == [("ZTZ-1", "retrying", 3), ("ZTZ-2", "delivered", 1)]
    html = response.content.decode()
    assert "token: ConnectError: connection refused" in html
    assert "failed, will be retried" in html
    assert "f00-ba5" in html
    assert "Naumburg only" not in html
    # Case workers may look, not resend.
    assert "Send ZTZ-1 again" not in html

    filtered = client.get(mu_url(zeitz, "delivery:list") + "?status=delivered")
    assert [d.reference for d in filtered.context["page"].object_list] == ["ZTZ-2"]


def test_a_delivery_not_yet_attempted_shows_the_route_it_will_take(client, zeitz):
    from revier.delivery.services import delivery_route_set

    waiting(zeitz, "ZTZ-1")  # no route: the own back office
    client.force_login(make_staff(zeitz, "case_worker"))
    [row] = client.get(mu_url(zeitz, "delivery:list")).context["page"].object_list
    assert (row.plugin, row.route_label) == ("", "Own back office")

    with scope(municipality=zeitz):
        delivery_route_set(
            municipality=zeitz,
            leika=row.leika,
            plugin="email",
            options={"address": "poststelle@zeitz.example"},
        )
    [row] = client.get(mu_url(zeitz, "delivery:list")).context["page"].object_list
    assert row.route_label == "E-mail to an office"


def test_other_roles_are_refused(client, zeitz):
    client.force_login(make_staff(zeitz, "moderator"))
    assert client.get(mu_url(zeitz, "delivery:list")).status_code == 403


def test_administrator_sends_a_failed_delivery_again(
    client, zeitz, zeitz_admin, django_capture_on_commit_callbacks
):
    delivery = waiting(zeitz, "ZTZ-9", status="failed", attempts=15, last_error="gave up")
    client.force_login(zeitz_admin)
    page = client.get(mu_url(zeitz, "delivery:list")).content.decode()
    assert "Send ZTZ-9 again" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(mu_url(zeitz, "delivery:retry", pk=delivery.pk))

    assert response.status_code == 302
    with scope(municipality=zeitz):
        delivery.refresh_from_db()
    # No route is configured, so the built-in back-office route takes it.
    assert (delivery.status, delivery.attempts, delivery.plugin) == ("delivered", 16, "backoffice")


def test_the_authoritys_answer_is_shown(client, zeitz):
    from django.utils import timezone

    now = timezone.now()
    delivered = {"status": "delivered", "plugin": "fitconnect", "delivered_at": now}
    waiting(zeitz, "ZTZ-A", answer="accepted", answered_at=now, **delivered)
    waiting(
        zeitz,
        "ZTZ-R",
        answer="rejected",
        answered_at=now,
        answer_problems=[{"title": "Fachdaten unvollständig", "detail": "Geburtsdatum fehlt"}],
        **delivered,
    )
    waiting(
        zeitz,
        "ZTZ-W",
        answer_next_check_at=now,
        answer_error="events: the signature does not verify",
        **delivered,
    )
    client.force_login(make_staff(zeitz, "case_worker"))

    html = client.get(mu_url(zeitz, "delivery:list")).content.decode()

    assert "Accepted by the authority" in html
    assert "Rejected by the authority" in html
    assert "Fachdaten unvollständig: Geburtsdatum fehlt" in html
    assert "No answer from the authority yet." in html
    assert "events: the signature does not verify" in html
