"""gunicorn configuration for Revier (`gunicorn -c deploy/gunicorn.conf.py`).

Everything is driven by the environment so the same file serves one small VM and a larger host:

  REVIER_BIND         address to listen on (default 127.0.0.1:8001; nginx proxies to it)
  WEB_CONCURRENCY     worker processes (default: 2 per CPU core, at least 2)
  REVIER_WEB_THREADS  threads per worker (default 1: sync workers; raise for slow upstreams)
  REVIER_WEB_TIMEOUT  seconds before a stuck worker is restarted (default 30)
  REVIER_WEB_MAX_REQUESTS  requests before a worker is recycled (default 5000, 0 = never)
  REVIER_WEB_MAX_REQUESTS_JITTER  spread of that limit (default: the limit itself)
  REVIER_WEB_PRELOAD  1 (default): load the app once in the master and fork workers from it

Why (preloading, staggered recycling, sync workers): docs/adr/0034-gunicorn-under-load.md.

Web processes are stateless (sessions in the database, cache in Redis, files in shared storage),
so several of these services can run side by side, on one host or many.
"""

import multiprocessing
import os
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
proc_name = "revier-web"

wsgi_app = "revier.config.wsgi:application"
