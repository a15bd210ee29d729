"""The demo catalogue and the offices and local offer of Zeitz, Naumburg and Elsteraue."""

from decimal import Decimal
from pathlib import Path

from django.db import transaction
from django_scopes import scope

from revier.services.importers import read_file
from revier.services.models import Office, Service
from revier.services.services import (
    catalogue_import,
    local_service_set,
    office_create,
    office_update,
)

CATALOGUE = Path(__file__).parent / "data" / "catalogue.json"

# Coordinates: the town halls (Zeitz, Altmarkt 1; Naumburg, Markt 1); Elsteraue approximate.
OFFICES = {
    "zeitz": [
        {
            "name": "Bürgerbüro",
            "street": "Altmarkt 1",
            "postcode": "06712",
            "city": "Zeitz",
            "latitude": Decimal("51.047900"),
            "longitude": Decimal("12.138300"),
            "opening_hours": "Mo, Mi 9–12 Uhr\nDi, Do 9–12 und 13–18 Uhr\nFr 9–12 Uhr",
            "phone": "03441 83-0",
            "email": "buergerbuero@zeitz.example",
        },
        {
            "name": "Ordnungsamt",
            "street": "Altmarkt 1",
            "postcode": "06712",
            "city": "Zeitz",
            "latitude": Decimal("51.047900"),
            "longitude": Decimal("12.138300"),
            "opening_hours": "Di 9–12 und 13–18 Uhr\nDo 9–12 Uhr",
            "phone": "03441 83-100",
            "email": "ordnungsamt@zeitz.example",
        },
        {
            "name": "Bauamt",
            "street": "Altmarkt 1",
            "postcode": "06712",
            "city": "Zeitz",
            "latitude": Decimal("51.047900"),
            "longitude": Decimal("12.138300"),
            "opening_hours": "Di 9–12 und 13–18 Uhr",
            "phone": "03441 83-200",
            "email": "bauamt@zeitz.example",
        },
        {
            "name": "Standesamt",
            "street": "Altmarkt 1",
            "postcode": "06712",
            "city": "Zeitz",
            "latitude": Decimal("51.047900"),
            "longitude": Decimal("12.138300"),
            "opening_hours": "Di 9–12 und 13–18 Uhr\nDo 9–12 Uhr",
            "phone": "03441 83-300",
            "email": "standesamt@zeitz.example",
        },
        {
            "name": "Steueramt",
            "street": "Altmarkt 1",
            "postcode": "06712",
            "city": "Zeitz",
            "latitude": Decimal("51.047900"),
            "longitude": Decimal("12.138300"),
            "opening_hours": "Di 9–12 und 13–18 Uhr",
            "phone": "03441 83-400",
            "email": "steueramt@zeitz.example",
        },
    ],
    "naumburg": [
        {
            "name": "Bürgerbüro",
            "street": "Markt 1",
            "postcode": "06618",
            "city": "Naumburg (Saale)",
            "latitude": Decimal("51.152300"),
            "longitude": Decimal("11.809800"),
            "opening_hours": "Mo–Fr 9–12 Uhr\nDi, Do 14–18 Uhr",
            "phone": "03445 273-0",
            "email": "buergerbuero@naumburg.example",
        },
        {
            "name": "Ordnungsamt",
            "street": "Markt 1",
            "postcode": "06618",
            "city": "Naumburg (Saale)",
            "latitude": Decimal("51.152300"),
            "longitude": Decimal("11.809800"),
            "opening_hours": "Di 9–12 und 14–18 Uhr",
            "phone": "03445 273-300",
            "email": "ordnungsamt@naumburg.example",
        },
        {
            "name": "Standesamt",
            "street": "Markt 1",
            "postcode": "06618",
            "city": "Naumburg (Saale)",
            "latitude": Decimal("51.152300"),
            "longitude": Decimal("11.809800"),
            "opening_hours": "Mo, Mi 9–12 Uhr\nDi 14–18 Uhr",
            "phone": "03445 273-200",
            "email": "standesamt@naumburg.example",
        },
        {
            "name": "Steueramt",
            "street": "Markt 1",
            "postcode": "06618",
            "city": "Naumburg (Saale)",
            "latitude": Decimal("51.152300"),
            "longitude": Decimal("11.809800"),
            "opening_hours": "Di 9–12 und 14–18 Uhr",
            "phone": "03445 273-400",
            "email": "steueramt@naumburg.example",
        },
    ],
    # A rural municipality: one citizens' office does registration, documents and local taxes.
    "elsteraue": [
        {
            "name": "Bürgerbüro",
            "street": "Hauptstraße 30",
            "postcode": "06729",
            "city": "Elsteraue",
            "latitude": Decimal("51.054700"),
            "longitude": Decimal("12.187300"),
            "opening_hours": "Di 9–12 und 13–18 Uhr\nDo 9–12 Uhr",
            "email": "buergerbuero@elsteraue.example",
        },
    ],
}

