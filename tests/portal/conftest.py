import pytest
from django_scopes import scope

from revier.tenancy.services import municipality_update


@pytest.fixture(autouse=True)
def _english(settings):
    # Assertions compare English msgids; German stays the default in production.
    settings.LANGUAGE_CODE = "en"


@pytest.fixture
def zeitz_full(zeitz):
    """Zeitz with every Impressum and privacy field filled in."""
    return municipality_update(
        municipality=zeitz,
        official_name="Stadt Zeitz",
        street="Altmarkt 1",
        postcode="06712",
        city="Zeitz",
        phone="03441 83-0",
        website="https://www.zeitz.de",
        represented_by="den Oberbürgermeister",
        vat_id="DE123456789",
        supervisory_authority="Landkreis Burgenlandkreis, Kommunalaufsicht",
        data_protection_officer="Behördlicher Datenschutzbeauftragter der Stadt Zeitz",
        data_protection_email="datenschutz@zeitz.example",
    )


@pytest.fixture
def publish_news():
    def publish(municipality, count: int, prefix: str = "Meldung"):
        from revier.news.services import news_create

        with scope(municipality=municipality):
            return [
                news_create(
                    municipality=municipality,
                    title=f"{prefix} {i}",
                    summary=f"Zusammenfassung {i}",
                    body=f"Text {i}",
                    actor=None,
                    publish=True,
                )
                for i in range(count)
            ]

    return publish
