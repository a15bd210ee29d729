"""Catalogue search benchmark: p50/p95/p99 of ``service_search`` and of the API on PostgreSQL.

Creates a throw-away database ``revier_bench_<random>``, migrates it, imports the demo catalogue
plus synthetic services up to ``--services`` (keys 99999…, marked "synthetic"), creates
``--municipalities`` municipalities that each offer the whole catalogue, then times a fixed mix
of queries (compound words, synonyms, typos, browsing by Themenfeld) against the federal
catalogue and against municipalities picked at random. The database is dropped at the end.

    .venv/bin/python benchmarks/catalogue/run.py [--services 2000] [--municipalities 100]
"""

import argparse
import json
import os
import platform
import random
import secrets
import sys
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from bench_common import PG_ADMIN_URL, admin_sql, summary

QUERIES = [
    "Ausweis",
    "ummelden",
    "Hund",
    "Persnalausweis",
    "Wohnsitz Anmeldung",
    "Gewerbe",
    "Bauantrag",
    "Führerschein",
    "Wohngeld beantragen",
    "Steuer",
]
WORDS = [
    "Antrag",
    "Erlaubnis",
    "Genehmigung",
    "Bescheinigung",
    "Anzeige",
    "Zulassung",
    "Förderung",
    "Auskunft",
    "Eintragung",
    "Verlängerung",
    "Ausstellung",
    "Befreiung",
    "Zuschuss",
    "Registrierung",
    "Meldung",
    "Prüfung",
    "Abnahme",
    "Bestellung",
]
OBJECTS = [
    "Fischereischein",
    "Jagdschein",
    "Sondernutzung",
    "Veranstaltung",
    "Marktstand",
    "Feuerwerk",
    "Baumfällung",
    "Grabstelle",
    "Kita-Platz",
    "Schülerbeförderung",
    "Parkausweis",
    "Gaststätte",
    "Spielhalle",
    "Taxi",
    "Plakat",
    "Straßenreinigung",
    "Abfallbehälter",
    "Wasseranschluss",
    "Grundsteuer",
    "Zweitwohnungsteuer",
    "Anliegerbeitrag",
]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--services", type=int, default=2000)
    parser.add_argument("--municipalities", type=int, default=100)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--json", help="Also write the result to this file.")
    args = parser.parse_args()

    name = f"revier_bench_{secrets.token_hex(4)}"
    admin_sql(f'CREATE DATABASE "{name}"')
    base = PG_ADMIN_URL.rsplit("/", 1)[0]
    os.environ["DATABASE_URL"] = f"{base}/{name}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "revier.config.settings")
    try:
        result = run(args)
    finally:
        from django.db import connections

        connections.close_all()
        admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    print(json.dumps(result, indent=2, ensure_ascii=False))
    if args.json:
        Path(args.json).write_text(json.dumps(result, indent=2, ensure_ascii=False), "utf-8")
    return 0


def run(args) -> dict:
    import django

    django.setup()
    from django.core.management import call_command
    from django.test import Client
    from django_scopes import scope, scopes_disabled

    from revier.services.demo import CATALOGUE
    from revier.services.importers import read_file
    from revier.services.models import LocalService, Service, Themenfeld
    from revier.services.selectors import service_search
    from revier.services.services import Record, catalogue_import
    from revier.tenancy.models import Municipality

    call_command("migrate", verbosity=0)
    rng = random.Random(20260)
    _fmt, records = read_file(CATALOGUE)
    themen = Themenfeld.values
    for n in range(max(0, args.services - len(records))):
        obj, word = rng.choice(OBJECTS), rng.choice(WORDS)
        records.append(
            Record(
                f"synthetic[{n}]",
                {
                    "leika": f"99999{n:09d}",
                    "name": f"{obj} {word} {n}",
                    "short_text": f"Synthetic service for the benchmark: {obj} {word}.",
                    "full_text": " ".join(rng.choices(WORDS + OBJECTS, k=60)),
                    "themenfeld": rng.choice(themen),
                    "lebenslagen": [rng.choice(OBJECTS)],
                    "synonyms": [f"{obj}{word.lower()}", rng.choice(OBJECTS)],
                },
            )
        )
    started = time.perf_counter()
    imported = catalogue_import(records=records)
    import_seconds = time.perf_counter() - started
    services = list(Service.objects.values_list("pk", flat=True))

    with scopes_disabled():
        municipalities = Municipality.objects.bulk_create(
            Municipality(
                slug=f"bench-{i:03d}",
                name=f"Bench {i}",
                ags=f"99{i:06d}",
                ars=f"99{i:010d}",
                enabled_modules=["services"],
            )
            for i in range(args.municipalities)
        )
        for municipality in municipalities:
            LocalService.objects.bulk_create(
                LocalService(municipality=municipality, service_id=pk, online=pk % 3 == 0)
                for pk in services
            )

    def timed(fn) -> float:
        t = time.perf_counter()
        fn()
        return time.perf_counter() - t

    for q in QUERIES:  # warm caches (vocabulary, plans)
        service_search(q)
    federal, local, browse, api = [], [], [], []
    client = Client()
    for _round in range(args.rounds):
        for q in QUERIES:
            federal.append(timed(lambda q=q: service_search(q)))
            municipality = rng.choice(municipalities)
            with scope(municipality=municipality):
                local.append(timed(lambda q=q, m=municipality: service_search(q, municipality=m)))
            browse.append(timed(lambda: service_search("", themenfeld=rng.choice(themen))))
            api.append(timed(lambda q=q: client.get("/api/v1/services/", {"q": q})))
    hits = {q: len(service_search(q)) for q in QUERIES}
    return {
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
        "machine": f"{platform.machine()}, {os.cpu_count()} CPUs, "
        f"Python {platform.python_version()}",
        "load_average_1m": os.getloadavg()[0],
        "catalogue_services": len(services),
        "municipalities": len(municipalities),
        "local_services": len(services) * len(municipalities),
        "import_seconds": round(import_seconds, 2),
        "imported_created": len(imported.created),
        "hits_per_query": hits,
        "federal_search": summary(federal),
        "municipality_search": summary(local),
        "browse_themenfeld": summary(browse),
        "api_search": summary(api),
        "goal": "municipality_search p95 <= 30 ms",
    }


if __name__ == "__main__":
    sys.exit(main())