# (LeiKa key, office, online here, local fees) per municipality: services a town in
# Sachsen-Anhalt provides itself. "Online here" is marked only where the demo publishes a form
# (``applications.demo.FORMS``): the catalogue shows "available online" only then (ADR 0038).
OFFER = {
    "zeitz": [
        ("99115005104000", "Bürgerbüro", True, ""),
        ("99115005104001", "Bürgerbüro", False, ""),
        ("99115005070000", "Bürgerbüro", True, ""),
        ("99115003012000", "Bürgerbüro", True, "10,00 EUR je Bescheinigung"),
        ("99008001011001", "Bürgerbüro", False, ""),
        ("99008001012000", "Bürgerbüro", False, ""),
        ("99008001014002", "Bürgerbüro", True, ""),
        ("99085001012000", "Bürgerbüro", False, ""),
        ("99085001012010", "Bürgerbüro", False, ""),
        ("99049001001000", "Bürgerbüro", False, ""),
        ("99050012104000", "Ordnungsamt", True, "26,00 EUR"),
        ("99108001001000", "Ordnungsamt", True, "30,00 EUR je Jahr"),
        ("99107023037000", "Bürgerbüro", False, ""),
        ("99107022012000", "Bürgerbüro", False, "Gebührenfrei"),
        ("99012070006001", "Bauamt", False, ""),
        ("99027002012000", "Standesamt", True, "12,00 EUR je Urkunde"),
        ("99059001104000", "Standesamt", False, ""),
        ("99101004012000", "Standesamt", True, "12,00 EUR je Urkunde"),
        ("99102013104000", "Steueramt", True, ""),
        ("99115005070002", "Bürgerbüro", False, ""),
        ("99115004001001", "Bürgerbüro", True, ""),
        ("99008001012001", "Bürgerbüro", False, ""),
        ("99008001012002", "Bürgerbüro", False, ""),
        ("99008001012003", "Bürgerbüro", False, ""),
        ("99008001040000", "Bürgerbüro", False, ""),
        ("99008001012006", "Bürgerbüro", False, ""),
        ("99085001012002", "Bürgerbüro", False, ""),
        ("99085001012005", "Bürgerbüro", False, ""),
        ("99085001014003", "Bürgerbüro", False, ""),
        ("99085003014003", "Bürgerbüro", False, ""),
        ("99052002109000", "Ordnungsamt", False, ""),
        ("99059002012000", "Standesamt", False, ""),
        ("99059004012000", "Standesamt", True, "12,00 EUR je Urkunde"),
        ("99079003012000", "Standesamt", False, "12,00 EUR je Urkunde"),
        ("99027002012002", "Standesamt", False, "12,00 EUR je Urkunde"),
        ("99027005250000", "Standesamt", False, "12,00 EUR je Ausdruck"),
        ("99027003026000", "Standesamt", False, ""),
        ("99133001026000", "Standesamt", False, ""),
        ("99102013010000", "Steueramt", False, ""),
        ("99102017002000", "Steueramt", True, ""),
        ("99102012002000", "Steueramt", False, ""),
        ("99102012002001", "Steueramt", False, ""),
        ("99102012002002", "Steueramt", False, ""),
        ("99102010002000", "Steueramt", False, ""),
    ],
    "naumburg": [
        ("99115005104000", "Bürgerbüro", False, ""),
        ("99115005104001", "Bürgerbüro", False, ""),
        ("99115005070000", "Bürgerbüro", False, ""),
        ("99115003012000", "Bürgerbüro", False, "8,00 EUR je Bescheinigung"),
        ("99008001011001", "Bürgerbüro", False, ""),
        ("99008001012000", "Bürgerbüro", False, ""),
        ("99008001014002", "Bürgerbüro", False, ""),
        ("99085001012000", "Bürgerbüro", False, ""),
        ("99049001001000", "Bürgerbüro", False, ""),
        ("99050012104000", "Ordnungsamt", False, "30,00 EUR"),
        ("99108001001000", "Ordnungsamt", False, ""),
        ("99027002012000", "Standesamt", False, ""),
        ("99059001104000", "Standesamt", False, ""),
        ("99101004012000", "Standesamt", False, ""),
        ("99102013104000", "Steueramt", True, ""),
        ("99115005070002", "Bürgerbüro", False, ""),
        ("99115004001001", "Bürgerbüro", False, ""),
        ("99008001012001", "Bürgerbüro", False, ""),
        ("99008001012002", "Bürgerbüro", False, ""),
        ("99008001040000", "Bürgerbüro", False, ""),
        ("99085001012002", "Bürgerbüro", False, ""),
        ("99085001014003", "Bürgerbüro", False, ""),
        ("99059004012000", "Standesamt", False, ""),
        ("99027002012002", "Standesamt", False, ""),
        ("99133001026000", "Standesamt", False, ""),
        ("99102013010000", "Steueramt", False, ""),
        ("99102017002000", "Steueramt", False, ""),
        ("99102012002000", "Steueramt", False, ""),
        ("99102010002000", "Steueramt", False, ""),
    ],
    "elsteraue": [
        ("99115005104000", "Bürgerbüro", False, ""),
        ("99115005070000", "Bürgerbüro", False, ""),
        ("99115005070002", "Bürgerbüro", False, ""),
        ("99115003012000", "Bürgerbüro", False, ""),
        ("99115004001001", "Bürgerbüro", False, ""),
        ("99008001012000", "Bürgerbüro", False, ""),
        ("99008001040000", "Bürgerbüro", False, ""),
        ("99008001014002", "Bürgerbüro", False, ""),
        ("99085001012000", "Bürgerbüro", False, ""),
        ("99050012104000", "Bürgerbüro", False, ""),
        ("99102013104000", "Bürgerbüro", False, ""),
        ("99102012002001", "Bürgerbüro", False, ""),
        ("99102012002002", "Bürgerbüro", False, ""),
    ],
}


