"""The V-PKI check of a FIT-Connect key (ADR 0015): path validation with and without fetching
the CRLs, against the test PKI of the local FIT-Connect server on 127.0.0.1.

    .venv/bin/python benchmarks/fitconnect_keys/run.py [--rounds 200]

The check runs when a destination and its key are fetched (once per process per
DESTINATION_TTL), so this is the cost of a fetch, not of each submission.
"""

import argparse
import json
import os
import platform
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(ROOT / "src"), str(ROOT / "benchmarks")]
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rounds", type=int, default=200)
    args = parser.parse_args()

    import django

    django.setup()
    import httpx
    from bench_common import summary
    from tests.delivery.fitconnect_server import FitConnectServer, public_jwk, rsa_key

    from revier.delivery import certificates

    server = FitConnectServer().start()
    try:
        key = rsa_key(4096)
        jwk = public_jwk(key, "k1", x5c=server.pki.x5c(key, use="enc"))
        anchors = (server.pki.root,)
        http = httpx.Client()

        def fetch(url: str) -> bytes:
            return http.get(url).content

        results = {}
        for name, clear in (("CRLs fetched (cold)", True), ("CRLs kept (warm)", False)):
            samples = []
            certificates.caches_clear()
            certificates.chain_check(jwk, use="enc", anchors=anchors, fetch=fetch)  # warm-up
            for _ in range(args.rounds):
                if clear:
                    certificates.caches_clear()
                started = time.perf_counter()
                certificates.chain_check(jwk, use="enc", anchors=anchors, fetch=fetch)
                samples.append(time.perf_counter() - started)
            results[name] = summary(samples)
    finally:
        server.stop()
    print(
        json.dumps(
            {
                "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
                f"Python {platform.python_version()}",
                "load_average": os.getloadavg()[0],
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
