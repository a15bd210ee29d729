"""Demo data (the first demo step): Zeitz and two neighbouring municipalities of the
Burgenlandkreis with their real keys, staff for every role, residents and a company.
Idempotent: running it again refreshes."""

from dataclasses import dataclass

from django_scopes import scope

from revier.accounts.models import Membership, Organisation, StaffRole, User
from revier.accounts.services import organisation_create, staff_role_grant, user_create
from revier.core import kit
from revier.tenancy import cache as tenancy_cache
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
        "phone": "03441 12345-0",
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


# The residents' form of address and postal address (letters are addressed with them).
RESIDENT_PROFILES = {
    "anna.schmidt@example.org": {
        "form_of_address": "ms",
        "street": "Altmarkt 3",
        "postcode": "06712",
        "city": "Zeitz",
    },
    "lukas.becker@example.org": {
        "form_of_address": "mr",
        "street": "Markt 5",
        "postcode": "06618",
        "city": "Naumburg (Saale)",
    },
}


def _person(email: str, first: str = "", last: str = "") -> User:
    user = User.objects.filter(email=email).first()
    if user is None:
        user = user_create(
            email=email, password=DEMO_PASSWORD, first_name=first, last_name=last, verified=True
        )
    profile = RESIDENT_PROFILES.get(email, {})
    missing = {k: v for k, v in profile.items() if not getattr(user, k)}
    if missing:
        User.objects.filter(pk=user.pk).update(**missing)
        for key, value in missing.items():
            setattr(user, key, value)
    return user


def demo_logo_svg(municipality: Municipality) -> bytes:
    """A simple logo drawn for the demo: the municipality's name beside three roofs in its
    colour. Not a coat of arms (the real ones are protected)."""
    from django.utils.html import escape

    kind, _sep, place = (municipality.official_name or municipality.name).rpartition(" ")
    if not kind or "(" in place:
        kind, place = "", municipality.name
    colour = escape(municipality.primary_colour or "#004b76")
    width = max(240, 34 * len(place))
    return (
        (
            '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {w} 160" width="{w}" '
            'height="160" '
            'role="img" aria-label="{label}"><title>{label}</title>'
            '<rect x="8" y="8" width="144" height="144" rx="18" fill="{c}"/>'
            '<path d="M28 124V84L48 60L68 84V124Z" fill="#fff"/>'
            '<path d="M62 124V70L80 36L98 70V124Z" fill="#fff" fill-opacity=".7"/>'
            '<path d="M92 124V84L112 60L132 84V124Z" fill="#fff"/>'
            '<rect x="24" y="124" width="112" height="8" fill="#fff"/>'
            '<text x="172" y="70" font-family="sans-serif" font-size="30" fill="{c}">{kind}</text>'
            '<text x="170" y="126" font-family="sans-serif" font-size="52" font-weight="bold" '
            'fill="{c}">{place}</text></svg>'
        )
        .format(
            w=170 + width,
            c=colour,
            label=escape(f"{municipality.official_name or municipality.name} (Demo-Logo)"),
            kind=escape(kind),
            place=escape(place),
        )
        .encode()
    )


def _demo_logo(municipality: Municipality) -> None:
    """Give a demo municipality its drawn logo unless it has one (written by code, not through
    the upload, which accepts only raster images)."""
    from django.core.files.base import ContentFile

    if municipality.logo:
        return
    municipality.logo.save(
        f"{municipality.slug}-demo-logo.svg", ContentFile(demo_logo_svg(municipality)), save=False
    )
    municipality.save(update_fields=["logo", "updated_at"])
    tenancy_cache.invalidate(municipality)


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
        _demo_logo(by_slug[slug])

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
