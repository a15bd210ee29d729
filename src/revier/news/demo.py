"""Demo news of the demo municipalities (idempotent): published items and one scheduled."""

import datetime as dt

from django.utils import timezone
from django_scopes import scope

from revier.accounts.demo import demo_municipalities
from revier.news.models import NewsItem
from revier.news.services import news_create

NEWS = {
    "zeitz": [
        (
            "Digital Hub Zeitz öffnet für Gründerinnen und Gründer",
            "Im Digital Hub stehen ab sofort Co-Working-Plätze zur Verfügung.",
            "Die Stadt Zeitz lädt Unternehmen, Gründerinnen und Gründer in den Digital Hub ein. "
            "Schreibtische, Besprechungsräume und Beratung können gebucht werden.",
        ),
        (
            "Bürgerservice: Termine auch online",
            "Viele Anliegen lassen sich ohne Wartezeit erledigen.",
            "Das Bürgerbüro bietet Termine nach Vereinbarung an. Weitere Leistungen werden "
            "schrittweise online angeboten.",
        ),
    ],
    "naumburg": [
        (
            "Neue Online-Dienste im Bürgerbüro",
            "Die Stadt erweitert ihr digitales Angebot.",
            "Schritt für Schritt werden Verwaltungsleistungen online verfügbar.",
        ),
    ],
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
