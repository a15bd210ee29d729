"""gunicorn configuration for Revier (`gunicorn -c deploy/gunicorn.conf.py`).

Everything is driven by the environment so the same file serves one small VM and a larger host:

  REVIER_BIND         address to listen on (default 127.0.0.1:8001; nginx proxies to it)
  WEB_CONCURRENCY     worker processes (default: 2 per CPU core, at least 2)
  REVIER_WEB_THREADS  threads per worker (default 1: sync workers; raise for slow upstreams)
  REVIER_WEB_TIMEOUT  seconds before a stuck worker is restarted (default 30)
  REVIER_WEB_MAX_REQUESTS  requests before a worker is recycled (default 5000, 0 = never)
  REVIER_WEB_MAX_REQUESTS_JITTER  spread of that limit (default: the limit itself)
  REVIER_WEB_PRELOAD  1 (default): load the app once in the master and fork workers from it
  PROMETHEUS_MULTIPROC_DIR  where the workers share their metrics (default: a directory of this
                      instance under the temporary directory; systemd gives /run/revier-web-PORT)

Why (preloading, staggered recycling, sync workers): docs/adr/0034-gunicorn-under-load.md.

Web processes are stateless (sessions in the database, cache in Redis, files in shared storage),
so several of these services can run side by side, on one host or many.
"""

import multiprocessing
import os
import shutil
import tempfile
from pathlib import Path

bind = os.environ.get("REVIER_BIND", "127.0.0.1:8001")
workers = int(os.environ.get("WEB_CONCURRENCY", max(2, 2 * multiprocessing.cpu_count())))
threads = int(os.environ.get("REVIER_WEB_THREADS", "1"))
worker_class = "gthread" if threads > 1 else "sync"
timeout = int(os.environ.get("REVIER_WEB_TIMEOUT", "30"))
graceful_timeout = 30
keepalive = 5

# Load Django once in the master and fork the workers from it: a worker (re)start costs a fork
# instead of 2-3 s of CPU for imports and set-up, so recycling never leaves the pool empty.
preload_app = os.environ.get("REVIER_WEB_PRELOAD", "1") != "0"  # 0 only to compare (benchmarks)

# Recycle workers now and then, so a slow leak never takes a host down. The jitter is as large as
# the limit itself: workers that started together get limits spread over [N, 2N) requests and are
# recycled one at a time, never all at once (issue 13: with 2000 and a jitter of 200 the whole pool
# restarted within seconds under load).
max_requests = int(os.environ.get("REVIER_WEB_MAX_REQUESTS", "5000"))
max_requests_jitter = int(os.environ.get("REVIER_WEB_MAX_REQUESTS_JITTER", max_requests))


def post_fork(server, worker):
    """Nothing opened in the master may be shared by the forked workers."""
    from django.core.cache import caches
    from django.db import connections

    connections.close_all()
    caches.close_all()


# Heartbeat files in memory, not on a possibly slow disk.
_SHM = Path("/dev/shm")  # noqa: S108 - gunicorn's documented choice, not a temp file race
worker_tmp_dir = str(_SHM) if _SHM.is_dir() else None

# Only the local reverse proxy may say the request came over HTTPS (X-Forwarded-Proto).
forwarded_allow_ips = os.environ.get("REVIER_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")

# "-" is stdout (the journal under systemd); an empty value switches the access log off.
accesslog = os.environ.get("REVIER_ACCESS_LOG", "-") or None
errorlog = "-"
loglevel = os.environ.get("REVIER_LOG_LEVEL", "info").lower()
# The access log names each request's id (X-Request-ID, set by Revier), as the app's lines do.
access_log_format = (
    '%(h)s %(l)s %(u)s %(t)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s" %(M)sms %({x-request-id}o)s'
)

proc_name = "revier-web"

wsgi_app = "revier.config.wsgi:application"

# --- Prometheus (ADR 0035) ---------------------------------------------------------------------
# Every worker writes its request metrics into files of this directory; /metrics on any worker
# adds them up. One directory per instance (several instances on one host must not share one):
# systemd's RuntimeDirectory, else one named by the master's process id. Set here, before the
# app is loaded (also with preload_app), emptied when the instance starts and removed when it
# stops; a dead worker's files are merged into the totals when it exits.
_own_metrics_dir = not os.environ.get("PROMETHEUS_MULTIPROC_DIR")
_metrics_dir = Path(
    os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    or Path(tempfile.gettempdir()) / f"revier-metrics-{os.getpid()}"
)
os.environ["PROMETHEUS_MULTIPROC_DIR"] = str(_metrics_dir)
shutil.rmtree(_metrics_dir, ignore_errors=True)
_metrics_dir.mkdir(parents=True, mode=0o700, exist_ok=True)


def child_exit(server, worker):
    from prometheus_client import multiprocess

    multiprocess.mark_process_dead(worker.pid)


def on_exit(server):
    if _own_metrics_dir:
        shutil.rmtree(_metrics_dir, ignore_errors=True)
