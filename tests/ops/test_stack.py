"""The production shape on one machine: two gunicorn web processes and one Celery worker against
PostgreSQL and Redis on loopback.

Proves that web processes are stateless (a session made on one is valid on the other) and that
work really goes through the queue (the worker, not the web process, writes the e-mail).
Everything is bounded in time; processes are always terminated and the database dropped.
Redis is a private ``redis-server`` on a free port (as ``.ci/run`` starts one), so the test never
touches a Redis anyone else uses. Without PostgreSQL or ``redis-server`` the tests are skipped
with one line saying what to install, except in CI, where that is a failure.
"""

import contextlib
import json
import re
import secrets
import shutil
import signal
import subprocess
import time
from http.cookies import SimpleCookie
from pathlib import Path

import httpx
import pytest

from tests.conftest import missing_service
from tests.ops.conftest import REPO, closed_port, production_env, use_static

pytestmark = pytest.mark.stack

PG_ADMIN_URL = "postgres://postgres@127.0.0.1:5432/postgres"
QUEUES = "default,mail,submissions,media,background"
DEMO_PASSWORD = "Revier-Demo-2026"
METRICS_TOKEN = secrets.token_urlsafe(32)
BIN = REPO / ".venv" / "bin"


def _require_services() -> None:
    import psycopg

    try:
        psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
    except psycopg.Error as exc:
        reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        missing_service(
            f"The stack tests need PostgreSQL at {PG_ADMIN_URL} ({reason}): "
            "apt-get install postgresql, or run .ci/run"
        )
    if shutil.which("redis-server") is None:
        missing_service("The stack tests need redis-server: apt-get install redis-server")


