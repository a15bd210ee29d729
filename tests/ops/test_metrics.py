"""Prometheus metrics (ADR 0035): /metrics only for operators, request metrics by route name
(bounded labels), Celery outcomes and queue lengths, the delivery age; the alert rules refer to
metrics Revier really exports."""

import os
import re
import secrets
import shutil
import subprocess
from datetime import timedelta

import pytest
import yaml
from celery import shared_task
from django.utils import timezone
from django_scopes import scope
from prometheus_client.parser import text_string_to_metric_families

from revier.core import metrics
from tests.ops.conftest import REPO

pytestmark = pytest.mark.django_db

TOKEN = "m" * 40
AUTH = {"Authorization": f"Bearer {TOKEN}"}
RULES = REPO / "deploy" / "prometheus" / "alerts.yml"
RULES_TESTS = REPO / "deploy" / "prometheus" / "alerts.test.yml"


@shared_task(name="tests.ops.test_metrics.works")
def works() -> int:
    return 1


@shared_task(name="tests.ops.test_metrics.breaks")
def breaks() -> int:
    raise RuntimeError("broken on purpose")


@pytest.fixture
def token(settings):
    settings.REVIER_METRICS_TOKEN = TOKEN
    settings.REVIER_METRICS_ALLOWED_IPS = []
    return TOKEN


def scrape(client) -> dict[str, list]:
    response = client.get("/metrics", headers=AUTH)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain; version=")
    assert response["Cache-Control"] == "no-store"
    return {
        family.name: family.samples
        for family in text_string_to_metric_families(response.content.decode())
    }


def value(families, name, **labels) -> float | None:
    for family_samples in families.values():
        for sample in family_samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return None


# --- protection ---------------------------------------------------------------------------------


def test_without_token_or_addresses_there_is_no_endpoint(client, settings):
    settings.REVIER_METRICS_TOKEN = ""
    settings.REVIER_METRICS_ALLOWED_IPS = []
    assert client.get("/metrics").status_code == 404


def test_the_token_opens_it_and_nothing_else_does(client, token):
    assert client.get("/metrics", headers=AUTH).status_code == 200
    wrong = client.get("/metrics", headers={"Authorization": "Bearer " + "x" * 40})
    assert wrong.status_code == 401
    assert wrong["WWW-Authenticate"] == 'Bearer realm="metrics"'
    assert wrong.content == b""
    assert client.get("/metrics", headers={"Authorization": f"Token {TOKEN}"}).status_code == 401
    assert client.get("/metrics").status_code == 401


def test_allowed_addresses_by_the_socket_peer_not_forwarded_headers(client, settings):
    settings.REVIER_METRICS_TOKEN = ""
    settings.REVIER_METRICS_ALLOWED_IPS = ["10.0.0.0/8", "::1"]
    # The test client's peer is 127.0.0.1; a forwarded address must not help.
    assert client.get("/metrics", headers={"X-Forwarded-For": "10.1.2.3"}).status_code == 403
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="not-an-ip").status_code == 403


def test_the_endpoint_answers_any_host_before_tenancy(client, token):
    # Prometheus scrapes a web process by address; ALLOWED_HOSTS must not stand in the way.
    response = client.get("/metrics", headers={**AUTH, "Host": "10.9.8.7:8001"})
    assert response.status_code == 200


