"""Demo news of the demo municipalities (idempotent): published items and one scheduled."""

import datetime as dt

from django.utils import timezone
from django_scopes import scope

from revier.accounts.demo import demo_municipalities
from revier.news.models import NewsItem
from revier.news.services import news_create, news_delete

NEWS = {
    # Only what the demo really offers (issue 12): no co-working, online appointments or
    # participation before those modules exist.
    "zeitz": [
        (
            "Hundesteuer, Urkunden und Meldebescheinigung jetzt online",
            "Zwölf Leistungen der Stadt können Sie jetzt online beantragen.",
            "Sie können unter anderem Ihren Hund zur Hundesteuer anmelden, eine Geburts-, "
            "Ehe- oder Sterbeurkunde bestellen und eine Meldebescheinigung beantragen. Unter "
            "„Leistungen“ sehen Sie bei jeder Leistung, ob Sie sie online beantragen können. "
            "Alle anderen Anliegen erledigen Sie wie bisher im Bürgerbüro.",
        ),
        (
            "Bürgerbüro: Öffnungszeiten",
            "Das Bürgerbüro am Altmarkt 1 ist an fünf Tagen in der Woche geöffnet.",
            "Montag und Mittwoch 9 bis 12 Uhr, Dienstag und Donnerstag 9 bis 12 und 13 bis 18 Uhr, "
            "Freitag 9 bis 12 Uhr. Für Personalausweis und Reisepass kommen Sie bitte persönlich.",
        ),
    ],
    "naumburg": [
        (
            "Hundesteuer online anmelden",
            "Die Anmeldung zur Hundesteuer geht jetzt auch online.",
            "Auf der Seite der Leistung „Hundesteuer Anmeldung“ starten Sie den Antrag. Alle "
            "anderen Anliegen erledigen Sie wie bisher im Bürgerbüro.",
        ),
    ],
}

# Demo news of earlier versions that promised what does not exist: removed on the next load.
RETIRED = {
    "zeitz": [
        "Digital Hub Zeitz öffnet für Gründerinnen und Gründer",
        "Bürgerservice: Termine auch online",
    ],
    "naumburg": ["Neue Online-Dienste im Bürgerbüro"],
}


# Scheduled a fortnight after the demo is loaded: the back office shows it as "scheduled".
SCHEDULED = {
    "zeitz": (
        "Weihnachtsmarkt auf dem Altmarkt",
        "Der Weihnachtsmarkt öffnet mit Bühnenprogramm und Ständen der Vereine.",
        "Die Stadt Zeitz lädt zum Weihnachtsmarkt auf dem Altmarkt ein. Vereine, Schulen und "
        "Händler aus der Region gestalten das Programm.",
    ),
}


def load() -> None:
    municipalities = demo_municipalities()
    for slug, titles in RETIRED.items():
        municipality = municipalities[slug]
        with scope(municipality=municipality):
            for item in NewsItem.objects.filter(title__in=titles):
                news_delete(item=item, actor=None)
    for slug, items in NEWS.items():
        municipality = municipalities[slug]
        with scope(municipality=municipality):
            for title, summary, body in items:
                if not NewsItem.objects.filter(title=title).exists():
                    news_create(
                        municipality=municipality,
                        title=title,
                        summary=summary,
                        body=body,
                        actor=None,
                        publish=True,
                    )

    for slug, (title, summary, body) in SCHEDULED.items():
        municipality = municipalities[slug]
        with scope(municipality=municipality):
            if not NewsItem.objects.filter(title=title).exists():
                news_create(
                    municipality=municipality,
                    title=title,
                    summary=summary,
                    body=body,
                    actor=None,
                    publish_at=timezone.now() + dt.timedelta(days=14),
                )