@contextlib.contextmanager
def private_redis(data_dir: Path):
    """A redis-server of this test alone on a free loopback port, without persistence."""
    port = closed_port()
    process = subprocess.Popen(
        [
            "redis-server",
            "--bind",
            "127.0.0.1",
            "--port",
            str(port),
            "--save",
            "",
            "--appendonly",
            "no",
            "--dir",
            str(data_dir),
        ],
        stdout=(data_dir / "redis.log").open("wb"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"redis://127.0.0.1:{port}/0"
    try:
        import redis

        deadline = time.monotonic() + 15
        while True:
            try:
                redis.Redis.from_url(url, socket_connect_timeout=1).ping()
                break
            except redis.RedisError:
                if process.poll() is not None or time.monotonic() > deadline:
                    log = (data_dir / "redis.log").read_text(errors="replace")
                    pytest.fail(f"redis-server did not start:\n{log[-2000:]}")
                time.sleep(0.1)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _admin_sql(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True, connect_timeout=3) as conn:
        conn.execute(sql)


def _run(env, *args: str, timeout: float = 180) -> str:
    result = subprocess.run(
        [str(BIN / "revier"), *args],
        env=env,
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )
    assert result.returncode == 0, f"revier {' '.join(args)} failed:\n{result.stderr[-3000:]}"
    return result.stdout


class Stack:
    def __init__(self, data_dir: Path, env: dict[str, str]):
        self.data_dir = data_dir
        self.env = env
        self.processes: list[tuple[str, subprocess.Popen, Path]] = []
        self.web_urls: list[str] = []

    def start(self, name: str, argv: list[str]) -> None:
        log = self.data_dir / f"{name}.log"
        with log.open("wb") as out:
            process = subprocess.Popen(
                argv,
                env=self.env,
                cwd=REPO,
                stdout=out,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.processes.append((name, process, log))

    def start_web(self, name: str) -> None:
        port = closed_port()
        self.start(
            name,
            [
                str(BIN / "gunicorn"),
                "-c",
                str(REPO / "deploy" / "gunicorn.conf.py"),
                "--bind",
                f"127.0.0.1:{port}",
                "--workers",
                "2",
            ],
        )
        self.web_urls.append(f"http://127.0.0.1:{port}")

    def log(self, name: str) -> str:
        for process_name, _process, log in self.processes:
            if process_name == name:
                return log.read_text(errors="replace")
        raise KeyError(name)

    def wait_ready(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        pending = list(self.web_urls)
        while pending and time.monotonic() < deadline:
            for name, process, _log in self.processes:
                if process.poll() is not None:
                    pytest.fail(f"{name} exited early:\n{self.log(name)[-3000:]}")
            for url in list(pending):
                with contextlib.suppress(httpx.HTTPError):
                    if httpx.get(f"{url}/readyz", timeout=2).status_code == 200:
                        pending.remove(url)
            time.sleep(0.3)
        if pending:
            pytest.fail(f"Web processes not ready within {timeout} s: {pending}")

    def wait_worker(self, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if " ready." in self.log("worker"):
                return
            if self.processes[-1][1].poll() is not None:
                break
            time.sleep(0.3)
        pytest.fail(f"Celery worker not ready within {timeout} s:\n{self.log('worker')[-3000:]}")

    def stop(self) -> None:
        for _name, process, _log in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for _name, process, _log in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=5)


@pytest.fixture(scope="module")
def stack(tmp_path_factory, production_static):
    _require_services()
    data_dir = tmp_path_factory.mktemp("stack")
    use_static(data_dir, production_static)
    database = f"revier_stack_{secrets.token_hex(4)}"
    with private_redis(tmp_path_factory.mktemp("redis")) as redis_url:
        env = production_env(
            data_dir,
            DATABASE_URL=f"postgres://postgres@127.0.0.1:5432/{database}",
            REDIS_URL=redis_url,
            REVIER_ALLOWED_HOSTS="127.0.0.1",
            REVIER_SSL_REDIRECT="0",
            REVIER_LOG_LEVEL="WARNING",
            REVIER_METRICS_TOKEN=METRICS_TOKEN,
        )
        stack = Stack(data_dir, env)
        _admin_sql(f'CREATE DATABASE "{database}"')
        try:
            _run(env, "migrate", "--no-input", "-v", "0")
            _run(env, "demo")
            stack.start_web("web1")
            stack.start_web("web2")
            stack.start(
                "worker",
                [
                    str(BIN / "celery"),
                    "-A",
                    "revier.config",
                    "worker",
                    "-Q",
                    QUEUES,
                    "--concurrency",
                    "1",
                    "--without-gossip",
                    "--without-mingle",
                    "--loglevel",
                    "INFO",
                ],
            )
            stack.wait_ready()
            stack.wait_worker()
            yield stack
        finally:
            stack.stop()
            _admin_sql(f'DROP DATABASE IF EXISTS "{database}" WITH (FORCE)')


class Browser:
    """A client that behaves like a browser behind the TLS proxy: it sends X-Forwarded-Proto
    (as nginx does) and keeps cookies itself, since they are marked Secure."""

    def __init__(self, base_url: str):
        self.base_url = base_url
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, **kwargs) -> httpx.Response:
        headers = {
            "X-Forwarded-Proto": "https",
            "Accept-Language": "en",
            "Origin": self.base_url.replace("http://", "https://"),
            **kwargs.pop("headers", {}),
        }
        if self.cookies:
            headers["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        response = httpx.request(
            method, self.base_url + path, headers=headers, timeout=15, **kwargs
        )
        for header in response.headers.get_list("set-cookie"):
            cookie = SimpleCookie(header)
            for name, morsel in cookie.items():
                assert morsel["secure"], f"cookie {name} is not Secure"
                self.cookies[name] = morsel.value
        return response

    def get(self, path: str, **kwargs) -> httpx.Response:
        return self.request("GET", path, **kwargs)

    def post(self, path: str, data: dict, **kwargs) -> httpx.Response:
        data = {"csrfmiddlewaretoken": self.cookies["csrftoken"], **data}
        return self.request("POST", path, data=data, **kwargs)


def test_both_web_processes_serve_pages_api_and_probes(stack):
    for base_url in stack.web_urls:
        browser = Browser(base_url)

        platform = browser.get("/")
        assert platform.status_code == 200
        assert 'href="/zeitz/"' in platform.text

        home = browser.get("/zeitz/")
        assert home.status_code == 200
        assert "Digital Hub Zeitz öffnet für Gründerinnen und Gründer" in home.text
        assert home.headers["Strict-Transport-Security"].startswith("max-age=")

        css = browser.get(re.search(r'href="(/static/[^"]+\.css)"', home.text).group(1))
        assert css.status_code == 200  # collected, hashed and served by WhiteNoise

        api = browser.get("/api/v1/municipalities/")
        assert api.status_code == 200
        assert [m["slug"] for m in api.json()] == ["elsteraue", "naumburg", "zeitz"]

        ready = browser.get("/readyz")
        assert ready.status_code == 200
        assert ready.json()["checks"] == {"database": "ok", "cache": "ok", "broker": "ok"}


def test_feedback_mail_goes_through_the_queue_to_the_worker(stack):
    web1 = Browser(stack.web_urls[0])
    assert web1.get("/zeitz/barrierefreiheit/").status_code == 200
    marker = f"Stack test {secrets.token_hex(6)}: the map has no text alternative."

    response = web1.post("/zeitz/barrierefreiheit/", {"message": marker, "page_url": "/zeitz/"})

    assert response.status_code == 302, response.text[:2000]
    mail_dir = stack.data_dir / "mail"
    deadline = time.monotonic() + 30
    found = []
    while time.monotonic() < deadline and not found:
        if mail_dir.is_dir():
            found = [p for p in mail_dir.iterdir() if marker in p.read_text(errors="replace")]
        time.sleep(0.3)
    assert found, f"no e-mail within 30 s; worker log:\n{stack.log('worker')[-3000:]}"
    message = found[0].read_text()
    assert "To: barrierefreiheit@zeitz.example" in message
    # Sent by the worker from the mail queue, not by the web process.
    assert re.search(
        r"Task revier\.core\.tasks\.send_mail_task\[[0-9a-f-]+\] succeeded", stack.log("worker")
    )
    assert "send_mail_task" not in stack.log("web1")


def test_session_from_one_web_process_is_valid_on_the_other(stack):
    web1, web2 = (Browser(url) for url in stack.web_urls)
    assert web1.get("/accounts/login/").status_code == 200

    login = web1.post(
        "/accounts/login/", {"login": "administrator@zeitz.example", "password": DEMO_PASSWORD}
    )
    assert login.status_code == 302, login.text[:2000]
    assert "sessionid" in web1.cookies

    anonymous = web2.get("/api/v1/zeitz/staff/")
    assert anonymous.status_code == 401

    web2.cookies = dict(web1.cookies)
    response = web2.get("/api/v1/zeitz/staff/")
    # Process 2 knows who this is: the administrator of Zeitz, whose session still lacks the
    # second factor the API asks of browser sessions (demo staff have none set up).
    assert response.status_code == 403
    assert "two-factor" in response.json()["detail"]


def test_token_from_the_command_line_works_on_every_web_process(stack):
    token = _run(stack.env, "create-token", "--user", "administrator@zeitz.example").strip()

    for base_url in stack.web_urls:
        response = httpx.get(
            f"{base_url}/api/v1/zeitz/staff/?role=administrator",
            headers={"Authorization": f"Token {token}", "X-Forwarded-Proto": "https"},
            timeout=15,
        )
        assert response.status_code == 200
        assert [p["email"] for p in response.json()["results"]] == ["administrator@zeitz.example"]


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.startswith("{")]


def _wait_for(predicate, timeout: float = 30):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        found = predicate()
        if found:
            return found
        time.sleep(0.3)
    return predicate()


def test_the_request_id_goes_from_the_web_process_to_the_worker_in_json_lines(stack):
    web1 = Browser(stack.web_urls[0])
    assert web1.get("/zeitz/barrierefreiheit/").status_code == 200
    request_id = f"stack-{secrets.token_hex(8)}"

    response = web1.post(
        "/zeitz/barrierefreiheit/",
        {"message": "Der Kontrast ist zu schwach.", "page_url": "/zeitz/"},
        headers={"X-Request-ID": request_id},
    )

    assert response.status_code == 302
    assert response.headers["X-Request-ID"] == request_id
    lines = _wait_for(
        lambda: [
            line
            for line in _json_lines(stack.log("worker"))
            if line.get("request_id") == request_id
        ]
    )
    assert lines, f"no worker line with the request id:\n{stack.log('worker')[-3000:]}"
    assert {line["task_name"] for line in lines} == {"revier.core.tasks.send_mail_task"}
    assert any("succeeded" in line["message"] for line in lines)

    # The web process writes JSON too, with the id of the request (Django's 404 warning).
    missing = httpx.get(
        f"{stack.web_urls[0]}/zeitz/gibt-es-nicht/",
        headers={"X-Request-ID": request_id + "-404", "X-Forwarded-Proto": "https"},
        timeout=15,
    )
    assert missing.status_code == 404
    web_lines = _wait_for(
        lambda: [
            line
            for line in _json_lines(stack.log("web1"))
            if line.get("request_id") == request_id + "-404"
        ],
        timeout=10,
    )
    assert web_lines and web_lines[0]["logger"] == "django.request"


def test_metrics_add_up_over_the_gunicorn_workers_and_show_the_queue(stack):
    from prometheus_client.parser import text_string_to_metric_families

    base_url = stack.web_urls[1]
    auth = {"Authorization": f"Bearer {METRICS_TOKEN}"}

    def scrape() -> dict:
        response = httpx.get(f"{base_url}/metrics", headers=auth, timeout=15)
        assert response.status_code == 200
        samples = {}
        for family in text_string_to_metric_families(response.text):
            for sample in family.samples:
                samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
        return samples

    def requests_to(samples, route) -> float:
        return sum(
            value
            for (name, labels), value in samples.items()
            if name == "revier_http_requests_total" and ("route", route) in labels
        )

    assert httpx.get(f"{base_url}/metrics", timeout=15).status_code == 401
    before = requests_to(scrape(), "portal:accessibility")
    for _ in range(12):  # over both workers of this instance
        assert (
            httpx.get(
                f"{base_url}/zeitz/barrierefreiheit/",
                headers={"X-Forwarded-Proto": "https"},
                timeout=15,
            ).status_code
            == 200
        )
    samples = scrape()
    assert requests_to(samples, "portal:accessibility") == before + 12
    assert samples[("revier_celery_broker_up", ())] == 1
    assert ("revier_celery_queue_length", (("queue", "mail"),)) in samples
    assert samples[("revier_delivery_oldest_pending_age_seconds", ())] >= 0
    # The feedback mails of the tests before were sent by the worker and counted (in Redis).
    sent = _wait_for(
        lambda: scrape().get(
            (
                "revier_celery_tasks_total",
                (("state", "succeeded"), ("task", "revier.core.tasks.send_mail_task")),
            )
        )
    )
    assert sent and sent >= 1
