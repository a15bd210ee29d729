"""Demo data (the first demo step): Zeitz and two neighbouring municipalities of the
Burgenlandkreis with their real keys, staff for every role, residents and a company.
Idempotent: running it again refreshes."""

from dataclasses import dataclass

from django_scopes import scope

from revier.accounts.models import Membership, Organisation, StaffRole, User
from revier.accounts.services import organisation_create, staff_role_grant, user_create
from revier.core import kit
from revier.tenancy.models import Municipality
from revier.tenancy.services import municipality_create, municipality_update

DEMO_PASSWORD = "Revier-Demo-2026"  # noqa: S105 - published demo password, printed by make run

MUNICIPALITIES = [
    {
        "slug": "zeitz",
        "name": "Zeitz",
        "official_name": "Stadt Zeitz",
        "ags": "15084590",
        "ars": "150840590590",
        "kreis": "Burgenlandkreis",
        "primary_colour": "#0b5394",
        "street": "Altmarkt 1",
        "postcode": "06712",
        "city": "Zeitz",
        "email": "rathaus@zeitz.example",
        "accessibility_email": "barrierefreiheit@zeitz.example",
        "data_protection_email": "datenschutz@zeitz.example",
        "represented_by": "den Oberbürgermeister",
        "supervisory_authority": "Landkreis Burgenlandkreis, Kommunalaufsicht",
        "enabled_modules": ["news", "services"],
    },
    {
        "slug": "naumburg",
        "name": "Naumburg (Saale)",
        "official_name": "Stadt Naumburg (Saale)",
        "ags": "15084355",
        "ars": "150840355355",
        "kreis": "Burgenlandkreis",
        "primary_colour": "#8a1538",
        "street": "Markt 1",
        "postcode": "06618",
        "city": "Naumburg (Saale)",
        "email": "rathaus@naumburg.example",
        "accessibility_email": "barrierefreiheit@naumburg.example",
        "data_protection_email": "datenschutz@naumburg.example",
        "represented_by": "den Oberbürgermeister",
        "supervisory_authority": "Landkreis Burgenlandkreis, Kommunalaufsicht",
        "enabled_modules": ["news", "services"],
    },
    {
        "slug": "elsteraue",
        "name": "Elsteraue",
        "official_name": "Gemeinde Elsteraue",
        "ags": "15084130",
        "ars": "150840130130",
        "kreis": "Burgenlandkreis",
        "primary_colour": "#2f6b2f",
        "street": "Hauptstraße 30",
        "postcode": "06729",
        "city": "Elsteraue",
        "email": "gemeinde@elsteraue.example",
        "accessibility_email": "barrierefreiheit@elsteraue.example",
        "data_protection_email": "datenschutz@elsteraue.example",
        "represented_by": "den Bürgermeister",
        "supervisory_authority": "Landkreis Burgenlandkreis, Kommunalaufsicht",
        "enabled_modules": [],
    },
]


@dataclass(frozen=True)
class DemoUser:
    email: str
    municipality: str
    role: str


def demo_users() -> list[DemoUser]:
    users = []
    for m in MUNICIPALITIES:
        for role in StaffRole.Role.values:
            if not kit.role_in_use(role):
                continue  # a role whose module is not built yet would find nothing to do
            users.append(DemoUser(f"{role.replace('_', '-')}@{m['slug']}.example", m["slug"], role))
    users += [
        DemoUser("anna.schmidt@example.org", "zeitz", "resident"),
        DemoUser("lukas.becker@example.org", "naumburg", "resident"),
        DemoUser("firma@hub-partner.example", "zeitz", "company"),
    ]
    return users


def _person(email: str, first: str = "", last: str = "") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_create(
            email=email, password=DEMO_PASSWORD, first_name=first, last_name=last, verified=True
        )
    return user


def load() -> dict:
    created = {"municipalities": 0, "users": 0}
    by_slug: dict[str, Municipality] = {}
    for data in MUNICIPALITIES:
        data = dict(data)
        slug = data.pop("slug")
        existing = Municipality.objects.filter(slug=slug).first()
        if existing:
            keys = {"ags": data.pop("ags"), "ars": data.pop("ars")}
            if (existing.ags, existing.ars) != (keys["ags"], keys["ars"]):
                raise ValueError(f"Demo municipality {slug!r} exists with other keys.")
            by_slug[slug] = municipality_update(municipality=existing, **data)
        else:
            by_slug[slug] = municipality_create(slug=slug, **data)
            created["municipalities"] += 1

    users_before = User.objects.count()
    for demo in demo_users():
        municipality = by_slug[demo.municipality]
        if demo.role == "resident":
            first, last = demo.email.split("@")[0].split(".")
            _person(demo.email, first.title(), last.title())
        elif demo.role == "company":
            user = _person(demo.email, "Paula", "Partner")
            if not Membership.objects.filter(user=user).exists():
                organisation_create(
                    name="Hub-Partner GmbH",
                    admin=user,
                    kind=Organisation.Kind.COMPANY,
                    street="Schützenplatz 2",
                    postcode="06712",
                    city="Zeitz",
                    register_number="HRB 00000 (Demo)",
                )
        else:
            user = _person(demo.email, demo.role.replace("_", " ").title(), municipality.name)
            with scope(municipality=municipality):
                staff_role_grant(municipality=municipality, user=user, role=demo.role, actor=None)
    created["users"] = User.objects.count() - users_before

    created["password"] = DEMO_PASSWORD
    return created


def demo_municipalities() -> dict[str, Municipality]:
    """The demo municipalities by slug (for the other modules' demo steps)."""
    slugs = [m["slug"] for m in MUNICIPALITIES]
    return {m.slug: m for m in Municipality.objects.filter(slug__in=slugs)}
