"""Liveness and readiness probes for load balancers and orchestrators."""

import json

import pytest

from tests.ops.conftest import clean_env, closed_port, run_python


@pytest.mark.django_db
def test_healthz_answers_without_touching_the_database(client, django_assert_num_queries):
    with django_assert_num_queries(0):
        response = client.get("/healthz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readyz_reports_each_dependency(client):
    response = client.get("/readyz", HTTP_HOST="10.0.0.7")

    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert set(body["checks"]) == {"database", "cache", "broker"}
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["cache"] == "ok"
    # Tests run tasks in-process; with a broker URL (CI) the broker is checked for real.
    assert body["checks"]["broker"] in {"ok", "ok (in-process)"}


def _readyz(env) -> dict:
    result = run_python("_readyz_probe.py", env, timeout=60)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_readyz_is_503_when_the_database_is_unreachable(data_dir):
    env = clean_env(data_dir, DATABASE_URL=f"postgres://postgres@127.0.0.1:{closed_port()}/revier")

    answer = _readyz(env)

    assert answer["status"] == 503
    assert answer["content_type"] == "application/json"
    assert answer["body"] == {
        "status": "unavailable",
        "checks": {
            "database": "error: OperationalError",
            "cache": "ok",
            "broker": "ok (in-process)",
        },
    }


def test_readyz_is_503_when_redis_is_unreachable(data_dir):
    env = clean_env(data_dir, REDIS_URL=f"redis://127.0.0.1:{closed_port()}/0")

    answer = _readyz(env)

    assert answer["status"] == 503
    assert answer["body"]["status"] == "unavailable"
    assert answer["body"]["checks"]["database"] == "ok"
    assert answer["body"]["checks"]["cache"] == "error: ConnectionError"
    assert answer["body"]["checks"]["broker"] == "error: OperationalError"
    # Bounded: a dead broker must not hang the probe.
    assert answer["seconds"] < 10