def test_settings_refuse_a_bad_network():
    result = subprocess.run(
        [str(REPO / ".venv" / "bin" / "revier"), "check"],
        env={"REVIER_METRICS_ALLOWED_IPS": "10.0.0.0/8,nonsense", "PATH": "/usr/bin:/bin"},
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode != 0
    assert "REVIER_METRICS_ALLOWED_IPS" in result.stderr


# --- web ----------------------------------------------------------------------------------------


def test_requests_are_counted_by_route_name_not_path(client, token, zeitz):
    before = scrape(client)
    start = value(before, "revier_http_requests_total", route="portal:home", status="2xx") or 0
    assert client.get("/zeitz/").status_code == 200
    for _ in range(3):
        client.get(f"/zeitz/{secrets.token_hex(8)}/nirgends/")
    families = scrape(client)
    assert (
        value(families, "revier_http_requests_total", route="portal:home", method="GET")
        == start + 1
    )
    assert value(families, "revier_http_requests_total", route="unmatched", status="4xx") >= 3
    assert (
        value(
            families,
            "revier_http_request_duration_seconds_count",
            route="portal:home",
            method="GET",
        )
        >= 1
    )
    routes = {
        sample.labels["route"]
        for sample in families["revier_http_requests"]
        if sample.name == "revier_http_requests_total"
    }
    assert not [route for route in routes if "/" in route], routes  # never a raw path


def test_unknown_methods_share_one_label(client, token):
    client.generic("BREW", "/healthz")
    assert value(scrape(client), "revier_http_requests_total", route="healthz", method="other")


# --- celery and delivery ------------------------------------------------------------------------


def test_task_outcomes_are_counted(client, token):
    works.delay()
    works.delay()
    # Eager tasks that raise skip Celery's failure handling (the exception propagates to the
    # test); run as a worker runs them, the failure is handled and counted.
    assert breaks.apply(throw=False).failed()
    families = scrape(client)
    name = "revier_celery_tasks_total"
    assert value(families, name, task="tests.ops.test_metrics.works", state="succeeded") >= 2
    assert value(families, name, task="tests.ops.test_metrics.breaks", state="failed") >= 1


class FakeBroker:
    def __init__(self, lengths, unacked):
        self.replies = [*lengths, unacked]

    def pipeline(self, transaction):
        return self

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False

    def llen(self, queue):
        pass

    def hlen(self, key):
        assert key == "unacked"

    def execute(self):
        return self.replies

    def close(self):
        pass


def test_queue_lengths_come_from_the_broker(client, token, monkeypatch, settings):
    queues = settings.CELERY_TASK_QUEUES_NAMES
    monkeypatch.setattr(metrics, "_broker_client", lambda: FakeBroker(range(3, 3 + len(queues)), 7))
    families = scrape(client)
    assert value(families, "revier_celery_queue_length", queue="default") == 3
    assert value(families, "revier_celery_queue_length", queue=queues[-1]) == 2 + len(queues)
    assert value(families, "revier_celery_unacked_messages") == 7
    assert value(families, "revier_celery_broker_up") == 1

    def down():
        raise ConnectionError("broker down")

    class Down(FakeBroker):
        def execute(self):
            down()

    monkeypatch.setattr(metrics, "_broker_client", lambda: Down([], 0))
    families = scrape(client)  # still answers, and says the broker is down
    assert value(families, "revier_celery_broker_up") == 0


def _delivery(municipality, reference, status, age):
    from revier.delivery.models import Delivery

    with scope(municipality=municipality):
        delivery = Delivery.objects.create(
            municipality=municipality,
            reference=reference,
            leika="99115005104000",
            service_name="Anmeldung",
            package_sealed=b"",
            status=status,
        )
        Delivery.objects.filter(pk=delivery.pk).update(created_at=timezone.now() - age)


def test_delivery_gauges_over_all_municipalities(client, token, zeitz, naumburg):
    families = scrape(client)
    assert value(families, "revier_delivery_oldest_pending_age_seconds") == 0
    _delivery(zeitz, "ZTZ-1", "pending", timedelta(minutes=5))
    _delivery(naumburg, "NMB-1", "retrying", timedelta(hours=2))
    _delivery(naumburg, "NMB-2", "delivered", timedelta(days=3))
    _delivery(zeitz, "ZTZ-2", "failed", timedelta(days=9))

    families = scrape(client)
    age = value(families, "revier_delivery_oldest_pending_age_seconds")
    assert 7200 <= age < 7200 + 120
    assert value(families, "revier_deliveries", status="pending") == 1
    assert value(families, "revier_deliveries", status="retrying") == 1
    assert value(families, "revier_deliveries", status="failed") == 1
    assert value(families, "revier_deliveries", status="delivered") is None


def test_a_scrape_costs_the_same_queries_however_many_municipalities(
    client, token, zeitz, naumburg, django_assert_max_num_queries
):
    with django_assert_max_num_queries(2):
        scrape(client)


# --- alert rules --------------------------------------------------------------------------------


def _exported_names(client, monkeypatch, settings) -> set[str]:
    queues = settings.CELERY_TASK_QUEUES_NAMES
    monkeypatch.setattr(metrics, "_broker_client", lambda: FakeBroker([0] * len(queues), 0))
    works.delay()
    client.get("/healthz")
    return {sample.name for samples in scrape(client).values() for sample in samples}


def test_alert_rules_are_well_formed_and_use_exported_metrics(client, token, monkeypatch, settings):
    rules = yaml.safe_load(RULES.read_text())
    exported = _exported_names(client, monkeypatch, settings)
    alerts = [rule for group in rules["groups"] for rule in group["rules"]]
    assert {group["name"] for group in rules["groups"]}
    names = {rule["alert"] for rule in alerts}
    assert len(names) == len(alerts)
    for rule in alerts:
        assert set(rule) <= {"alert", "expr", "for", "labels", "annotations"}, rule
        assert re.fullmatch(r"[A-Z][A-Za-z0-9]+", rule["alert"])
        assert re.fullmatch(r"\d+[smh]", rule["for"]), rule
        assert rule["labels"]["severity"] in {"warning", "critical"}
        assert rule["annotations"]["summary"] and rule["annotations"]["description"]
        used = set(re.findall(r"\brevier_[a-z_]+", rule["expr"]))
        assert used, rule["expr"]
        assert used <= exported, f"{rule['alert']} uses {used - exported}"
        assert rule["expr"].count("(") == rule["expr"].count(")")
    # What the issue asks alerts for.
    for needed in (
        "revier_delivery_oldest_pending_age_seconds",
        "revier_celery_queue_length",
        "revier_celery_tasks_total",
        "revier_http_requests_total",
    ):
        assert any(needed in rule["expr"] for rule in alerts), needed


PROMTOOL = os.environ.get("PROMTOOL") or shutil.which("promtool")


@pytest.mark.skipif(PROMTOOL is None, reason="promtool not installed (Debian: prometheus)")
def test_promtool_accepts_the_rules_and_their_unit_tests():
    for command in (["check", "rules", str(RULES)], ["test", "rules", str(RULES_TESTS)]):
        result = subprocess.run(
            [PROMTOOL, *command],
            capture_output=True,
            text=True,
            timeout=120,
            check=False,
        )
        assert result.returncode == 0, result.stdout + result.stderr
        assert "SUCCESS" in result.stdout
