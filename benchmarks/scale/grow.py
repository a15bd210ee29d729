"""Grow the benchmark database to ``--to`` municipalities, bulk-inserted as the model allows:
each with an office, ten local services of the catalogue, two staff members with roles, and every
tenth with fifty cases. Run by run.py in the benchmark's environment (DJANGO_SETTINGS_MODULE,
DATABASE_URL); prints one JSON line with what it added and how long it took.

AGS are spread over the 16 Länder and 40 Kreise each (never Kreis 84, where the demo's are), so
browsing a Land or a Kreis has realistic sizes: about 625 municipalities per Land and 16 per
Kreis at 10,000.
"""

import argparse
import datetime as dt
import json
import random
import time

import django


def synthetic_ags(i: int) -> str:
    land = i % 16 + 1
    rest = i // 16
    kreis = rest % 40
    gemeinde = rest // 40 + 100
    return f"{land:02d}0{kreis:02d}{gemeinde:03d}"


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--to", type=int, required=True)
    args = parser.parse_args()
    django.setup()
    from django.db import connection, transaction
    from django.utils import timezone
    from django_scopes import scopes_disabled

    from revier.accounts.models import StaffRole, User
    from revier.cases.models import Case
    from revier.services.models import LocalService, Office, Service
    from revier.tenancy.models import Municipality

    t0 = time.perf_counter()
    rng = random.Random(13)
    have = Municipality.objects.filter(slug__startswith="g-").count()
    total_now = Municipality.objects.count()
    want = args.to - total_now
    if want <= 0:
        print(json.dumps({"added": 0, "seconds": 0.0}))
        return
    services = list(Service.objects.order_by("pk").values_list("pk", flat=True)[:200])
    now = timezone.now()
    added = {"municipalities": 0, "offices": 0, "local_services": 0, "staff": 0, "cases": 0}
    batch_size = 1000
    with scopes_disabled():
        for start in range(have, have + want, batch_size):
            stop = min(start + batch_size, have + want)
            with transaction.atomic():
                municipalities = Municipality.objects.bulk_create(
                    [
                        Municipality(
                            slug=f"g-{synthetic_ags(i)}",
                            name=f"Gemeinde {i:05d}",
                            official_name=f"Gemeinde {i:05d}",
                            ags=synthetic_ags(i),
                            ars=f"{synthetic_ags(i)[:5]}0000{synthetic_ags(i)[5:]}",
                            kreis=f"Landkreis {synthetic_ags(i)[:5]}",
                            postcode=f"{rng.randrange(1000, 99999):05d}",
                            city=f"Gemeinde {i:05d}",
                            email=f"rathaus{i}@example.org",
                            enabled_modules=["news", "services"],
                        )
                        for i in range(start, stop)
                    ]
                )
                offices = Office.objects.bulk_create(
                    [Office(municipality=m, name="Bürgeramt", city=m.city) for m in municipalities]
                )
                local = [
                    LocalService(municipality=m, service_id=s, office=o, online=rng.random() < 0.3)
                    for m, o in zip(municipalities, offices, strict=True)
                    for s in rng.sample(services, min(10, len(services)))
                ]
                LocalService.objects.bulk_create(local)
                users = User.objects.bulk_create(
                    [
                        User(
                            email=f"staff{k}-{m.slug}@example.org",
                            password="!",  # noqa: S106 - Django's mark of an unusable password
                            first_name="Sach",
                            last_name=f"Bearbeitung {k}",
                        )
                        for m in municipalities
                        for k in range(2)
                    ]
                )
                roles = []
                for n, user in enumerate(users):
                    m = municipalities[n // 2]
                    role = "administrator" if n % 2 == 0 else "case_worker"
                    roles.append(StaffRole(municipality=m, user=user, role=role))
                StaffRole.objects.bulk_create(roles)
                cases = []
                for m, o in zip(municipalities, offices, strict=True):
                    if int(m.ags[-3:]) % 10:
                        continue
                    for n in range(50):
                        received = now - dt.timedelta(minutes=rng.randrange(0, 60 * 24 * 365))
                        cases.append(
                            Case(
                                municipality=m,
                                reference=f"{m.ags}-{n:05d}",
                                leika="99115005104000",
                                service_name="Wohnsitz anmelden",
                                applicant_name=f"Person {n}",
                                applicant_email=f"person{n}@example.org",
                                office=o,
                                received_at=received,
                                search_text=f"{m.ags}-{n:05d} person {n}",
                            )
                        )
                Case.objects.bulk_create(cases)
            added["municipalities"] += len(municipalities)
            added["offices"] += len(offices)
            added["local_services"] += len(local)
            added["staff"] += len(users)
            added["cases"] += len(cases)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    added["seconds"] = round(time.perf_counter() - t0, 1)
    added["total_municipalities"] = Municipality.objects.count()
    print(json.dumps(added))


if __name__ == "__main__":
    main()