# Services residents look for at the town that another authority provides: shown with the
# authority and a link instead of being missing. (LeiKa key, authority, its website, online
# service elsewhere or "").
BURGENLANDKREIS = "https://www.burgenlandkreis.de"
ELSEWHERE = {
    "zeitz": [
        ("99107021017000", "Landkreis Burgenlandkreis, Jugendamt", BURGENLANDKREIS, ""),
        ("99067004001000", "Landkreis Burgenlandkreis, Untere Jagdbehörde", BURGENLANDKREIS, ""),
        (
            "99015004037000",
            "Landesverwaltungsamt Sachsen-Anhalt, Versorgungsverwaltung",
            "https://lvwa.sachsen-anhalt.de",
            "",
        ),
    ],
}
# Open without an account (no proof of identity needed); the rest need the Zeitz account.
WITHOUT_ACCOUNT = {"zeitz": {"99102013104000", "99115004001001"}}
# Services the town takes at the counter that can also be applied for online elsewhere.
ONLINE_ELSEWHERE = {
    # The Bundesamt für Justiz's own online application (with the Online-Ausweis).
    "zeitz": {"99049001001000": "https://www.fuehrungszeugnis.bund.de"},
}


@transaction.atomic
def load_demo_catalogue(municipalities: dict) -> dict[str, int]:
    """Import the demo catalogue and set up the offices and offers (idempotent)."""
    _fmt, records = read_file(CATALOGUE)
    result = catalogue_import(records=records)
    services = {s.leika: s for s in Service.objects.filter(leika__in=_offered_keys())}
    for slug, offices in OFFICES.items():
        municipality = municipalities.get(slug)
        if municipality is None:
            continue
        with scope(municipality=municipality):
            by_name = {o.name: o for o in Office.objects.all()}
            for data in offices:
                if data["name"] not in by_name:
                    by_name[data["name"]] = office_create(
                        municipality=municipality, actor=None, **data
                    )
                elif by_name[data["name"]].latitude is None:
                    # Demo data from before offices had a location gets it on the next load.
                    office_update(
                        office=by_name[data["name"]],
                        actor=None,
                        latitude=data["latitude"],
                        longitude=data["longitude"],
                    )
            for leika, office, online, fees in OFFER[slug]:
                local_service_set(
                    municipality=municipality,
                    service=services[leika],
                    actor=None,
                    office=by_name[office],
                    local_fees=fees,
                    online=online,
                    online_url=ONLINE_ELSEWHERE.get(slug, {}).get(leika, ""),
                    without_account=leika in WITHOUT_ACCOUNT.get(slug, set()),
                )
            for leika, authority, website, online_url in ELSEWHERE.get(slug, []):
                local_service_set(
                    municipality=municipality,
                    service=services[leika],
                    actor=None,
                    authority=authority,
                    authority_url=website,
                    online_url=online_url,
                )
    return {"created": len(result.created), "changed": len(result.changed)}


def _offered_keys() -> set[str]:
    return {leika for offer in OFFER.values() for leika, *_rest in offer} | {
        leika for offer in ELSEWHERE.values() for leika, *_rest in offer
    }


def load() -> None:
    """The services module's demo step (``revier demo``)."""
    from revier.accounts.demo import demo_municipalities

    load_demo_catalogue(demo_municipalities())
