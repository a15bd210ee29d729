"""deploy/gunicorn.conf.py loads in gunicorn with settings that survive a rush (ADR 0034)."""

from pathlib import Path

import pytest

gunicorn_config = pytest.importorskip("gunicorn.config")

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def _load(monkeypatch, **env):
    for key in ("WEB_CONCURRENCY", "REVIER_WEB_THREADS", "REVIER_WEB_MAX_REQUESTS"):
        monkeypatch.delenv(key, raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    from gunicorn.app.base import Application

    class _App(Application):
        def init(self, parser, opts, args):
            return None

        def load(self):  # pragma: no cover - never called
            raise AssertionError

        def load_config(self):
            self.cfg = gunicorn_config.Config()
            self.load_config_from_file(str(CONF))

    return _App().cfg


def test_config_loads_with_rush_proof_defaults(monkeypatch):
    cfg = _load(monkeypatch)
    assert cfg.preload_app is True
    assert cfg.worker_class_str == "sync"
    assert cfg.wsgi_app == "revier.config.wsgi:application"
    # Staggered recycling: limits spread over [N, 2N), so workers never restart together.
    assert cfg.max_requests >= 1000
    assert cfg.max_requests_jitter >= cfg.max_requests // 2
    assert cfg.workers >= 2
    assert callable(cfg.post_fork)


def test_threads_switch_to_gthread_and_recycling_can_be_switched_off(monkeypatch):
    cfg = _load(
        monkeypatch, REVIER_WEB_THREADS="4", REVIER_WEB_MAX_REQUESTS="0", WEB_CONCURRENCY="3"
    )
    assert cfg.worker_class_str == "gthread"
    assert cfg.threads == 4
    assert cfg.workers == 3
    assert cfg.max_requests == 0
    assert cfg.max_requests_jitter == 0
