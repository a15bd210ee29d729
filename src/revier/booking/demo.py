"""Demo data of bookings (idempotent): the Digital Hub Zeitz with 24 desks and 3 rooms, the
contingent of five desks of the company of ``firma@hub-partner.example``, appointment services
at the Bürgerbüro, two upcoming events and a course with sessions."""

import datetime as dt

from django.utils import timezone
from django_scopes import scope

from revier.accounts.demo import DEMO_PASSWORD, demo_municipalities
from revier.accounts.models import Membership, User
from revier.accounts.services import staff_role_grant, user_create
from revier.booking import services
from revier.booking.models import Hub, Resource
from revier.tenancy.services import municipality_update

WEEKDAYS_8_18 = {d: [(dt.time(8), dt.time(18))] for d in range(5)}
COUNTER_HOURS = {
    0: [(dt.time(8), dt.time(12))],
    1: [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(18))],
    2: [(dt.time(8), dt.time(12))],
    3: [(dt.time(8), dt.time(12)), (dt.time(13), dt.time(17))],
    4: [(dt.time(8), dt.time(12))],
}
APPOINTMENTS = [
    ("99008001011001", "Personalausweis beantragen", 20, 3),
    ("99008001012000", "Reisepass beantragen", 20, 2),
    ("99115005104000", "Wohnsitz anmelden", 15, 3),
]
DESKS = 24
ROOMS = [
    ("Besprechungsraum Elster", 8, "Bildschirm, Videokonferenz, Whiteboard"),
    ("Werkstattraum", 16, "Beamer, Flipchart, Moderationskoffer"),
    ("Telefonbox", 1, "Schallgedämmt, Steckdose"),
]


def _next_weekday(days_ahead: int, weekday: int = 1) -> dt.date:
    day = timezone.localdate() + dt.timedelta(days=days_ahead)
    while day.weekday() != weekday:
        day += dt.timedelta(days=1)
    return day


def _at(day: dt.date, hour: int, minute: int = 0) -> dt.datetime:
    from revier.booking.calendar import local

    return local(day, dt.time(hour, minute))


def load() -> dict:
    zeitz = demo_municipalities().get("zeitz")
    if zeitz is None:
        return {}
    if "booking" not in (zeitz.enabled_modules or []):
        municipality_update(
            municipality=zeitz, enabled_modules=[*(zeitz.enabled_modules or []), "booking"]
        )
    with scope(municipality=zeitz):
        _counter_staff(zeitz)
        hub = _hub(zeitz)
        _appointments(zeitz)
        _events(zeitz, hub)
        slots = services.slots_materialise_all(municipality=zeitz)
    return {"booking_slots": slots}


def _counter_staff(zeitz) -> None:
    email = "counter-staff@zeitz.example"
    user = User.objects.filter(email=email).first() or user_create(
        email=email,
        password=DEMO_PASSWORD,
        first_name="Counter Staff",
        last_name="Zeitz",
        verified=True,
    )
    staff_role_grant(municipality=zeitz, user=user, role="counter_staff", actor=None)


def _hub(zeitz) -> Hub:
    hub = Hub.objects.filter(slug="digital-hub-zeitz").first()
    if hub is None:
        hub = services.hub_create(
            municipality=zeitz,
            name="Digital Hub Zeitz",
            slug="digital-hub-zeitz",
            street="Altmarkt 1",
            postcode="06712",
            city="Zeitz",
            description="Co-Working, Weiterbildung und Beratung zur Digitalisierung.",
            floor_width=1000,
            floor_height=600,
        )
    existing = set(Resource.objects.filter(hub=hub).values_list("name", flat=True))
    for n in range(1, DESKS + 1):
        name = f"Schreibtisch {n:02d}"
        if name in existing:
            continue
        row, col = divmod(n - 1, 6)
        services.resource_create(
            municipality=zeitz,
            kind=Resource.Kind.DESK,
            name=name,
            hub=hub,
            equipment="Monitor, Dockingstation" if n % 2 else "Monitor",
            opening_hours=WEEKDAYS_8_18,
            check_in_grace_minutes=60,
            floor_x=40 + col * 110,
            floor_y=40 + row * 120,
            floor_w=90,
            floor_h=80,
        )
    for i, (name, seats, equipment) in enumerate(ROOMS):
        if name in existing:
            continue
        services.resource_create(
            municipality=zeitz,
            kind=Resource.Kind.ROOM,
            name=name,
            hub=hub,
            duration_minutes=30,
            equipment=f"{seats} Plätze; {equipment}",
            opening_hours=WEEKDAYS_8_18,
            requires_approval=(name == "Werkstattraum"),
            floor_x=720,
            floor_y=40 + i * 180,
            floor_w=240,
            floor_h=150,
        )
    company = User.objects.filter(email="firma@hub-partner.example").first()
    membership = Membership.objects.filter(user=company).select_related("organisation").first()
    if membership is not None:
        fixed = list(
            Resource.objects.filter(hub=hub, name__in=["Schreibtisch 01", "Schreibtisch 02"])
        )
        services.contingent_set(
            municipality=zeitz,
            hub=hub,
            organisation=membership.organisation,
            desks=5,
            valid_from=timezone.localdate() - dt.timedelta(days=30),
            fixed_desks=fixed,
        )
    return hub


def _appointments(zeitz) -> None:
    from revier.services.models import Office, Service

    office = Office.objects.filter(name="Bürgerbüro").first()
    existing = set(
        Resource.objects.filter(kind=Resource.Kind.APPOINTMENT).values_list("name", flat=True)
    )
    for leika, name, minutes, counters in APPOINTMENTS:
        if name in existing:
            continue
        services.resource_create(
            municipality=zeitz,
            kind=Resource.Kind.APPOINTMENT,
            name=name,
            office=office,
            service=Service.objects.filter(leika=leika).first(),
            capacity=counters,
            duration_minutes=minutes,
            confirm_by_email=True,
            hold_minutes=30,
            max_open_per_person=2,
            booking_window_days=42,
            opening_hours=COUNTER_HOURS,
        )


def _events(zeitz, hub: Hub) -> None:
    existing = set(
        Resource.objects.filter(kind__in=[Resource.Kind.EVENT, Resource.Kind.COURSE]).values_list(
            "name", flat=True
        )
    )
    day1, day2 = _next_weekday(10, 1), _next_weekday(24, 3)
    events = [
        ("Netzwerkabend: Digitalisierung im Mittelstand", day1, 18, 21, 60, True),
        ("Sprechstunde Fördermittel für die Digitalisierung", day2, 10, 12, 20, False),
    ]
    for name, day, a, b, capacity, waiting in events:
        if name in existing:
            continue
        services.event_create(
            municipality=zeitz,
            name=name,
            start=_at(day, a),
            end=_at(day, b),
            capacity=capacity,
            waiting_list=waiting,
            hub=hub,
            description="Im Digital Hub Zeitz, Altmarkt 1.",
        )
    course = "Kurs: Grundlagen der IT-Sicherheit (4 Termine)"
    if course not in existing:
        first = _next_weekday(14, 2)
        sessions = [
            (_at(first + dt.timedelta(weeks=w), 17), _at(first + dt.timedelta(weeks=w), 19))
            for w in range(4)
        ]
        services.event_create(
            municipality=zeitz,
            kind=Resource.Kind.COURSE,
            name=course,
            start=None,
            end=None,
            sessions=sessions,
            capacity=12,
            waiting_list=True,
            hub=hub,
            description="Vier Abende im Digital Hub Zeitz.",
        )
